import { generateKeyPairSync } from 'node:crypto';

import { resolveWsAuthOptions, validateWsAuthOptions } from './resolve-options.js';
import type { WsAuthModuleOptions } from './ws-auth-options.interface.js';
import { thrownBy } from '../../../test/support/thrown-by.js';

const SECRET = 's'.repeat(32);

function resolve(options: Record<string, unknown>): ReturnType<typeof resolveWsAuthOptions> {
  return resolveWsAuthOptions(options);
}

describe('resolveWsAuthOptions', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('applies the defaults', () => {
    const resolved = resolve({ secret: SECRET });

    expect(resolved.algorithms).toEqual(['HS256']);
    expect(resolved.clockToleranceMs).toBe(0);
    expect(resolved.requireExpiration).toBe(true);
    expect(resolved.maxTokenBytes).toBe(8192);
    expect(resolved.allowQueryToken).toBe(false);
    expect(resolved.queryTokenParameter).toBe('token');
    expect(resolved.secretKey?.type).toBe('secret');
    expect(resolved.publicKey).toBeNull();
  });

  it('prepares a PEM public key once and picks its algorithm', () => {
    const resolved = resolve({ publicKey: rsaPem });

    expect(resolved.publicKey?.asymmetricKeyType).toBe('rsa');
    expect(resolved.algorithms).toEqual(['RS256']);
  });

  it('accepts DER bytes and KeyObjects as public keys', () => {
    const der = rsa.publicKey.export({ type: 'spki', format: 'der' });

    expect(resolve({ publicKey: der }).publicKey?.asymmetricKeyType).toBe('rsa');
    expect(resolve({ publicKey: ecP256.publicKey }).algorithms).toEqual(['ES256']);
    expect(resolve({ publicKey: ecP384.publicKey }).algorithms).toEqual(['ES384']);
    expect(resolve({ publicKey: rsa.privateKey }).publicKey?.type).toBe('public');
  });

  it('defaults to both families when both keys are set', () => {
    expect(resolve({ secret: SECRET, publicKey: rsaPem }).algorithms).toEqual(['HS256', 'RS256']);
  });

  it('converts the clock tolerance to milliseconds', () => {
    expect(resolve({ secret: SECRET, clockToleranceSec: 1.5 }).clockToleranceMs).toBe(1500);
    expect(resolve({ secret: SECRET, clockToleranceSec: 300 }).clockToleranceSec).toBe(300);
  });

  it('passes the clock tolerance to the cache', () => {
    expect(resolve({ secret: SECRET, clockToleranceSec: 2 }).cache.clockToleranceMs).toBe(2000);
  });

  it('keeps issuer and audience lists', () => {
    const resolved = resolve({ secret: SECRET, issuer: ['a', 'b'], audience: 'api' });

    expect(resolved.issuer).toEqual(['a', 'b']);
    expect(resolved.audience).toBe('api');
  });

  it.each([
    ['clock tolerance above 300 s', { clockToleranceSec: 301 }, /clockToleranceSec must be a finite number from 0 to 300 seconds; received 301\./],
    ['negative clock tolerance', { clockToleranceSec: -1 }, /clockToleranceSec .*received -1\./],
    ['NaN clock tolerance', { clockToleranceSec: Number.NaN }, /clockToleranceSec .*received NaN\./],
    ['infinite clock tolerance', { clockToleranceSec: Number.POSITIVE_INFINITY }, /clockToleranceSec .*received Infinity\./],
    ['string clock tolerance', { clockToleranceSec: '30' }, /clockToleranceSec .*received "30"\./],
    ['empty secret', { secret: '' }, /secret must be at least 32 bytes long for HS algorithms; received 0 bytes\./],
    ['short secret', { secret: 'x'.repeat(31) }, /secret must be at least 32 bytes .*received 31 bytes\./],
    ['short Buffer secret', { secret: Buffer.alloc(16) }, /received 16 bytes/],
    ['numeric secret', { secret: 12345 }, /secret must be a string or a Buffer; received 12345\./],
    ['empty algorithms', { algorithms: [] }, /algorithms must be a non-empty array of HS256, .*; received an array of 0 items\./],
    ['algorithms with none', { algorithms: ['HS256', 'none'] }, /algorithms must not contain "none"/],
    ['algorithms with None', { algorithms: ['None'] }, /algorithms must not contain "none"/],
    ['unknown algorithm', { algorithms: ['HS999'] }, /algorithms must contain only .*; received "HS999"\./],
    ['algorithms as a string', { algorithms: 'HS256' }, /algorithms must be a non-empty array/],
    ['symmetric and asymmetric for one secret', { algorithms: ['HS256', 'RS256'] }, /algorithms mixes symmetric and asymmetric algorithms for one key \(RS256\), but neither publicKey nor jwksUri is set/],
    ['zero max token size', { maxTokenBytes: 0 }, /maxTokenBytes must be an integer from 1 to 65536 bytes; received 0\./],
    ['fractional max token size', { maxTokenBytes: 10.5 }, /maxTokenBytes must be an integer .*received 10\.5\./],
    ['negative max token size', { maxTokenBytes: -8 }, /maxTokenBytes .*received -8\./],
    ['string max token size', { maxTokenBytes: '8192' }, /maxTokenBytes .*received "8192"\./],
    ['non-boolean requireExpiration', { requireExpiration: 'yes' }, /requireExpiration must be true or false; received "yes"\./],
    ['non-boolean allowQueryToken', { allowQueryToken: 1 }, /allowQueryToken must be true or false; received 1\./],
    ['empty query parameter', { queryTokenParameter: '' }, /queryTokenParameter must be a non-empty string/],
    ['empty issuer', { issuer: '' }, /issuer must be a non-empty string/],
    ['empty audience list', { audience: [] }, /audience must be a non-empty string or a non-empty array of strings/],
    ['audience list with a number', { audience: ['api', 3] }, /audience\[1\] must be a non-empty string; received 3\./],
    ['unknown option', { clockTolerance: 30 }, /unknown option "clockTolerance"; known options: secret, /],
    ['cache as a number', { cache: 5 }, /cache must be an object; received 5\./],
    ['a cache tolerance of its own', { cache: { clockToleranceMs: 5 } }, /cache\.clockToleranceMs is derived from clockToleranceSec/],
    ['a bad cache option', { cache: { maxEntries: 0 } }, /cache\.maxEntries must be an integer from 1 to 10000000; received 0\./],
    ['a bad breaker option', { breaker: { resetTimeoutMs: -5 } }, /breaker\.resetTimeoutMs must be an integer from 1 to 86400000 ms; received -5\./],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => resolve({ secret: SECRET, ...extra })).toThrow(message);
  });

  it('rejects options that are not an object', () => {
    expect(() => resolveWsAuthOptions('secret' as unknown as WsAuthModuleOptions)).toThrow(
      /WsAuthModule options must be an object; received "secret"\./,
    );
  });

  it('requires key material', () => {
    expect(() => resolve({})).toThrow(/needs a way to verify tokens: set secret .*, publicKey or jwksUri .*, or introspection/);
  });

  it('rejects HS algorithms without a secret', () => {
    expect(() => resolve({ publicKey: rsaPem, algorithms: ['HS256'] })).toThrow(
      /algorithms contains HS algorithms \(HS256\), but no secret is set/,
    );
  });

  it('rejects RS algorithms without a public key', () => {
    expect(() => resolve({ secret: SECRET, algorithms: ['RS256'] })).toThrow(
      /algorithms contains asymmetric algorithms \(RS256\), but neither publicKey nor jwksUri is set/,
    );
  });

  it('rejects an algorithm that does not fit the key', () => {
    expect(() => resolve({ publicKey: rsaPem, algorithms: ['ES256'] })).toThrow(
      /ES256, which cannot be verified with publicKey of type rsa/,
    );
    expect(() => resolve({ publicKey: ecP256.publicKey, algorithms: ['ES384'] })).toThrow(
      /ES384, which needs an EC key on curve secp384r1; publicKey is on curve prime256v1/,
    );
  });

  it('accepts PS algorithms with an RSA key', () => {
    expect(resolve({ publicKey: rsaPem, algorithms: ['PS256', 'RS256'] }).algorithms).toEqual(['PS256', 'RS256']);
  });

  it('rejects an unreadable public key', () => {
    expect(() => resolve({ publicKey: 'not a pem' })).toThrow(/publicKey could not be parsed as a PEM or DER public key/);
    expect(() => resolve({ publicKey: 42 })).toThrow(/publicKey must be PEM text, a DER Buffer or a KeyObject; received 42\./);
  });

  it('rejects a secret KeyObject as public key', () => {
    const { secretKey } = resolve({ secret: SECRET });

    expect(() => resolve({ publicKey: secretKey })).toThrow(/publicKey must be an asymmetric key/);
  });

  it('never prints the secret in a message', () => {
    const secret = 'short-secret-value';

    const error = thrownBy(() => resolve({ secret }));

    expect(error.message).toContain('received 18 bytes');
    expect(error.message).not.toContain(secret);
  });

  it('accepts introspection alone, with no JWT algorithm', () => {
    const resolved = resolve({ introspection: { url: 'http://127.0.0.1:9000/i', clientId: 'a', clientSecret: 'b' } });

    expect(resolved.algorithms).toEqual([]);
    expect(resolved.introspection?.url).toBe('http://127.0.0.1:9000/i');
    expect(resolved.whenBreakerOpen).toBe('use-cache');
    expect(resolved.remoteTimeoutMs).toBe(2000);
  });

  it('defaults to RS256 with a JWKS', () => {
    const resolved = resolve({ jwksUri: 'http://127.0.0.1:9000/jwks' });

    expect(resolved.algorithms).toEqual(['RS256']);
    expect(resolved.jwks?.cooldownMs).toBe(30_000);
  });

  it('accepts asymmetric algorithms with a JWKS', () => {
    expect(resolve({ jwksUri: 'http://127.0.0.1:9000/jwks', algorithms: ['ES256', 'PS256'] }).algorithms).toEqual(['ES256', 'PS256']);
  });

  it.each([
    ['a JWKS', { secret: SECRET, jwksUri: 'http://127.0.0.1:9000/jwks', algorithms: ['HS256'] }, /jwksUri is set, but algorithms \(HS256\) has no RS, PS or ES algorithm/],
    ['a public key', { secret: SECRET, publicKey: rsaPem, algorithms: ['HS256'] }, /publicKey is set, but algorithms \(HS256\) has no RS, PS or ES algorithm/],
  ])('rejects %s without an asymmetric algorithm', (_name, options, message) => {
    expect(() => resolve(options)).toThrow(message);
  });

  it('rejects a public key and a JWKS together', () => {
    expect(() => resolve({ publicKey: rsaPem, jwksUri: 'http://127.0.0.1:9000/jwks' })).toThrow(/publicKey and jwksUri are both set/);
  });

  it('reads breaker.whenOpen apart from the breaker settings', () => {
    const resolved = resolve({ secret: SECRET, breaker: { whenOpen: 'deny-all', resetTimeoutMs: 5000 } });

    expect(resolved.whenBreakerOpen).toBe('deny-all');
    expect(resolved.breaker.resetTimeoutMs).toBe(5000);
  });

  it('rejects an unknown breaker.whenOpen', () => {
    expect(() => resolve({ secret: SECRET, breaker: { whenOpen: 'ignore' } })).toThrow(
      /breaker\.whenOpen must be one of 'use-cache', 'deny-all'; received "ignore"\./,
    );
  });

  it('rejects an Ed25519 key, which no supported algorithm verifies', () => {
    const ed = generateKeyPairSync('ed25519');

    expect(() => resolve({ publicKey: ed.publicKey })).toThrow(/publicKey of type ed25519 is not supported/);
  });
});

describe('validateWsAuthOptions', () => {
  it('accepts valid options', () => {
    expect(() => validateWsAuthOptions({ secret: SECRET })).not.toThrow();
  });

  it('throws what the module would throw at start', () => {
    expect(() => validateWsAuthOptions({ secret: SECRET, clockToleranceSec: 900 })).toThrow(
      'clockToleranceSec must be a finite number from 0 to 300 seconds; received 900.',
    );
  });
});
