import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';

import { JwtService } from '@nestjs/jwt';

/** A 48-byte test secret, longer than the 32-byte minimum. */
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

const jwt = new JwtService();

/** Claims of a test token; times are in seconds since the epoch, as in a JWT. */
export type TestClaims = Record<string, unknown>;

/**
 * Signs `claims` exactly as given with an HMAC algorithm, adding no claim of its own. Unlike a
 * JWT library it also signs claims of the wrong type, such as a string `exp`.
 */
export function signHs256(claims: TestClaims, secret: string = TEST_SECRET, algorithm: 'HS256' | 'HS512' = 'HS256'): string {
  const unsigned = `${encodeSegment({ alg: algorithm, typ: 'JWT' })}.${encodeSegment(claims)}`;
  const hash = algorithm === 'HS256' ? 'sha256' : 'sha512';
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

function encodeSegment(part: object): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

/** Signs `claims` with an asymmetric private key. */
export function signWithKey(claims: TestClaims, privateKey: KeyObject, algorithm: 'RS256' | 'ES256'): string {
  return jwt.sign(claims, { privateKey: privateKey as unknown as Buffer, algorithm, noTimestamp: true });
}

/** Builds a token from raw header and payload objects with the given signature segment. */
export function rawToken(header: object, payload: object, signature = ''): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}.${signature}`;
}

/** Generates a fresh RSA key pair for RS256 tests. */
export function rsaKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Seconds since the epoch for a time in milliseconds. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
