/** When a socket gets `auth:expiring` and when it is disconnected, in milliseconds since the epoch. */
export interface ExpiryDeadlines {
  /** Time of `auth:expiring`, or `null` when the warning is turned off. */
  readonly warnAt: number | null;
  /** Time of `auth:expired` and the disconnect: `exp` plus the clock tolerance. */
  readonly expireAt: number;
}

/**
 * Computes the deadlines of a token that expires at `expiresAt`, seen at `now`.
 *
 * The warning comes `leadMs` before `exp`, or halfway between now and `exp` when less than
 * `2 * leadMs` is left. So a client always gets at least half of the time left to refresh, and a
 * client whose tokens live shorter than `leadMs` refreshes at half their lifetime, not at once.
 * The disconnect comes at `exp + toleranceMs`, the first instant the guard denies messages with
 * `TOKEN_EXPIRED`.
 */
export function computeExpiryDeadlines(
  expiresAt: number,
  now: number,
  leadMs: number,
  toleranceMs: number,
): ExpiryDeadlines {
  const expireAt = expiresAt + toleranceMs;
  if (leadMs === 0) {
    return { warnAt: null, expireAt };
  }

  const remainingMs = Math.max(expiresAt - now, 0);
  const warnAt = expiresAt - Math.min(leadMs, Math.floor(remainingMs / 2));
  return { warnAt, expireAt };
}
