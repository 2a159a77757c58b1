import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type INestApplication, Module, UseFilters, UseGuards } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { Socket } from 'socket.io';

import {
  Public,
  WsAuthErrorCode,
  WsAuthException,
  WsAuthExceptionFilter,
  WsAuthGuard,
  WsAuthModule,
  type WsAuthModuleOptions,
  WsScopes,
  WsUser,
} from '../../src/ws-auth/index.js';
import { TEST_SECRET } from './tokens.js';

/** Gateway guarded on the class, with a handler for each kind of policy. */
@UseGuards(WsAuthGuard)
@UseFilters(WsAuthExceptionFilter)
@WebSocketGateway({ namespace: '/probe' })
export class ProbeGateway {
  connections = 0;

  handleConnection(): void {
    this.connections += 1;
  }

  @SubscribeMessage('probe:whoami')
  whoami(@WsUser('sub') sub: string, @WsUser() user: unknown): { sub: string; hasUser: boolean } {
    return { sub, hasUser: typeof user === 'object' && user !== null };
  }

  @Public()
  @SubscribeMessage('probe:public')
  publicPing(): { ok: true } {
    return { ok: true };
  }

  @WsScopes('admin', 'audit')
  @SubscribeMessage('probe:admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  /** Throws the requested code, to exercise every code through the message channels. */
  @Public()
  @SubscribeMessage('probe:throw')
  throwCode(@MessageBody() code: WsAuthErrorCode): never {
    throw new WsAuthException(code);
  }

  @SubscribeMessage('probe:socket-id')
  socketId(@ConnectedSocket() socket: Socket): string {
    return socket.id;
  }
}

/** Gateway that guards one handler only; its handshake is authenticated all the same. */
@WebSocketGateway({ namespace: '/method-guard' })
export class MethodGuardGateway {
  @UseGuards(WsAuthGuard)
  @SubscribeMessage('method:ping')
  ping(): { ok: true } {
    return { ok: true };
  }
}

/** Gateway without the guard: its handshake is not authenticated. */
@WebSocketGateway({ namespace: '/open' })
export class OpenGateway {
  @SubscribeMessage('open:ping')
  ping(): { ok: true } {
    return { ok: true };
  }
}

/** An application whose gateways resolve the guard from a non-global `WsAuthModule`. */
export interface RunningProbeApp {
  app: INestApplication;
  baseUrl: string;
  gateway: ProbeGateway;
  close(): Promise<void>;
}

/** Starts the probe gateways on 127.0.0.1 and a free port. */
export async function startProbeApp(
  options: Partial<WsAuthModuleOptions> = {},
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<RunningProbeApp> {
  @Module({
    imports: [WsAuthModule.forRoot({ secret: TEST_SECRET, ...options })],
    providers: [ProbeGateway, MethodGuardGateway, OpenGateway],
  })
  class ProbeModule {}

  const moduleRef = await override(Test.createTestingModule({ imports: [ProbeModule] })).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');

  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    gateway: app.get(ProbeGateway),
    close: () => app.close(),
  };
}
