import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type INestApplication, type INestApplicationContext, Module } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server, ServerOptions } from 'socket.io';
import type { Socket } from 'socket.io-client';

import { type AuthRevokedEvent, WsAuthErrorCode, WsAuthModule, WsAuthService } from '../src/ws-auth/index.js';
import { ProbeGateway } from './support/probe-app.js';
import { connect, expectRejectedHandshake, nextEvent } from './support/socket-client.js';
import { thrownByAsync } from './support/thrown-by.js';
import { seconds, signHs256, TEST_SECRET } from './support/tokens.js';

/** The Redis server of the machine; `.ci/run` starts it when it is down. */
const REDIS_URL = 'redis://127.0.0.1:6379';

type RedisClient = ReturnType<typeof createClient>;

/** Socket.IO servers that share events through Redis, as in a cluster of application servers. */
class RedisIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly adapter: ReturnType<typeof createAdapter>,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, options);
    server.adapter(this.adapter);
    return server;
  }
}

/** One application server of the cluster, with its Redis connections. */
interface ClusterNode {
  app: INestApplication;
  url: string;
  revoke: WsAuthService['revoke'];
  close(): Promise<void>;
}

/** Starts an application server on 127.0.0.1 whose Socket.IO adapter publishes under `channel`. */
async function startNode(channel: string, broadcastRevocations: boolean): Promise<ClusterNode> {
  const publisher: RedisClient = createClient({ url: REDIS_URL });
  const subscriber: RedisClient = publisher.duplicate();
  await Promise.all([publisher.connect(), subscriber.connect()]);

  @Module({ imports: [WsAuthModule.forRoot({ secret: TEST_SECRET, broadcastRevocations })], providers: [ProbeGateway] })
  class NodeModule {}

  const moduleRef = await Test.createTestingModule({ imports: [NodeModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(new RedisIoAdapter(app, createAdapter(publisher, subscriber, { key: channel })));
  await app.listen(0, '127.0.0.1');

  const port = ((app.getHttpServer() as HttpServer).address() as AddressInfo).port;
  const service = app.get(WsAuthService);
  return {
    app,
    url: `http://127.0.0.1:${port}/probe`,
    revoke: (request) => service.revoke(request),
    close: async () => {
      await app.close();
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}

describe('Revocation across a Socket.IO cluster (e2e)', () => {
  const nodes: ClusterNode[] = [];
  const sockets: Socket[] = [];

  function token(sub: string, jti: string): string {
    const nowSec = seconds(Date.now());
    return signHs256({ sub, jti, iat: nowSec - 1, exp: nowSec + 600 });
  }

  /** Starts two servers on one Redis channel of their own, so that test runs never meet. */
  async function startCluster(broadcastRevocations: boolean): Promise<[ClusterNode, ClusterNode]> {
    const channel = `ws-auth-test-${randomUUID()}`;
    const first = await startNode(channel, broadcastRevocations);
    nodes.push(first);
    const second = await startNode(channel, broadcastRevocations);
    nodes.push(second);
    return [first, second];
  }

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await Promise.all(nodes.splice(0).map((node) => node.close()));
  });

  it('disconnects a socket of another server', async () => {
    const [first, second] = await startCluster(true);
    const alice = await connect(second.url, { token: token('alice', 'jti-alice') });
    const bob = await connect(second.url, { token: token('bob', 'jti-bob') });
    sockets.push(alice, bob);
    const revoked = nextEvent<AuthRevokedEvent>(alice, 'auth:revoked');
    const disconnected = nextEvent<string>(alice, 'disconnect');

    const result = first.revoke({ jti: 'jti-alice' });

    expect(result).toMatchObject({ disconnectedSockets: 0, broadcast: true });
    await expect(revoked).resolves.toEqual({ code: WsAuthErrorCode.TOKEN_REVOKED, message: 'Authentication token has been revoked.' });
    await expect(disconnected).resolves.toBe('io server disconnect');
    expect(bob.connected).toBe(true);
  });

  it('denies the revoked token on every server', async () => {
    const [first, second] = await startCluster(true);
    const revokedToken = token('carol', 'jti-carol');
    const probe = await connect(second.url, { token: token('probe', 'jti-probe') });
    sockets.push(probe);
    const probeRevoked = nextEvent(probe, 'auth:revoked');

    first.revoke({ sub: 'carol' });
    // A second revocation, sent after the first, marks when the second server has received both.
    first.revoke({ jti: 'jti-probe' });
    await probeRevoked;

    expect((await expectRejectedHandshake(first.url, { token: revokedToken })).message).toBe(WsAuthErrorCode.TOKEN_REVOKED);
    expect((await expectRejectedHandshake(second.url, { token: revokedToken })).message).toBe(WsAuthErrorCode.TOKEN_REVOKED);
  });

  it('keeps a revocation on its server without broadcastRevocations', async () => {
    const [first, second] = await startCluster(false);
    const revokedToken = token('dave', 'jti-dave');

    const result = first.revoke({ jti: 'jti-dave' });

    expect(result.broadcast).toBe(false);
    expect((await expectRejectedHandshake(first.url, { token: revokedToken })).message).toBe(WsAuthErrorCode.TOKEN_REVOKED);
    const stillAccepted = await connect(second.url, { token: revokedToken });
    sockets.push(stillAccepted);
    expect(stillAccepted.connected).toBe(true);
  });

  it("fails the start with broadcastRevocations over Socket.IO's in-memory adapter", async () => {
    @Module({ imports: [WsAuthModule.forRoot({ secret: TEST_SECRET, broadcastRevocations: true })], providers: [ProbeGateway] })
    class InMemoryModule {}

    const moduleRef = await Test.createTestingModule({ imports: [InMemoryModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      const error = await thrownByAsync(() => app.listen(0, '127.0.0.1'));

      expect(error.message).toContain('broadcastRevocations is true, but the Socket.IO adapter of namespace /probe cannot send events');
    } finally {
      await app.close();
    }
  });
});
