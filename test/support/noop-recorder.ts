import type { WsAuthRecorder } from '../../src/ws-auth/telemetry/ws-auth.recorder.js';

/** Returns a recorder that drops every record, for unit tests that construct providers by hand. */
export function noopRecorder(): WsAuthRecorder {
  const recorder: Pick<WsAuthRecorder, 'recordAttempt' | 'recordVerification' | 'recordUnavailable'> = {
    recordAttempt: () => undefined,
    recordVerification: () => undefined,
    recordUnavailable: () => undefined,
  };
  return recorder as WsAuthRecorder;
}
