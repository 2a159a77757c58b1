import { AuthUnavailableError, isAuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { CircuitOpenError, isCircuitOpenError } from './circuit-open.error.js';

describe('CircuitOpenError', () => {
  it('is an AuthUnavailableError', () => {
    const error = new CircuitOpenError('jwks', 'circuit_open');

    expect(error).toBeInstanceOf(AuthUnavailableError);
    expect(isAuthUnavailableError(error)).toBe(true);
  });

  it('carries the breaker name, reason and state', () => {
    const error = new CircuitOpenError('jwks', 'circuit_open', 'half-open');

    expect(error.name).toBe('CircuitOpenError');
    expect(error.breakerName).toBe('jwks');
    expect(error.reason).toBe('circuit_open');
    expect(error.breakerState).toBe('half-open');
  });

  it.each([
    ['circuit_open', 'open', 'because the breaker is open; retry with backoff.'],
    ['circuit_open', 'half-open', 'because every probe slot is in use; retry after the probe calls settle.'],
    ['isolated', 'open', 'because an operator isolated it; it admits calls again after a reset.'],
  ] as const)('explains a %s rejection in the %s state', (reason, state, ending) => {
    const error = new CircuitOpenError('jwks', reason, state);

    expect(error.message).toBe(
      `Circuit breaker "jwks" rejected the call without contacting the dependency, ${ending}`,
    );
  });
});

describe('isCircuitOpenError', () => {
  it('recognises the marker of another package copy', () => {
    expect(isCircuitOpenError({ isCircuitOpenError: true })).toBe(true);
  });

  it.each([
    ['an AuthUnavailableError', new AuthUnavailableError('timeout', 'timed out')],
    ['a plain error', new Error('circuit_open')],
    ['null', null],
    ['a string', 'circuit_open'],
    ['a marker that is not true', { isCircuitOpenError: 'yes' }],
  ])('rejects %s', (_kind, value) => {
    expect(isCircuitOpenError(value)).toBe(false);
  });
});
