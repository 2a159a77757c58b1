import { jest } from '@jest/globals';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import type { AuthFailureLog } from '../logging/auth-failure-log.js';
import type { WsAuthMetrics } from '../metrics/ws-auth.metrics.js';
import type { AttemptResult } from './telemetry-labels.js';
import { ATTEMPT_RESULTS, normalizeAttemptResult, UNKNOWN_RESULT } from './telemetry-labels.js';
import { WsAuthRecorder } from './ws-auth.recorder.js';

function setup() {
  const metrics = { countAttempt: jest.fn(), observeVerification: jest.fn() };
  const failures = { record: jest.fn(), recordUnavailableCause: jest.fn() };
  const recorder = new WsAuthRecorder(metrics as unknown as WsAuthMetrics, failures as unknown as AuthFailureLog);
  return { metrics, failures, recorder };
}

describe('WsAuthRecorder', () => {
  it('counts a success without logging it', () => {
    const { metrics, failures, recorder } = setup();

    recorder.recordAttempt('message', 'ok');

    expect(metrics.countAttempt).toHaveBeenCalledWith('message', 'ok');
    expect(failures.record).not.toHaveBeenCalled();
  });

  it('counts a failure and adds it to the log summary', () => {
    const { metrics, failures, recorder } = setup();

    recorder.recordAttempt('handshake', WsAuthErrorCode.TOKEN_EXPIRED);

    expect(metrics.countAttempt).toHaveBeenCalledWith('handshake', 'TOKEN_EXPIRED');
    expect(failures.record).toHaveBeenCalledWith('handshake', 'TOKEN_EXPIRED');
  });

  it('records a code outside WsAuthErrorCode as unknown', () => {
    const { metrics, failures, recorder } = setup();

    recorder.recordAttempt('handshake', 'SOMETHING_CUSTOM' as AttemptResult);

    expect(metrics.countAttempt).toHaveBeenCalledWith('handshake', UNKNOWN_RESULT);
    expect(failures.record).toHaveBeenCalledWith('handshake', UNKNOWN_RESULT);
  });

  it('passes verification times to the metrics', () => {
    const { metrics, recorder } = setup();

    recorder.recordVerification('jwks', 0.042);

    expect(metrics.observeVerification).toHaveBeenCalledWith('jwks', 0.042);
  });

  it('passes unavailability causes to the log', () => {
    const { failures, recorder } = setup();

    recorder.recordUnavailable('timeout');

    expect(failures.recordUnavailableCause).toHaveBeenCalledWith('timeout');
  });
});

describe('normalizeAttemptResult', () => {
  it('keeps ok, every error code and unknown', () => {
    for (const result of ATTEMPT_RESULTS) {
      expect(normalizeAttemptResult(result)).toBe(result);
    }
  });

  it('maps any other value to unknown', () => {
    expect(normalizeAttemptResult('token_invalid')).toBe(UNKNOWN_RESULT);
    expect(normalizeAttemptResult('')).toBe(UNKNOWN_RESULT);
  });
});
