import type { AddressInfo } from 'node:net';

import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';

import { AppModule } from '../../src/app.module.js';
import type { DemoConfig } from '../../src/config/demo-config.js';
import type { WsAuthModuleOptions } from '../../src/ws-auth/index.js';
import { TEST_SECRET } from './tokens.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureChatApp } from '../../src/bootstrap.js';

/** A demo chat application listening on 127.0.0.1 and a free port. */
export interface RunningChatApp {
  app: INestApplication;
  /** URL of the HTTP server, such as `http://127.0.0.1:40123`. */
  baseUrl: string;
  /** URL of the `/chat` namespace. */
  chatUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the demo chat application through `Test.createTestingModule`, so that a test can
 * override providers as an application's own tests would.
 */
export async function startChatApp(
  options: Partial<WsAuthModuleOptions> = {},
  override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
  logger: LoggerService | false = false,
): Promise<RunningChatApp> {
  const config: DemoConfig = {
    port: 0,
    host: '127.0.0.1',
    wsAuth: { secret: TEST_SECRET, ...options },
    generatedSecret: false,
  };

  const moduleRef = await override(Test.createTestingModule({ imports: [AppModule.forRoot(config)] })).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger, bodyParser: false });
  configureChatApp(app);
  await app.listen(0, '127.0.0.1');

  const address = (app.getHttpServer()).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    chatUrl: `${baseUrl}/chat`,
    close: () => app.close(),
  };
}
