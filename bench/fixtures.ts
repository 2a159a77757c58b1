import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import jsonwebtoken from 'jsonwebtoken';

/** HS256 secret shared by the benchmark's servers and clients: 48 bytes, above the 32-byte minimum. */
export const BENCH_SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** Issuer and audience that every benchmark token carries and every verifier checks. */
export const BENCH_ISSUER = 'https://id.example.com';
export const BENCH_AUDIENCE = 'chat-api';

/** Algorithms compared in the verification benchmark. */
export type BenchAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** Verification key of one algorithm in the forms the compared libraries take. */
export interface VerificationKey {
  readonly algorithm: BenchAlgorithm;
  /** The secret string (HS256) or the public key as PEM text (RS256, ES256). */
  readonly text: string;
  /** The same key, parsed once. */
  readonly keyObject: KeyObject;
  /** Signs claims with the matching private key or secret. */
  readonly sign: (claims: Record<string, unknown>) => string;
}

/** Creates the HS256 secret, an RSA 2048 key pair and a P-256 key pair for one run. */
export function createVerificationKeys(): Record<BenchAlgorithm, VerificationKey> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  return {
    HS256: {
      algorithm: 'HS256',
      text: BENCH_SECRET,
      keyObject: createSecretKey(Buffer.from(BENCH_SECRET, 'utf8')),
      sign: signHs256,
    },
    RS256: {
      algorithm: 'RS256',
      text: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyObject: rsa.publicKey,
      sign: (claims) => jsonwebtoken.sign(claims, rsa.privateKey, { algorithm: 'RS256' }),
    },
    ES256: {
      algorithm: 'ES256',
      text: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyObject: ec.publicKey,
      sign: (claims) => jsonwebtoken.sign(claims, ec.privateKey, { algorithm: 'ES256' }),
    },
  };
}

/**
 * Returns the claims of a typical access token: subject, two scopes, issuer, audience, a token id
 * and an expiry one hour after now. `subject` makes the token distinct.
 */
export function accessTokenClaims(subject: string): Record<string, unknown> {
  const nowSec = Math.floor(Date.now() / 1000);
  return {
    sub: subject,
    scope: 'chat:read chat:write',
    iss: BENCH_ISSUER,
    aud: BENCH_AUDIENCE,
    jti: `${subject}-token`,
    iat: nowSec,
    exp: nowSec + 3600,
  };
}

/** Signs claims with {@link BENCH_SECRET} and HS256. */
export function signHs256(claims: Record<string, unknown>): string {
  return jsonwebtoken.sign(claims, BENCH_SECRET, { algorithm: 'HS256' });
}

/** Returns `count` HS256 access tokens for distinct subjects that start with `prefix`. */
export function distinctTokens(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => signHs256(accessTokenClaims(`${prefix}-${index}`)));
}
