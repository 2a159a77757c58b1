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
