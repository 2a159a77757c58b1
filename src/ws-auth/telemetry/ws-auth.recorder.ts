import { Inject, Injectable } from '@nestjs/common';

import { AuthFailureLog } from '../logging/auth-failure-log.js';
import { WsAuthMetrics } from '../metrics/ws-auth.metrics.js';
import {
  type AttemptResult,
  normalizeAttemptResult,
  type VerificationSource,
  type WsAuthStage,
} from './telemetry-labels.js';

/**
 * Single entry point through which authentication code reports what happened: the handshake and
 * the guard report attempts, the token authenticator and the verifiers report verification times.
 * It feeds the Prometheus metrics and the failure summaries of the log.
 *
 * Code that adds a stage or a verification source reports through the same methods, for example
 * `recordAttempt('refresh', result)` or `recordVerification('jwks', seconds)`.
 */
@Injectable()
export class WsAuthRecorder {
  constructor(
    @Inject(WsAuthMetrics) private readonly metrics: WsAuthMetrics,
    @Inject(AuthFailureLog) private readonly failures: AuthFailureLog,
  ) {}

  /**
   * Records one authentication attempt: `ok`, or the error code the client received. A code that
   * is not a `WsAuthErrorCode`, which only a custom verifier can produce, is recorded as `unknown`.
   * Failures are counted towards the next log summary.
   */
  recordAttempt(stage: WsAuthStage, result: AttemptResult): void {
    if (result === 'ok') {
      this.metrics.countAttempt(stage, result);
      return;
    }

    const normalized = normalizeAttemptResult(result);
    this.metrics.countAttempt(stage, normalized);
    this.failures.record(stage, normalized);
  }

  /** Records the time one verdict took to obtain, in seconds, by its source. */
  recordVerification(source: VerificationSource, durationSeconds: number): void {
    this.metrics.observeVerification(source, durationSeconds);
  }

  /**
   * Records the `reason` of an `AuthUnavailableError`, such as `timeout` or `circuit_open`, for
   * the next log summary.
   */
  recordUnavailable(reason: string): void {
    this.failures.recordUnavailableCause(reason);
  }
}
