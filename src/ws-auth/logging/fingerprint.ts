import { createHash } from 'node:crypto';

/**
 * Returns a short, stable fingerprint of an identifier such as a `sub` or a `jti`, for log lines
 * that must not contain claim values: the first 12 hex digits of its SHA-256 digest, prefixed
 * with `sha256:`. An operator who knows the value can compute the same fingerprint to find it.
 */
export function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12)}`;
}
