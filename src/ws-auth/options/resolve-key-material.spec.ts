import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import {
  assertKeyFitsAlgorithm,
  defaultAlgorithmsForKey,
  isSymmetricAlgorithm,
  MIN_SECRET_BYTES,
  preparePublicKey,
  prepareSecretKey,
  SUPPORTED_ALGORITHMS,
} from './resolve-key-material.js';
import { thrownBy } from '../../../test/support/thrown-by.js';

describe('resolve-key-material', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPss = generateKeyPairSync('rsa-pss', {
    modulusLength: 2048,
    hashAlgorithm: 'sha256',
    mgf1HashAlgorithm: 'sha256',
  });
  const ecP256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecP384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const ecP521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
  const ecK256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const ed25519 = generateKeyPairSync('ed25519');
  const secretKey = createSecretKey(Buffer.alloc(MIN_SECRET_BYTES, 1));

  describe('isSymmetricAlgorithm', () => {
    it('splits the supported algorithms by family', () => {
      const symmetric = SUPPORTED_ALGORITHMS.filter(isSymmetricAlgorithm);

      expect(symmetric).toEqual(['HS256', 'HS384', 'HS512']);
    });
  });

  describe('prepareSecretKey', () => {
    it('prepares a string secret', () => {
      const key = prepareSecretKey('s'.repeat(MIN_SECRET_BYTES));

      expect(key.type).toBe('secret');
      expect(key.symmetricKeySize).toBe(MIN_SECRET_BYTES);
    });

    it('prepares a Buffer secret', () => {
      const key = prepareSecretKey(Buffer.alloc(48, 7));

      expect(key.symmetricKeySize).toBe(48);
    });

    it('counts UTF-8 bytes', () => {
      expect(prepareSecretKey('é'.repeat(16)).symmetricKeySize).toBe(32);
      expect(() => prepareSecretKey('é'.repeat(15))).toThrow(
        'secret must be at least 32 bytes long for HS algorithms; received 30 bytes.',
      );
    });

    it('rejects a short secret with a RangeError', () => {
      expect(() => prepareSecretKey(Buffer.alloc(31))).toThrow(RangeError);
    });

    it.each([
      ['a number', 12345, 'received 12345.'],
      ['undefined', undefined, 'received undefined.'],
      ['an object', { key: 'hidden-secret-value' }, 'received a value of type object.'],
      ['null', null, 'received a value of type object.'],
      ['a KeyObject', createSecretKey(Buffer.alloc(32)), 'received a value of type object.'],
    ])('rejects %s', (_name, secret, received) => {
      const error = thrownBy(() => prepareSecretKey(secret));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`secret must be a string or a Buffer; ${received}`);
    });

    it('never prints an object secret', () => {
      const error = thrownBy(() => prepareSecretKey({ key: 'hidden-secret-value' }));

      expect(error.message).not.toContain('hidden-secret-value');
    });
  });

  describe('preparePublicKey', () => {
    it('parses PEM text', () => {
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

      expect(preparePublicKey(pem).asymmetricKeyType).toBe('rsa');
    });

    it('parses DER bytes', () => {
      const der = ecP256.publicKey.export({ type: 'spki', format: 'der' });

      expect(preparePublicKey(der).asymmetricKeyType).toBe('ec');
    });

    it('keeps a public KeyObject', () => {
      expect(preparePublicKey(rsa.publicKey)).toBe(rsa.publicKey);
    });

    it('derives the public half of a private key', () => {
      const key = preparePublicKey(ecP256.privateKey);

      expect(key.type).toBe('public');
      expect(key.equals(ecP256.publicKey)).toBe(true);
    });

    it('rejects a secret KeyObject', () => {
      expect(() => preparePublicKey(secretKey)).toThrow(
        'publicKey must be an asymmetric key; received a secret KeyObject (use secret for HS algorithms).',
      );
    });

    it.each([
      ['a number', 42, 'received 42.'],
      ['an array', ['a', 'b'], 'received an array of 2 items.'],
      ['an object', { pem: 'x' }, 'received a value of type object.'],
    ])('rejects %s', (_name, value, received) => {
      expect(() => preparePublicKey(value)).toThrow(`publicKey must be PEM text, a DER Buffer or a KeyObject; ${received}`);
    });

    it('rejects unreadable PEM text', () => {
      const error = thrownBy(() => preparePublicKey('-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----'));

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        'publicKey could not be parsed as a PEM or DER public key; pass PEM text of a public key or certificate, with its BEGIN and END lines.',
      );
      expect(error.cause).toHaveProperty('message');
    });

    it('rejects unreadable DER bytes', () => {
      expect(() => preparePublicKey(Buffer.from('not a key'))).toThrow(
        'publicKey could not be parsed as a PEM or DER public key; pass the DER bytes of a SubjectPublicKeyInfo structure.',
      );
    });
  });

  describe('defaultAlgorithmsForKey', () => {
    it.each([
      ['an RSA key', rsa.publicKey, 'RS256'],
      ['an RSA-PSS key', rsaPss.publicKey, 'PS256'],
      ['a P-256 key', ecP256.publicKey, 'ES256'],
      ['a P-384 key', ecP384.publicKey, 'ES384'],
      ['a P-521 key', ecP521.publicKey, 'ES512'],
    ])('picks one algorithm for %s', (_name, key, algorithm) => {
      expect(defaultAlgorithmsForKey(key)).toEqual([algorithm]);
    });

    it('picks PS384 for an RSA-PSS key restricted to SHA-384', () => {
      const pss384 = generateKeyPairSync('rsa-pss', {
        modulusLength: 2048,
        hashAlgorithm: 'sha384',
        mgf1HashAlgorithm: 'sha384',
      });

      expect(defaultAlgorithmsForKey(pss384.publicKey)).toEqual(['PS384']);
    });

    it('rejects an RSA-PSS key without a hash restriction', () => {
      const unrestricted = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });

      expect(() => defaultAlgorithmsForKey(unrestricted.publicKey)).toThrow(
        'publicKey is an RSA-PSS key without a SHA-256, SHA-384 or SHA-512 hash restriction (hash: none)',
      );
    });

    it('rejects an EC key on another curve', () => {
      expect(() => defaultAlgorithmsForKey(ecK256.publicKey)).toThrow(
        'publicKey of type ec is not supported; use an RSA key or an EC key on P-256, P-384 or P-521.',
      );
    });

    it('rejects an Ed25519 key', () => {
      expect(() => defaultAlgorithmsForKey(ed25519.publicKey)).toThrow('publicKey of type ed25519 is not supported');
    });

    it('rejects a key without asymmetric type', () => {
      expect(() => defaultAlgorithmsForKey(secretKey)).toThrow('publicKey of type unknown is not supported');
    });
  });

  describe('assertKeyFitsAlgorithm', () => {
    it.each([
      ['RS256', 'an RSA key', rsa.publicKey],
      ['RS512', 'an RSA key', rsa.publicKey],
      ['PS256', 'an RSA key', rsa.publicKey],
      ['PS256', 'an RSA-PSS key', rsaPss.publicKey],
      ['ES256', 'a P-256 key', ecP256.publicKey],
      ['ES384', 'a P-384 key', ecP384.publicKey],
      ['ES512', 'a P-521 key', ecP521.publicKey],
    ] as const)('accepts %s with %s', (algorithm, _name, key) => {
      expect(() => assertKeyFitsAlgorithm(key, algorithm)).not.toThrow();
    });

    it.each([
      ['RS256', 'an RSA-PSS key', rsaPss.publicKey, 'rsa-pss'],
      ['ES256', 'an RSA key', rsa.publicKey, 'rsa'],
      ['RS256', 'an EC key', ecP256.publicKey, 'ec'],
      ['PS256', 'an Ed25519 key', ed25519.publicKey, 'ed25519'],
      ['RS256', 'a secret key', secretKey, 'unknown'],
    ] as const)('rejects %s with %s', (algorithm, _name, key, type) => {
      expect(() => assertKeyFitsAlgorithm(key, algorithm)).toThrow(
        `algorithms contains ${algorithm}, which cannot be verified with publicKey of type ${type}.`,
      );
    });

    it('rejects PS384 with an RSA-PSS key restricted to SHA-256', () => {
      expect(() => assertKeyFitsAlgorithm(rsaPss.publicKey, 'PS384')).toThrow(
        'algorithms contains PS384, which needs an RSA-PSS key restricted to sha384; publicKey is restricted to sha256 (MGF1 sha256).',
      );
    });

    it('rejects an RSA-PSS key whose salt is longer than the hash', () => {
      // Node accepts saltLength for RSA-PSS keys; the Node 20 type definitions leave it out.
      const longSaltOptions = { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 64 };
      const longSalt = generateKeyPairSync('rsa-pss', longSaltOptions as { modulusLength: number });

      expect(() => assertKeyFitsAlgorithm(longSalt.publicKey, 'PS256')).toThrow(
        'algorithms contains PS256, whose salt is at most 32 bytes; publicKey requires 64.',
      );
    });

    it('rejects ES256 on another curve', () => {
      expect(() => assertKeyFitsAlgorithm(ecP384.publicKey, 'ES256')).toThrow(
        'algorithms contains ES256, which needs an EC key on curve prime256v1; publicKey is on curve secp384r1.',
      );
    });

    it('rejects an EC key without a named curve', () => {
      const key = { asymmetricKeyType: 'ec', asymmetricKeyDetails: {} } as unknown as KeyObject;

      expect(() => assertKeyFitsAlgorithm(key, 'ES256')).toThrow('publicKey is on curve unknown.');
    });
  });
});
