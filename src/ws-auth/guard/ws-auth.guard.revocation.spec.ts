import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { TestClock } from '../../../test/support/test-clock.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { RevocationList } from '../revocation/revocation-list.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import type { WsDeniedAck } from './acknowledge-denial.js';
import { WsAuthGuard } from './ws-auth.guard.js';
import { noopRecorder } from '../../../test/support/noop-recorder.js';

const T0 = Date.UTC(2030, 0, 1);

class Gateway {
  handle(): void {}
}

/** Builds the context of one message from a socket carrying `user`, recording its acknowledgement. */
function messageContext(user: WsPrincipal) {
  const acks: WsDeniedAck[] = [];
  const client = { data: { user } };
  const ack = (reply: WsDeniedAck) => acks.push(reply);
  const context = {
    getType: () => 'ws',
    getHandler: () => Gateway.prototype.handle,
    getClass: () => Gateway,
    switchToWs: () => ({ getClient: () => client }),
    getArgByIndex: (index: number) => [client, {}, ack][index],
  } as unknown as ExecutionContext;
  return { context, acks };
}

function setup() {
  const clock = new TestClock(T0);
  const options = resolveWsAuthOptions({ secret: 's'.repeat(32) });
  const revocations = new RevocationList(clock, options);
  const guard = new WsAuthGuard(new Reflector(), clock, options, noopRecorder(), revocations);
  return { clock, options, revocations, guard };
}

const alice: WsPrincipal = { sub: 'alice', jti: 'token-1', scopes: [], expiresAt: T0 + 600_000, claims: {} };

describe('WsAuthGuard', () => {
  it('admits a message of a live token', () => {
    const { guard } = setup();

    expect(guard.canActivate(messageContext(alice).context)).toBe(true);
  });

  it('denies a message of a revoked token', () => {
    const { guard, revocations } = setup();
    revocations.add({ jti: 'token-1' }, null);
    const { context, acks } = messageContext(alice);

    expect(() => guard.canActivate(context)).toThrow('Authentication token has been revoked.');
    expect(acks).toEqual([
      { ok: false, error: { code: WsAuthErrorCode.TOKEN_REVOKED, message: 'Authentication token has been revoked.' } },
    ]);
  });

  it('skips the revocation check without a revocation list', () => {
    const { clock, options, revocations } = setup();
    revocations.add({ jti: 'token-1' }, null);
    class LegacyGuard extends WsAuthGuard {
      constructor() {
        super(new Reflector(), clock, options, noopRecorder());
      }
    }

    expect(new LegacyGuard().canActivate(messageContext(alice).context)).toBe(true);
  });
});
