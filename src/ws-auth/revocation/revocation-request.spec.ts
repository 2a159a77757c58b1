import { resolveRevocationRequest } from './revocation-request.js';

const NOW = Date.UTC(2030, 0, 1);

describe('resolveRevocationRequest', () => {
  it('accepts a jti', () => {
    expect(resolveRevocationRequest({ jti: 'token-1' }, NOW)).toEqual({ jti: 'token-1' });
  });

  it('fills in issuedBefore with now', () => {
    expect(resolveRevocationRequest({ sub: 'alice' }, NOW)).toEqual({ sub: 'alice', issuedBefore: NOW });
  });

  it('keeps a given issuedBefore', () => {
    expect(resolveRevocationRequest({ sub: 'alice', issuedBefore: 5 }, NOW)).toEqual({ sub: 'alice', issuedBefore: 5 });
    expect(resolveRevocationRequest({ sub: 'alice', issuedBefore: 0 }, NOW)).toEqual({ sub: 'alice', issuedBefore: 0 });
  });

  it.each([
    ['null', null, 'A revocation must be an object of the form { jti } or { sub, issuedBefore? }.'],
    ['a string', 'alice', 'A revocation must be an object of the form { jti } or { sub, issuedBefore? }.'],
    ['an array', [{ jti: 'x' }], 'A revocation must be an object of the form { jti } or { sub, issuedBefore? }.'],
    ['an empty object', {}, 'A revocation must have exactly one of jti or sub; received no field.'],
    ['a token', { token: 'abc' }, 'A revocation must have exactly one of jti or sub; received token.'],
    ['jti and sub', { jti: 'x', sub: 'alice' }, 'A revocation must have exactly one of jti or sub; received jti, sub.'],
    ['issuedBefore with a jti', { jti: 'x', issuedBefore: 5 }, 'A revocation has unexpected fields issuedBefore. The allowed forms are { jti } or { sub, issuedBefore? }.'],
    ['an unknown field', { sub: 'alice', reason: 'x' }, 'A revocation has unexpected fields reason. The allowed forms are { jti } or { sub, issuedBefore? }.'],
    ['an empty jti', { jti: '' }, "A revocation's jti must be a non-empty string."],
    ['a numeric sub', { sub: 42 }, "A revocation's sub must be a non-empty string."],
    ['a string issuedBefore', { sub: 'alice', issuedBefore: '2030-01-01' }, "A revocation's issuedBefore must be a time in milliseconds since the epoch, a finite number from 0."],
    ['a NaN issuedBefore', { sub: 'alice', issuedBefore: Number.NaN }, "A revocation's issuedBefore must be"],
    ['a negative issuedBefore', { sub: 'alice', issuedBefore: -1 }, "A revocation's issuedBefore must be"],
  ])('rejects %s', (_name, request, message) => {
    expect(() => resolveRevocationRequest(request, NOW)).toThrow(TypeError);
    expect(() => resolveRevocationRequest(request, NOW)).toThrow(message);
  });
});
