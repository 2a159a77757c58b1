import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { AppModule } from '../src/app.module.js';
import type { DemoConfig } from '../src/config/demo-config.js';
import {
  TokenCacheService,
  type TokenVerdict,
  WS_AUTH_CLOCK,
  WsAuthErrorCode,
  type WsDeniedAck,
} from '../src/ws-auth/index.js';
import { connect, emitWithAck } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds, signHs256, TEST_SECRET } from './support/tokens.js';

/** A cache that records what it was asked and always verifies fresh, as a user's test double would. */
class RecordingTokenCache {
  readonly verifiedTokens: string[] = [];

  verify(token: string, verifyFresh: (token: string) => Promise<TokenVerdict>): Promise<TokenVerdict> {
    this.verifiedTokens.push(token);
    return verifyFresh(token);
  }
}

describe('Provider overrides (e2e)', () => {
  const clock = new TestClock();
  const cache = new RecordingTokenCache();
  let app: INestApplication;
  let chatUrl: string;

  beforeAll(async () => {
    const config: DemoConfig = { port: 0, host: '127.0.0.1', wsAuth: { secret: TEST_SECRET }, generatedSecret: false };

    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(WS_AUTH_CLOCK)
      .useValue(clock)
      .overrideProvider(TokenCacheService)
      .useValue(cache)
      .compile();

    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    chatUrl = `http://127.0.0.1:${port}/chat`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('verifies handshakes through the overriding cache', async () => {
    const token = signHs256({ sub: 'alice', scope: 'chat:write', exp: seconds(clock.now()) + 60 });

    const socket = await connect(chatUrl, { token });

    expect(cache.verifiedTokens).toContain(token);
    socket.close();
  });

  it('expires messages by the overriding clock', async () => {
    const token = signHs256({ sub: 'alice', scope: 'chat:write', exp: seconds(clock.now()) + 60 });
    const socket = await connect(chatUrl, { token });
    await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });

    clock.advance(60_000);
    const ack = await emitWithAck<WsDeniedAck>(socket, 'chat:join', { room: 'lobby' });

    expect(ack.error.code).toBe(WsAuthErrorCode.TOKEN_EXPIRED);
    socket.close();
  });
});
