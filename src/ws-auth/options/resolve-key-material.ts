import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';

import type { JwtAlgorithm } from './ws-auth-options.interface.js';
import { describeReceived } from './option-checks.js';

/** Every algorithm the verifier supports. */
export const SUPPORTED_ALGORITHMS: readonly JwtAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];

/** Shortest HS secret accepted: 32 bytes, the output size of SHA-256 (RFC 7518, section 3.2). */
export const MIN_SECRET_BYTES = 32;

const EC_CURVE_BY_ALGORITHM: Readonly<Record<string, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/** Tells whether `algorithm` is an HMAC algorithm, verified with a shared secret. */
export function isSymmetricAlgorithm(algorithm: string): boolean {
  return algorithm.startsWith('HS');
}

/** Prepares the HS secret once as a `KeyObject`, so that it is not parsed again for each token. */
export function prepareSecretKey(secret: unknown): KeyObject {
  if (typeof secret !== 'string' && !Buffer.isBuffer(secret)) {
    throw new TypeError(`secret must be a string or a Buffer; received ${describeReceived(typeof secret === 'object' ? {} : secret)}.`);
  }

  const secretBytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (secretBytes.length < MIN_SECRET_BYTES) {
    throw new RangeError(
      `secret must be at least ${MIN_SECRET_BYTES} bytes long for HS algorithms; received ${secretBytes.length} bytes.`,
    );
  }

  return createSecretKey(secretBytes);
}

/** Parses the public key once: PEM text, DER (SPKI) bytes or a `KeyObject`. */
export function preparePublicKey(publicKey: unknown): KeyObject {
  if (publicKey instanceof KeyObject) {
    if (publicKey.type === 'secret') {
      throw new TypeError('publicKey must be an asymmetric key; received a secret KeyObject (use secret for HS algorithms).');
    }
    return publicKey.type === 'public' ? publicKey : createPublicKey(publicKey);
  }

  if (typeof publicKey !== 'string' && !Buffer.isBuffer(publicKey)) {
    throw new TypeError(
      `publicKey must be PEM text, a DER Buffer or a KeyObject; received ${describeReceived(publicKey)}.`,
    );
  }

  try {
    return typeof publicKey === 'string'
      ? createPublicKey(publicKey)
      : createPublicKey({ key: publicKey, format: 'der', type: 'spki' });
  } catch (error) {
    // OpenSSL's own message (such as "DECODER routines::unsupported") stays in `cause`.
    const expected =
      typeof publicKey === 'string'
        ? 'PEM text of a public key or certificate, with its BEGIN and END lines'
        : 'the DER bytes of a SubjectPublicKeyInfo structure';
    throw new TypeError(`publicKey could not be parsed as a PEM or DER public key; pass ${expected}.`, { cause: error });
  }
}

/** Returns the algorithms that fit a public key, used when `algorithms` is not set. */
export function defaultAlgorithmsForKey(publicKey: KeyObject): JwtAlgorithm[] {
  switch (publicKey.asymmetricKeyType) {
    case 'rsa':
      return ['RS256'];
    case 'rsa-pss': {
      const hash = publicKey.asymmetricKeyDetails?.hashAlgorithm;
      const match = (['PS256', 'PS384', 'PS512'] as const).find((algorithm) => hash === `sha${algorithm.slice(2)}`);
      if (match) {
        assertKeyFitsAlgorithm(publicKey, match);
        return [match];
      }
      throw new TypeError(
        `publicKey is an RSA-PSS key without a SHA-256, SHA-384 or SHA-512 hash restriction (hash: ${hash ?? 'none'}); use a plain RSA key, or an RSA-PSS key restricted to the hash of its PS algorithm.`,
      );
    }
    case 'ec': {
      const curve = publicKey.asymmetricKeyDetails?.namedCurve;
      const match = Object.entries(EC_CURVE_BY_ALGORITHM).find(([, name]) => name === curve);
      if (match) {
        return [match[0] as JwtAlgorithm];
      }
      break;
    }
  }
  throw new TypeError(
    `publicKey of type ${publicKey.asymmetricKeyType ?? 'unknown'} is not supported; use an RSA key or an EC key on P-256, P-384 or P-521.`,
  );
}

/** Throws when `algorithm` cannot be verified with `publicKey`, such as ES256 with an RSA key. */
export function assertKeyFitsAlgorithm(publicKey: KeyObject, algorithm: JwtAlgorithm): void {
  const keyType = publicKey.asymmetricKeyType;

  if (algorithm.startsWith('RS') && keyType === 'rsa') {
    return;
  }
  if (algorithm.startsWith('PS') && keyType === 'rsa') {
    return;
  }
  if (algorithm.startsWith('PS') && keyType === 'rsa-pss') {
    assertPssParametersFit(publicKey, algorithm);
    return;
  }
  if (algorithm.startsWith('ES') && keyType === 'ec') {
    const curve = publicKey.asymmetricKeyDetails?.namedCurve;
    if (curve === EC_CURVE_BY_ALGORITHM[algorithm]) {
      return;
    }
    throw new TypeError(
      `algorithms contains ${algorithm}, which needs an EC key on curve ${EC_CURVE_BY_ALGORITHM[algorithm]}; publicKey is on curve ${curve ?? 'unknown'}.`,
    );
  }

  throw new TypeError(
    `algorithms contains ${algorithm}, which cannot be verified with publicKey of type ${keyType ?? 'unknown'}.`,
  );
}

/**
 * Throws unless an RSA-PSS key's parameters allow `algorithm`: the same hash for the signature
 * and for MGF1, and a salt no longer than the hash, as jsonwebtoken requires at verification.
 */
function assertPssParametersFit(publicKey: KeyObject, algorithm: JwtAlgorithm): void {
  const bits = Number(algorithm.slice(2));
  const { hashAlgorithm, mgf1HashAlgorithm, saltLength } = publicKey.asymmetricKeyDetails ?? {};

  if (hashAlgorithm !== `sha${bits}` || mgf1HashAlgorithm !== hashAlgorithm) {
    throw new TypeError(
      `algorithms contains ${algorithm}, which needs an RSA-PSS key restricted to sha${bits}; publicKey is restricted to ${hashAlgorithm ?? 'no hash'} (MGF1 ${mgf1HashAlgorithm ?? 'none'}).`,
    );
  }
  if (saltLength !== undefined && saltLength > bits / 8) {
    throw new TypeError(
      `algorithms contains ${algorithm}, whose salt is at most ${bits / 8} bytes; publicKey requires ${saltLength}.`,
    );
  }
}
