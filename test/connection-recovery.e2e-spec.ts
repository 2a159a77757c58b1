import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { jest } from '@jest/globals';
import { type INestApplication, Module, UseGuards } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { Test } from '@nestjs/testing';
import type { Namespace } from 'socket.io';
import { io, type Socket } from 'socket.io-client';

import {
  TokenAuthenticator,
  WS_AUTH_CLOCK,
  WS_AUTH_TIMER,
  WsAuthErrorCode,
  WsAuthGuard,
  WsAuthModule,
  WsAuthService,
  WsUser,
} from '../src/ws-auth/index.js';
import { ManualTimer } from './support/manual-timer.js';
import type { ConnectErrorEvent } from './support/socket-client.js';
import { collectEvents, emitWithAck, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds, signHs256, TEST_SECRET } from './support/tokens.js';
import { thrownByAsync } from './support/thrown-by.js';
import { waitUntil } from './support/wait.js';

const TOKEN_LIFETIME_SEC = 600;

/**
 * Gateway with Socket.IO's connection state recovery on, running middlewares on recovery. A
 * broadcast gives each client an offset, without which Socket.IO cannot restore its session.
 */
@UseGuards(WsAuthGuard)
@WebSocketGateway({ namespace: '/recovering', connectionStateRecovery: { skipMiddlewares: false } })
class RecoveringGateway {
  @WebSocketServer()
  readonly server!: Namespace;

  @SubscribeMessage('news:publish')
  publish(@MessageBody() text: string): { ok: true } {
    this.server.emit('news', text);
    return { ok: true };
  }

  @SubscribeMessage('whoami')
  whoami(@WsUser('sub') sub: string): string {
    return sub;
  }
}

/** Opens a client that reconnects only when the test calls `connect()`, resolving once connected. */
function openRecoverableClient(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: ConnectErrorEvent) => reject(new Error(error.message)));
  });
}

/**
 * Drops the client's transport the way a network failure would, so the server keeps the session,
 * and waits until the server has processed the disconnect.
 */
async function dropTransport(socket: Socket, namespace: Namespace): Promise<void> {
  const disconnected = nextEvent(socket, 'disconnect');
  socket.io.engine.close();
  await disconnected;
  await waitUntil(() => namespace.sockets.size === 0, 'the server has processed the dropped transport');
}

/** Reconnects a dropped client and resolves with `null` once connected, or with the error code. */
function reconnect(socket: Socket): Promise<string | null> {
  const outcome = new Promise<string | null>((resolve) => {
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (error: ConnectErrorEvent) => resolve(error.message));
  });
  socket.connect();
  return outcome;
}

