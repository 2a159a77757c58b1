import { generateKeyPairSync } from 'node:crypto';

import { resolveWsAuthOptions } from './resolve-options.js';

const SECRET = 's'.repeat(32);

describe('resolveWsAuthOptions algorithms', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('requires key material without options', () => {
    expect(() => resolveWsAuthOptions(undefined)).toThrow(/^WsAuthModule needs /);
  });

  it('keeps explicit HS algorithms for a secret', () => {
    expect(resolveWsAuthOptions({ secret: SECRET, algorithms: ['HS512', 'HS256'] }).algorithms).toEqual([
      'HS512',
      'HS256',
    ]);
  });

  it('removes repeated algorithms', () => {
    expect(resolveWsAuthOptions({ secret: SECRET, algorithms: ['HS256', 'HS256'] }).algorithms).toEqual(['HS256']);
  });

  it('accepts ES256 for a P-256 key', () => {
    expect(resolveWsAuthOptions({ publicKey: ecP256.publicKey, algorithms: ['ES256'] }).algorithms).toEqual(['ES256']);
  });

  it('accepts both families with both keys', () => {
    const resolved = resolveWsAuthOptions({ secret: SECRET, publicKey: rsa.publicKey, algorithms: ['RS256', 'HS384'] });

    expect(resolved.algorithms).toEqual(['RS256', 'HS384']);
  });

  it('rejects mixed families without a secret', () => {
    expect(() => resolveWsAuthOptions({ publicKey: rsa.publicKey, algorithms: ['HS256', 'RS256'] })).toThrow(
      'algorithms mixes symmetric and asymmetric algorithms for one key (HS256), but no secret is set; set secret or remove them.',
    );
  });

  it('rejects a non-string algorithm', () => {
    expect(() =>
      resolveWsAuthOptions({ secret: SECRET, algorithms: [256 as unknown as 'HS256'] }),
    ).toThrow(/algorithms must contain only HS256, .*; received 256\./);
  });
});
