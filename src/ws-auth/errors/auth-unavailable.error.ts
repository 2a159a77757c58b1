/**
 * Infrastructure failure while verifying a token: a timeout, a refused or reset connection, a
 * 5xx status, a response body that cannot be read, or an open circuit breaker.
 *
 * It is never cached, it counts as a failure for the circuit breaker (except when the breaker
 * itself raised it), and it reaches clients as `AUTH_UNAVAILABLE`.
 */
export class AuthUnavailableError extends Error {
  /** Marker that survives duplicated package copies, where `instanceof` fails. */
  readonly isAuthUnavailableError = true;

  /**
   * @param reason short machine-readable cause for logs and metrics, such as `timeout`,
   *   `http_503` or `circuit_open`; never token data.
   */
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthUnavailableError';
  }
}

/** Tells whether `error` is an {@link AuthUnavailableError}, also across duplicated package copies. */
export function isAuthUnavailableError(error: unknown): error is AuthUnavailableError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isAuthUnavailableError?: unknown }).isAuthUnavailableError === true
  );
}
