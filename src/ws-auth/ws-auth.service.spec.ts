import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SpiedFunction } from 'jest-mock';
import type { Socket } from 'socket.io';

import { FakeSocket } from '../../test/support/fake-socket.js';
import { ManualTimer } from '../../test/support/manual-timer.js';
import { TestClock } from '../../test/support/test-clock.js';
import type { TokenCacheService } from './cache/token-cache.service.js';
import type { TokenCacheSelector } from './cache/token-cache.selector.js';
import { WsAuthErrorCode } from './errors/ws-auth-error-code.js';
import { AuthenticatedSockets } from './handshake/authenticated-sockets.js';
import { DeadlineScheduler } from './lifecycle/deadline-scheduler.js';
import { TokenLifecycleService } from './lifecycle/token-lifecycle.service.js';
import { resolveWsAuthOptions } from './options/resolve-options.js';
import type { RevocationBroadcaster } from './revocation/revocation-broadcaster.js';
import { RevocationList } from './revocation/revocation-list.js';
import type { RevocationRequest } from './revocation/revocation-request.js';
import type { TokenAuthenticator } from './verification/token-authenticator.js';
import type { WsPrincipal } from './verification/ws-principal.js';
import { WsAuthService } from './ws-auth.service.js';
import { noopRecorder } from '../../test/support/noop-recorder.js';
import { fingerprint } from './logging/fingerprint.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR_MS = 3_600_000;

/** Cache that records the selectors it was asked to invalidate and reports two removals each. */
class RecordingCache {
  readonly selectors: TokenCacheSelector[] = [];

  invalidate(selector: TokenCacheSelector): number {
    this.selectors.push(selector);
    return 2;
  }
}

/** Broadcaster that records what it sends and lets a test deliver revocations of other servers. */
class RecordingBroadcaster {
  readonly sent: unknown[] = [];
  sends = true;
  private listener: ((payload: unknown) => void) | null = null;

  onRemoteRevocation(listener: (payload: unknown) => void): void {
    this.listener = listener;
  }

  send(revocation: unknown): boolean {
    this.sent.push(revocation);
    return this.sends;
  }

  deliver(payload: unknown): void {
    this.listener?.(payload);
  }
}

function setup() {
  const clock = new TestClock(T0);
  const options = resolveWsAuthOptions({ secret: 's'.repeat(32), maxTokenLifetimeMs: HOUR_MS });
  const scheduler = new DeadlineScheduler<Socket>(clock, new ManualTimer());
  const sockets = new AuthenticatedSockets();
  const lifecycle = new TokenLifecycleService(scheduler, sockets, {} as TokenAuthenticator, clock, options, noopRecorder());
  const revocations = new RevocationList(clock, options);
  const cache = new RecordingCache();
  const broadcaster = new RecordingBroadcaster();
  const service = new WsAuthService(
    revocations,
    cache as unknown as TokenCacheService,
    sockets,
    lifecycle,
    clock,
    broadcaster as unknown as RevocationBroadcaster,
  );

  const connect = (sub: string, jti: string, extra: Partial<WsPrincipal> = {}): FakeSocket => {
    const socket = new FakeSocket({ sub, jti, scopes: [], expiresAt: T0 + 600_000, issuedAt: T0 - 1_000, claims: {}, ...extra });
    lifecycle.start(socket.asSocket());
    return socket;
  };

  return { clock, scheduler, sockets, revocations, cache, broadcaster, service, connect };
}

