import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';

/**
 * Reason of a {@link CircuitOpenError}: `circuit_open` while the breaker is open or has no free
 * probe slot, `isolated` while an operator keeps it isolated.
 */
export type CircuitOpenReason = 'circuit_open' | 'isolated';

/**
 * Rejection of a call by a circuit breaker that did not run the call. It is an
 * {@link AuthUnavailableError}, so clients receive `AUTH_UNAVAILABLE`, and the breaker that raised
 * it never counts it as a failure.
 */
export class CircuitOpenError extends AuthUnavailableError {
  /** Marker that survives duplicated package copies, where `instanceof` fails. */
  readonly isCircuitOpenError = true;

  /**
   * @param breakerName name of the breaker that rejected the call, such as `jwks`.
   * @param reason `circuit_open` or `isolated`.
   * @param breakerState state of the breaker when it rejected the call.
   */
  constructor(
    readonly breakerName: string,
    override readonly reason: CircuitOpenReason,
    readonly breakerState: 'open' | 'half-open' = 'open',
  ) {
    super(reason, describeRejection(breakerName, reason, breakerState));
    this.name = 'CircuitOpenError';
  }
}

/** Checks whether `error` is a {@link CircuitOpenError}, also across duplicated package copies. */
export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isCircuitOpenError?: unknown }).isCircuitOpenError === true
  );
}

function describeRejection(
  breakerName: string,
  reason: CircuitOpenReason,
  state: 'open' | 'half-open',
): string {
  const prefix = `Circuit breaker "${breakerName}" rejected the call without contacting the dependency`;

  if (reason === 'isolated') {
    return `${prefix}, because an operator isolated it; it admits calls again after a reset.`;
  }
  if (state === 'half-open') {
    return `${prefix}, because every probe slot is in use; retry after the probe calls settle.`;
  }
  return `${prefix}, because the breaker is open; retry with backoff.`;
}
