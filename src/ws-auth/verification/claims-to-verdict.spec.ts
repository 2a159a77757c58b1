import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { claimsToVerdict, type ClaimsPolicy } from './claims-to-verdict.js';
import { rejected, type AcceptedVerdict, type TokenVerdict } from './token-verdict.js';

/** 2030-01-01T00:00:00Z in seconds, as JWT time claims are written. */
const EXP_SEC = Date.UTC(2030, 0, 1) / 1000;

const REQUIRE_EXP: ClaimsPolicy = { requireExpiration: true };

function expectAccepted(verdict: TokenVerdict): AcceptedVerdict {
  if (!verdict.accepted) {
    throw new Error(`Expected an accepted verdict, but the claims were rejected with ${verdict.code}.`);
  }
  return verdict;
}

function scopesOf(claims: Record<string, unknown>): readonly string[] {
  return expectAccepted(claimsToVerdict({ sub: 'alice', exp: EXP_SEC, ...claims }, REQUIRE_EXP)).principal.scopes;
}

describe('claimsToVerdict', () => {
  it('builds the principal from the claims', () => {
    const claims = { sub: 'alice', exp: EXP_SEC, nbf: EXP_SEC - 60, iat: EXP_SEC - 120, jti: 'token-1', scope: 'read' };

    const verdict = expectAccepted(claimsToVerdict(claims, REQUIRE_EXP));

    expect(verdict.expiresAt).toBe(EXP_SEC * 1000);
    expect(verdict.notBefore).toBe((EXP_SEC - 60) * 1000);
    expect(verdict.principal.sub).toBe('alice');
    expect(verdict.principal.expiresAt).toBe(EXP_SEC * 1000);
    expect(verdict.principal.issuedAt).toBe((EXP_SEC - 120) * 1000);
    expect(verdict.principal.jti).toBe('token-1');
    expect(verdict.principal.scopes).toEqual(['read']);
    expect(verdict.principal.claims).toBe(claims);
  });

  it('leaves out absent optional claims', () => {
    const verdict = expectAccepted(claimsToVerdict({ sub: 'alice', exp: EXP_SEC }, REQUIRE_EXP));

    expect(verdict.notBefore).toBeNull();
    expect('issuedAt' in verdict.principal).toBe(false);
    expect('jti' in verdict.principal).toBe(false);
  });

  it('ignores an empty jti', () => {
    const verdict = expectAccepted(claimsToVerdict({ sub: 'alice', exp: EXP_SEC, jti: '' }, REQUIRE_EXP));

    expect('jti' in verdict.principal).toBe(false);
  });

  it('ignores a non-string jti', () => {
    const verdict = expectAccepted(claimsToVerdict({ sub: 'alice', exp: EXP_SEC, jti: 42 }, REQUIRE_EXP));

    expect('jti' in verdict.principal).toBe(false);
  });

  it('keeps fractional seconds as milliseconds', () => {
    const verdict = expectAccepted(claimsToVerdict({ sub: 'alice', exp: 1.5, iat: 0.25 }, REQUIRE_EXP));

    expect(verdict.expiresAt).toBe(1500);
    expect(verdict.principal.issuedAt).toBe(250);
  });

  describe('scopes', () => {
    it('splits scope on repeated spaces', () => {
      expect(scopesOf({ scope: '  read   write ' })).toEqual(['read', 'write']);
    });

    it('reads an scp array and drops non-strings', () => {
      expect(scopesOf({ scp: ['read', 7, null, '', { name: 'x' }, 'write'] })).toEqual(['read', 'write']);
    });

    it('reads an scp string', () => {
      expect(scopesOf({ scp: 'read write' })).toEqual(['read', 'write']);
    });

    it('prefers scope over scp', () => {
      expect(scopesOf({ scope: 'read', scp: ['admin'] })).toEqual(['read']);
    });

    it('prefers an empty scope over scp', () => {
      expect(scopesOf({ scope: '', scp: ['admin'] })).toEqual([]);
    });

    it('falls back to scp when scope is null', () => {
      expect(scopesOf({ scope: null, scp: ['admin'] })).toEqual(['admin']);
    });

    it('reads a scope array', () => {
      expect(scopesOf({ scope: ['read', 'write'] })).toEqual(['read', 'write']);
    });

    it('defaults to no scopes', () => {
      expect(scopesOf({})).toEqual([]);
    });

    it('ignores a numeric scope', () => {
      expect(scopesOf({ scope: 5 })).toEqual([]);
    });
  });

  describe('rejections', () => {
    const invalid = rejected(WsAuthErrorCode.TOKEN_INVALID);

    it.each([
      ['a missing sub', { exp: EXP_SEC }],
      ['an empty sub', { sub: '', exp: EXP_SEC }],
      ['a numeric sub', { sub: 42, exp: EXP_SEC }],
      ['a NaN exp', { sub: 'alice', exp: Number.NaN }],
      ['an infinite exp', { sub: 'alice', exp: Number.POSITIVE_INFINITY }],
      ['a string exp', { sub: 'alice', exp: String(EXP_SEC) }],
      ['a null exp', { sub: 'alice', exp: null }],
      ['a NaN nbf', { sub: 'alice', exp: EXP_SEC, nbf: Number.NaN }],
      ['an infinite nbf', { sub: 'alice', exp: EXP_SEC, nbf: Number.NEGATIVE_INFINITY }],
      ['a string nbf', { sub: 'alice', exp: EXP_SEC, nbf: '0' }],
      ['a NaN iat', { sub: 'alice', exp: EXP_SEC, iat: Number.NaN }],
      ['an infinite iat', { sub: 'alice', exp: EXP_SEC, iat: Number.POSITIVE_INFINITY }],
      ['a string iat', { sub: 'alice', exp: EXP_SEC, iat: '0' }],
    ])('rejects %s as invalid', (_name, claims) => {
      expect(claimsToVerdict(claims, REQUIRE_EXP)).toEqual(invalid);
    });

    it('rejects missing exp when required', () => {
      expect(claimsToVerdict({ sub: 'alice' }, REQUIRE_EXP)).toEqual(invalid);
    });
  });

  it('accepts no exp when not required', () => {
    const verdict = expectAccepted(claimsToVerdict({ sub: 'alice' }, { requireExpiration: false }));

    expect(verdict.expiresAt).toBeNull();
    expect(verdict.principal.expiresAt).toBeNull();
  });

  it('checks exp type even when optional', () => {
    expect(claimsToVerdict({ sub: 'alice', exp: 'soon' }, { requireExpiration: false })).toEqual(
      rejected(WsAuthErrorCode.TOKEN_INVALID),
    );
  });
});