describe('WsAuthService', () => {
  let logLine: SpiedFunction<Logger['log']>;

  beforeEach(() => {
    logLine = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    logLine.mockRestore();
  });

  it('disconnects only the socket with the revoked jti', () => {
    const { service, connect, sockets } = setup();
    const revoked = connect('alice', 'token-1');
    const sameUser = connect('alice', 'token-2');
    const other = connect('bob', 'token-3');

    const result = service.revoke({ jti: 'token-1' });

    expect(result).toEqual({ disconnectedSockets: 1, removedCacheEntries: 2, keptUntil: T0 + 600_000, broadcast: true });
    expect(revoked.sent).toEqual([
      { event: 'auth:revoked', payload: { code: WsAuthErrorCode.TOKEN_REVOKED, message: 'Authentication token has been revoked.' } },
    ]);
    expect(revoked.connected).toBe(false);
    expect(sameUser.connected).toBe(true);
    expect(other.connected).toBe(true);
    expect(sockets.size).toBe(2);
  });

  it('disconnects every socket of a revoked sub', () => {
    const { service, connect, scheduler } = setup();
    const first = connect('alice', 'token-1');
    const second = connect('alice', 'token-2', { expiresAt: T0 + 2 * HOUR_MS });
    const other = connect('bob', 'token-3');

    const result = service.revoke({ sub: 'alice' });

    expect(result.disconnectedSockets).toBe(2);
    expect(result.keptUntil).toBe(T0 + 2 * HOUR_MS);
    expect(first.connected).toBe(false);
    expect(second.connected).toBe(false);
    expect(other.connected).toBe(true);
    expect(scheduler.size).toBe(1);
  });

  it('spares sockets issued after issuedBefore', () => {
    const { service, connect } = setup();
    const old = connect('alice', 'token-1', { issuedAt: T0 - 60_000 });
    const fresh = connect('alice', 'token-2', { issuedAt: T0 });

    service.revoke({ sub: 'alice', issuedBefore: T0 - 1 });

    expect(old.connected).toBe(false);
    expect(fresh.connected).toBe(true);
  });

  it('stores the revocation and purges the cache', () => {
    const { service, revocations, cache } = setup();

    const result = service.revoke({ sub: 'alice' });

    expect(result).toEqual({ disconnectedSockets: 0, removedCacheEntries: 2, keptUntil: T0 + HOUR_MS, broadcast: true });
    expect(cache.selectors).toEqual([{ sub: 'alice', issuedBefore: T0 }]);
    expect(revocations.isRevoked({ sub: 'alice', scopes: [], expiresAt: null, claims: {}, issuedAt: T0 - 1 })).toBe(true);
  });

  it('keeps a jti without a known exp for the max lifetime', () => {
    const { service, connect } = setup();
    connect('alice', 'token-1', { expiresAt: null });

    expect(service.revoke({ jti: 'token-1' }).keptUntil).toBe(T0 + HOUR_MS);
  });

  it('logs one line per revocation', () => {
    const { service, connect } = setup();
    connect('alice', 'token-1');

    service.revoke({ jti: 'token-1' });

    expect(logLine).toHaveBeenCalledTimes(1);
    expect(logLine).toHaveBeenCalledWith(
      `Revoked the tokens of jti ${fingerprint('token-1')}: disconnected 1 socket, removed 2 cached verdicts, kept until 2030-01-01T00:10:00.000Z.`,
    );
  });

  it('rejects a bad request without changing anything', () => {
    const { service, connect, revocations, cache } = setup();
    const socket = connect('alice', 'token-1');

    expect(() => service.revoke({ jti: '' })).toThrow("A revocation's jti must be a non-empty string.");
    expect(() => service.revoke({ token: 'abc' } as unknown as RevocationRequest)).toThrow(TypeError);

    expect(socket.connected).toBe(true);
    expect(revocations.size).toBe(0);
    expect(cache.selectors).toEqual([]);
    expect(logLine).not.toHaveBeenCalled();
  });

  describe('across servers', () => {
    let warnLine: SpiedFunction<Logger['warn']>;

    beforeEach(() => {
      warnLine = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });

    afterEach(() => {
      warnLine.mockRestore();
    });

    it('sends the revocation with issuedBefore filled in', () => {
      const { service, broadcaster } = setup();

      service.revoke({ sub: 'alice' });
      service.revoke({ jti: 'token-1' });

      expect(broadcaster.sent).toEqual([{ sub: 'alice', issuedBefore: T0 }, { jti: 'token-1' }]);
    });

    it('reports a revocation that was not sent', () => {
      const { service, broadcaster } = setup();
      broadcaster.sends = false;

      expect(service.revoke({ jti: 'token-1' }).broadcast).toBe(false);
    });

    it('applies a revocation from another server', () => {
      const { broadcaster, connect, revocations, cache } = setup();
      const revoked = connect('alice', 'token-1');
      const other = connect('bob', 'token-2');

      broadcaster.deliver({ sub: 'alice', issuedBefore: T0 });

      expect(revoked.connected).toBe(false);
      expect(revoked.sentEvents()).toEqual(['auth:revoked']);
      expect(other.connected).toBe(true);
      expect(cache.selectors).toEqual([{ sub: 'alice', issuedBefore: T0 }]);
      expect(revocations.size).toBe(1);
      expect(broadcaster.sent).toEqual([]);
      expect(logLine).toHaveBeenCalledWith(
        `Applied a revocation from another server to the tokens of sub ${fingerprint('alice')}: disconnected 1 socket, ` +
          'removed 2 cached verdicts, kept until 2030-01-01T01:00:00.000Z.',
      );
    });

    it.each([
      [{ token: 'secret-token-value' }, 'A revocation must have exactly one of jti or sub; received token.'],
      [{ sub: 'alice', issuedBefore: 'yesterday' }, "A revocation's issuedBefore must be a time"],
      ['not an object', 'A revocation must be an object'],
    ])('ignores an invalid revocation from another server: %j', (payload, reason) => {
      const { broadcaster, connect, revocations, cache } = setup();
      const socket = connect('alice', 'token-1');

      broadcaster.deliver(payload);

      expect(socket.connected).toBe(true);
      expect(revocations.size).toBe(0);
      expect(cache.selectors).toEqual([]);
      expect(warnLine).toHaveBeenCalledTimes(1);
      expect(warnLine.mock.calls[0]?.[0]).toContain(`Ignored a revocation from another server: ${reason}`);
      expect(String(warnLine.mock.calls[0]?.[0])).not.toContain('secret-token-value');
    });
  });
});
