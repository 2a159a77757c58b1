import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type INestApplication, Module, UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Test } from '@nestjs/testing';
import type { Socket } from 'socket.io-client';

import { TokenCacheService, WsAuthErrorCode, WsAuthGuard, WsAuthModule } from '../src/ws-auth/index.js';
import { connect, emitWithAck, expectRejectedHandshake } from './support/socket-client.js';
import { seconds, signHs256, TEST_SECRET } from './support/tokens.js';

/** Configures the module once, without `isGlobal`, and exports it to every feature module. */
@Module({ imports: [WsAuthModule.forRoot({ secret: TEST_SECRET })], exports: [WsAuthModule] })
class SharedAuthModule {}

@UseGuards(WsAuthGuard)
@WebSocketGateway({ namespace: '/rooms' })
class RoomsGateway {
  @SubscribeMessage('ping')
  ping(): string {
    return 'rooms';
  }
}

@UseGuards(WsAuthGuard)
@WebSocketGateway({ namespace: '/presence' })
class PresenceGateway {
  @SubscribeMessage('ping')
  ping(): string {
    return 'presence';
  }
}

@Module({ imports: [SharedAuthModule], providers: [RoomsGateway] })
class RoomsModule {}

@Module({ imports: [SharedAuthModule], providers: [PresenceGateway] })
class PresenceModule {}

@Module({ imports: [RoomsModule, PresenceModule] })
class FeaturesAppModule {}

describe('One WsAuthModule shared by feature modules (e2e)', () => {
  let app: INestApplication;
  let baseUrl: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [FeaturesAppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await app.close();
  });

  it.each(['/rooms', '/presence'])('rejects a handshake without a token on %s', async (namespace) => {
    const error = await expectRejectedHandshake(`${baseUrl}${namespace}`, {});

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MISSING);
  });

  it('serves both features from one module instance', async () => {
    const token = signHs256({ sub: 'alice', exp: seconds(Date.now()) + 600 });
    const cache = app.get(TokenCacheService, { strict: false });

    const rooms = await connect(`${baseUrl}/rooms`, { token });
    const presence = await connect(`${baseUrl}/presence`, { token });
    sockets.push(rooms, presence);

    await expect(emitWithAck(rooms, 'ping', {})).resolves.toBe('rooms');
    await expect(emitWithAck(presence, 'ping', {})).resolves.toBe('presence');
    expect(cache.stats()).toMatchObject({ misses: 1, hits: 1 });
  });
});
