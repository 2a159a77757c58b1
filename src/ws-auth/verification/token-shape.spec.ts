import { decodeJwtHeader, hasJsonObjectPayload, isBearerTokenSyntax, looksLikeJwt } from './token-shape.js';

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function textSegment(text: string): string {
  return Buffer.from(text).toString('base64url');
}

describe('looksLikeJwt', () => {
  it.each([
    ['three segments', 'aaa.bbb.ccc', true],
    ['an empty signature', 'aaa.bbb.', true],
    ['base64url punctuation', 'a-_.b-_.c-_', true],
    ['two segments', 'aaa.bbb', false],
    ['four segments', 'aaa.bbb.ccc.ddd', false],
    ['an empty header', '.bbb.ccc', false],
    ['an empty payload', 'aaa..ccc', false],
    ['standard base64 padding', 'aaa=.bbb.ccc', false],
    ['a plus sign', 'a+a.bbb.ccc', false],
    ['a space', 'aaa.b b.ccc', false],
    ['an empty string', '', false],
  ])('classifies %s', (_name, token, expected) => {
    expect(looksLikeJwt(token)).toBe(expected);
  });
});

describe('isBearerTokenSyntax', () => {
  it.each([
    ['letters and digits', 'abc123', true],
    ['every b64token punctuation', 'a-._~+/b', true],
    ['trailing padding', 'abc==', true],
    ['a JWT', 'aaa.bbb.ccc', true],
    ['padding in the middle', 'ab=c', false],
    ['only padding', '==', false],
    ['a space', 'ab c', false],
    ['a quote', 'ab"c', false],
    ['non-ASCII letters', 'abcé', false],
    ['an empty string', '', false],
  ])('classifies %s', (_name, token, expected) => {
    expect(isBearerTokenSyntax(token)).toBe(expected);
  });
});

describe('decodeJwtHeader', () => {
  it('returns alg and kid', () => {
    expect(decodeJwtHeader(`${segment({ alg: 'RS256', kid: 'key-1', typ: 'JWT' })}.e30.sig`)).toEqual({
      alg: 'RS256',
      kid: 'key-1',
    });
  });

  it('drops a non-string kid', () => {
    expect(decodeJwtHeader(`${segment({ alg: 'HS256', kid: 7 })}.e30.sig`)).toEqual({ alg: 'HS256' });
  });

  it.each([
    ['a header without alg', segment({ typ: 'JWT' })],
    ['a numeric alg', segment({ alg: 256 })],
    ['a JSON array header', segment(['HS256'])],
    ['a JSON string header', segment('HS256')],
    ['a JSON null header', segment(null)],
    ['a header that is not JSON', textSegment('not json')],
  ])('rejects %s', (_name, header) => {
    expect(decodeJwtHeader(`${header}.e30.sig`)).toBeNull();
  });

  it('rejects an invalid header on every call', () => {
    const token = `${segment({ typ: 'JWT' })}.e30.sig`;

    expect(decodeJwtHeader(token)).toBeNull();
    expect(decodeJwtHeader(token)).toBeNull();
  });

  it('returns one frozen header for tokens that share it', () => {
    const header = segment({ alg: 'ES256', kid: 'shared' });

    const first = decodeJwtHeader(`${header}.${segment({ sub: 'alice' })}.sig-a`);
    const second = decodeJwtHeader(`${header}.${segment({ sub: 'bob' })}.sig-b`);

    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('decodes a long header without keeping it', () => {
    const token = `${segment({ alg: 'RS256', kid: 'k'.repeat(600) })}.e30.sig`;

    expect(decodeJwtHeader(token)).toEqual({ alg: 'RS256', kid: 'k'.repeat(600) });
    expect(decodeJwtHeader(token)).not.toBe(decodeJwtHeader(token));
  });

  // The cache is shared by this file's tests, so the test that fills it comes last.
  it('decodes headers past the cache limit and keeps the cached ones', () => {
    const cachedToken = `${segment({ alg: 'RS256', kid: 'first' })}.e30.sig`;
    const cached = decodeJwtHeader(cachedToken);
    for (let index = 0; index < 300; index += 1) {
      expect(decodeJwtHeader(`${segment({ alg: 'RS256', kid: `key-${index}` })}.e30.sig`)).toEqual({ alg: 'RS256', kid: `key-${index}` });
    }

    const lateToken = `${segment({ alg: 'RS256', kid: 'late' })}.e30.sig`;

    expect(decodeJwtHeader(cachedToken)).toBe(cached);
    expect(decodeJwtHeader(lateToken)).toEqual({ alg: 'RS256', kid: 'late' });
    expect(decodeJwtHeader(lateToken)).not.toBe(decodeJwtHeader(lateToken));
  });
});

describe('hasJsonObjectPayload', () => {
  const header = segment({ alg: 'HS256' });

  it('accepts an object payload', () => {
    expect(hasJsonObjectPayload(`${header}.${segment({ sub: 'alice' })}.sig`)).toBe(true);
  });

  it('accepts an object payload without signature', () => {
    expect(hasJsonObjectPayload(`${header}.${segment({ sub: 'alice' })}.`)).toBe(true);
  });

  it.each([
    ['an array', segment([1, 2])],
    ['a string', segment('alice')],
    ['a number', segment(42)],
    ['null', segment(null)],
    ['text that is not JSON', textSegment('not json')],
  ])('rejects a payload of %s', (_name, payload) => {
    expect(hasJsonObjectPayload(`${header}.${payload}.sig`)).toBe(false);
  });
});
