import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { evaluateVerdictAt, rejected, type AcceptedVerdict } from './token-verdict.js';

function accepted(notBefore: number | null, expiresAt: number | null): AcceptedVerdict {
  return {
    accepted: true,
    principal: { sub: 'alice', scopes: [], expiresAt, claims: {} },
    expiresAt,
    notBefore,
  };
}

describe('evaluateVerdictAt', () => {
  it('accepts inside the window', () => {
    expect(evaluateVerdictAt(accepted(1_000, 5_000), 3_000, 0)).toEqual({
      ok: true,
      principal: expect.objectContaining({ sub: 'alice' }) as unknown,
    });
  });

  it('expires exactly at exp plus tolerance', () => {
    const verdict = accepted(null, 5_000);

    expect(evaluateVerdictAt(verdict, 4_999, 0).ok).toBe(true);
    expect(evaluateVerdictAt(verdict, 5_000, 0)).toEqual({ ok: false, code: WsAuthErrorCode.TOKEN_EXPIRED });
    expect(evaluateVerdictAt(verdict, 5_999, 1_000).ok).toBe(true);
    expect(evaluateVerdictAt(verdict, 6_000, 1_000)).toEqual({ ok: false, code: WsAuthErrorCode.TOKEN_EXPIRED });
  });

  it('is not yet valid until nbf minus tolerance', () => {
    const verdict = accepted(5_000, null);

    expect(evaluateVerdictAt(verdict, 4_999, 0)).toEqual({ ok: false, code: WsAuthErrorCode.TOKEN_NOT_YET_VALID });
    expect(evaluateVerdictAt(verdict, 5_000, 0).ok).toBe(true);
    expect(evaluateVerdictAt(verdict, 3_999, 1_000)).toEqual({ ok: false, code: WsAuthErrorCode.TOKEN_NOT_YET_VALID });
    expect(evaluateVerdictAt(verdict, 4_000, 1_000).ok).toBe(true);
  });

  it('passes a rejection through unchanged', () => {
    expect(evaluateVerdictAt(rejected(WsAuthErrorCode.TOKEN_INVALID), 0, 0)).toEqual({
      ok: false,
      code: WsAuthErrorCode.TOKEN_INVALID,
    });
  });
});