describe('Connection state recovery (e2e)', () => {
  describe('with skipMiddlewares false', () => {
    const clock = new TestClock();
    let app: INestApplication;
    let url: string;
    let socket: Socket | undefined;
    let authenticate: jest.SpiedFunction<TokenAuthenticator['authenticate']>;

    function token(jti: string, sub = 'alice'): string {
      const nowSec = seconds(clock.now());
      return signHs256({ sub, jti, iat: nowSec, exp: nowSec + TOKEN_LIFETIME_SEC });
    }

    /** Broadcasts a packet on the namespace while the dropped client is away. */
    function publishWhileAway(text: string): void {
      app.get(RecoveringGateway).server.emit('news', text);
    }

    /** Connects, receives one broadcast so the session can be restored, then drops the transport. */
    async function connectAndDrop(jti: string): Promise<Socket> {
      const client = await openRecoverableClient(url, token(jti));
      socket = client;
      const news = nextEvent(client, 'news');
      await emitWithAck(client, 'news:publish', 'hello');
      await news;
      await dropTransport(client, app.get(RecoveringGateway).server);
      return client;
    }

    beforeAll(async () => {
      @Module({
        imports: [WsAuthModule.forRoot({ secret: TEST_SECRET })],
        providers: [RecoveringGateway],
      })
      class RecoveringModule {}

      const moduleRef = await Test.createTestingModule({ imports: [RecoveringModule] })
        .overrideProvider(WS_AUTH_CLOCK)
        .useValue(clock)
        .overrideProvider(WS_AUTH_TIMER)
        .useValue(new ManualTimer())
        .compile();
      app = moduleRef.createNestApplication({ logger: false });
      await app.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}/recovering`;
    });

    beforeEach(() => {
      authenticate = jest.spyOn(app.get(TokenAuthenticator), 'authenticate');
    });

    afterEach(() => {
      socket?.close();
      socket = undefined;
      authenticate.mockRestore();
    });

    afterAll(async () => {
      await app.close();
    });

    it('authenticates a recovered socket again', async () => {
      const client = await connectAndDrop('jti-recovered');

      const error = await reconnect(client);

      expect(error).toBeNull();
      expect(client.recovered).toBe(true);
      expect(authenticate).toHaveBeenCalledTimes(2);
      await expect(emitWithAck(client, 'whoami', {})).resolves.toBe('alice');
    });

    it('rejects recovery after the token expired', async () => {
      const client = await connectAndDrop('jti-expired');
      clock.advance((TOKEN_LIFETIME_SEC + 1) * 1000);

      const error = await reconnect(client);

      expect(error).toBe(WsAuthErrorCode.TOKEN_EXPIRED);
      expect(client.connected).toBe(false);
    });

    it('rejects recovery after the token was revoked', async () => {
      const client = await connectAndDrop('jti-revoked');
      app.get(WsAuthService).revoke({ jti: 'jti-revoked' });

      const error = await reconnect(client);

      expect(error).toBe(WsAuthErrorCode.TOKEN_REVOKED);
      expect(client.connected).toBe(false);
    });

    it('delivers the packets missed while away', async () => {
      const client = await connectAndDrop('jti-missed');
      const news = collectEvents<string>(client, 'news');
      publishWhileAway('while away');

      expect(await reconnect(client)).toBeNull();
      await emitWithAck(client, 'whoami', {});

      expect(client.recovered).toBe(true);
      expect(news).toEqual(['while away']);
    });

    it('drops the session of a token revoked while away', async () => {
      const client = await connectAndDrop('jti-dropped');
      const news = collectEvents<string>(client, 'news');
      publishWhileAway('for the revoked token');
      app.get(WsAuthService).revoke({ jti: 'jti-dropped' });
      clock.advance(1_000);
      client.auth = { token: token('jti-fresh') };

      expect(await reconnect(client)).toBeNull();
      await emitWithAck(client, 'whoami', {});

      expect(client.recovered).toBe(false);
      expect(news).toEqual([]);
    });

    it('drops the session of a token expired while away', async () => {
      const client = await connectAndDrop('jti-lapsed');
      const news = collectEvents<string>(client, 'news');
      publishWhileAway('for the expired token');
      clock.advance((TOKEN_LIFETIME_SEC + 1) * 1000);
      client.auth = { token: token('jti-renewed') };

      expect(await reconnect(client)).toBeNull();
      await emitWithAck(client, 'whoami', {});

      expect(client.recovered).toBe(false);
      expect(news).toEqual([]);
    });

    it('rejects a recovered session for another subject', async () => {
      const client = await connectAndDrop('jti-alice-session');
      client.auth = { token: token('jti-bob', 'bob') };

      const error = await reconnect(client);

      expect(error).toBe(WsAuthErrorCode.FORBIDDEN);
      expect(client.connected).toBe(false);
    });
  });

  describe('with skipMiddlewares left on', () => {
    it.each([
      ['the default', {}, 'Received true.'],
      ['true', { skipMiddlewares: true }, 'Received true.'],
    ])('fails the start with %s', async (_name, recovery, received) => {
      @UseGuards(WsAuthGuard)
      @WebSocketGateway({ namespace: '/skipping', connectionStateRecovery: recovery })
      class SkippingGateway {
        @SubscribeMessage('ping')
        ping(): string {
          return 'pong';
        }
      }

      @Module({ imports: [WsAuthModule.forRoot({ secret: TEST_SECRET })], providers: [SkippingGateway] })
      class SkippingModule {}

      const moduleRef = await Test.createTestingModule({ imports: [SkippingModule] }).compile();
      const app = moduleRef.createNestApplication({ logger: false });

      try {
        const error = await thrownByAsync(() => app.listen(0, '127.0.0.1'));

        expect(error.message).toContain('WsAuthGuard is applied to SkippingGateway');
        expect(error.message).toContain('Set connectionStateRecovery.skipMiddlewares to false');
        expect(error.message).toContain(received);
        expect((app.getHttpServer() as Server).listening).toBe(false);
      } finally {
        await app.close();
      }
    });
  });
});
