import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Server, type Namespace } from 'socket.io';

import { thrownBy } from '../../../test/support/thrown-by.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { REVOCATION_BROADCAST_EVENT, RevocationBroadcaster } from './revocation-broadcaster.js';

/** An adapter of a cluster: it overrides `serverSideEmit`, as the Redis and cluster adapters do. */
class ClusterLikeAdapter {
  readonly emitted: unknown[][] = [];

  serverSideEmit(packet: unknown[]): void {
    this.emitted.push(packet);
  }
}

/** Creates a namespace with the parts the broadcaster uses, over `adapter`. */
function fakeNamespace(name: string, adapter: object = new ClusterLikeAdapter()) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const namespace = {
    name,
    adapter,
    on: (event: string, listener: (payload: unknown) => void) => listeners.set(event, listener),
    serverSideEmit: (event: string, ...args: unknown[]) => (adapter as ClusterLikeAdapter).serverSideEmit([event, ...args]),
  };
  return { namespace: namespace as unknown as Namespace, listeners, adapter: adapter as ClusterLikeAdapter };
}

function broadcaster(broadcastRevocations: boolean): RevocationBroadcaster {
  return new RevocationBroadcaster(resolveWsAuthOptions({ secret: 's'.repeat(32), broadcastRevocations }));
}

describe('RevocationBroadcaster', () => {
  it('does nothing while broadcasting is off', () => {
    const subject = broadcaster(false);
    const { namespace, listeners, adapter } = fakeNamespace('/chat');

    subject.attach(namespace);

    expect(listeners.size).toBe(0);
    expect(subject.send({ jti: 'token-1' })).toBe(false);
    expect(adapter.emitted).toEqual([]);
    expect(() => subject.onApplicationBootstrap()).not.toThrow();
  });

  it('sends on the first namespace only', () => {
    const subject = broadcaster(true);
    const first = fakeNamespace('/chat');
    const second = fakeNamespace('/admin');
    subject.attach(first.namespace);
    subject.attach(second.namespace);

    const sent = subject.send({ sub: 'alice', issuedBefore: 1_000 });

    expect(sent).toBe(true);
    expect(first.adapter.emitted).toEqual([[REVOCATION_BROADCAST_EVENT, { sub: 'alice', issuedBefore: 1_000 }]]);
    expect(second.adapter.emitted).toEqual([]);
  });

  it('sends nothing before a namespace is protected', () => {
    expect(broadcaster(true).send({ jti: 'token-1' })).toBe(false);
  });

  it('passes revocations of other servers to the listener', () => {
    const subject = broadcaster(true);
    const first = fakeNamespace('/chat');
    const second = fakeNamespace('/admin');
    subject.attach(first.namespace);
    subject.attach(second.namespace);
    const received: unknown[] = [];
    subject.onRemoteRevocation((payload) => received.push(payload));

    first.listeners.get(REVOCATION_BROADCAST_EVENT)?.({ jti: 'token-1' });
    second.listeners.get(REVOCATION_BROADCAST_EVENT)?.({ jti: 'token-2' });

    expect(received).toEqual([{ jti: 'token-1' }, { jti: 'token-2' }]);
  });

  it('logs an adapter that throws and reports the revocation as not sent', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const subject = broadcaster(true);
    const { namespace } = fakeNamespace('/chat', {
      serverSideEmit: () => {
        throw new Error('publish failed');
      },
    });
    subject.attach(namespace);

    try {
      expect(subject.send({ jti: 'token-1' })).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[0]).toContain('A revocation could not be sent to the other servers (Error: publish failed)');
    } finally {
      warn.mockRestore();
    }
  });

  it("fails the start over Socket.IO's in-memory adapter", () => {
    // Not attached to an HTTP server, so it opens nothing and needs no closing.
    const io = new Server();
    const subject = broadcaster(true);
    subject.attach(io.of('/chat'));

    const error = thrownBy(() => subject.onApplicationBootstrap());

    expect(error.message).toContain('broadcastRevocations is true, but the Socket.IO adapter of namespace /chat cannot send events');
    expect(error.message).toContain('set broadcastRevocations to false');
  });

  it('starts over an adapter that overrides serverSideEmit', () => {
    const subject = broadcaster(true);
    subject.attach(fakeNamespace('/chat').namespace);

    expect(() => subject.onApplicationBootstrap()).not.toThrow();
  });
});
