import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import type { DemoConfig } from './config/demo-config.js';

/** Options of {@link createChatApp}. */
export interface CreateChatAppOptions {
  /** Nest logger, or the log levels to print; `false` silences Nest. */
  logger?: LoggerService | LogLevel[] | false;
}

/** Largest HTTP request body the demo reads, for `POST /auth/revoke`. */
const MAX_BODY = '16kb';

/** Creates the demo chat application without listening; call `app.listen()` next. */
export async function createChatApp(config: DemoConfig, options: CreateChatAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger,
    abortOnError: false,
    bodyParser: false,
  });
  configureChatApp(app);
  app.enableShutdownHooks();
  return app;
}

/**
 * Reads JSON request bodies as text, so that the admin endpoint authenticates the caller before
 * it parses the body: a request without a valid token gets 401 even when its body is not JSON.
 * Create the application with `bodyParser: false` before calling this.
 */
export function configureChatApp(app: NestExpressApplication): void {
  app.useBodyParser('text', { type: ['application/json', 'application/*+json'], limit: MAX_BODY });
}
