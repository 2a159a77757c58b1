import type { WsPrincipal } from '../verification/ws-principal.js';
import { matchesPrincipal, validateSelector } from './token-cache.selector.js';

function principal(fields: Partial<WsPrincipal> = {}): WsPrincipal {
  return { sub: 'alice', scopes: [], expiresAt: null, claims: {}, ...fields };
}

describe('matchesPrincipal', () => {
  it('matches by jti', () => {
    expect(matchesPrincipal(principal({ jti: 'id-1' }), { jti: 'id-1' })).toBe(true);
    expect(matchesPrincipal(principal({ jti: 'id-2' }), { jti: 'id-1' })).toBe(false);
    expect(matchesPrincipal(principal(), { jti: 'id-1' })).toBe(false);
  });

  it('matches by sub', () => {
    expect(matchesPrincipal(principal({ sub: 'alice' }), { sub: 'alice' })).toBe(true);
    expect(matchesPrincipal(principal({ sub: 'bob' }), { sub: 'alice' })).toBe(false);
  });

  it('matches tokens issued before the bound', () => {
    expect(matchesPrincipal(principal({ issuedAt: 999 }), { sub: 'alice', issuedBefore: 1_000 })).toBe(true);
    expect(matchesPrincipal(principal({ issuedAt: 1_000 }), { sub: 'alice', issuedBefore: 1_000 })).toBe(false);
    expect(matchesPrincipal(principal({ sub: 'bob', issuedAt: 999 }), { sub: 'alice', issuedBefore: 1_000 })).toBe(
      false,
    );
  });

  it('matches a token without iat under an issue bound', () => {
    expect(matchesPrincipal(principal(), { sub: 'alice', issuedBefore: 1_000 })).toBe(true);
  });
});

describe('validateSelector', () => {
  it.each([[{ token: 'abc' }], [{ jti: 'id-1' }], [{ sub: 'alice' }], [{ sub: 'alice', issuedBefore: 1_000 }]])(
    'accepts %j',
    (selector) => {
      expect(() => validateSelector(selector)).not.toThrow();
    },
  );

  it.each([
    ['null', null, 'The cache selector must be an object of the form { token }, { jti } or { sub, issuedBefore? }.'],
    ['a string', 'abc', 'The cache selector must be an object of the form'],
    ['an empty object', {}, 'The cache selector must have exactly one of token, jti or sub; received no field.'],
    [
      'two keys',
      { token: 'abc', jti: 'id-1' },
      'The cache selector must have exactly one of token, jti or sub; received token, jti.',
    ],
    [
      'an unknown field',
      { jti: 'id-1', scope: 'x' },
      'The cache selector has unexpected fields scope. The allowed forms are',
    ],
    ['issuedBefore without sub', { jti: 'id-1', issuedBefore: 5 }, 'unexpected fields issuedBefore'],
    ['an empty token', { token: '' }, "The cache selector's token must be a non-empty string."],
    ['a numeric jti', { jti: 5 }, "The cache selector's jti must be a non-empty string."],
    [
      'a NaN bound',
      { sub: 'alice', issuedBefore: Number.NaN },
      "The cache selector's issuedBefore must be a finite time in milliseconds since the epoch.",
    ],
    ['a string bound', { sub: 'alice', issuedBefore: '1000' }, "The cache selector's issuedBefore must be a finite"],
  ])('rejects %s', (_kind, selector, message) => {
    expect(() => validateSelector(selector)).toThrow(TypeError);
    expect(() => validateSelector(selector)).toThrow(message);
  });
});
