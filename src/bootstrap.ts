import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { AppModule } from './app.module.js';
import type { DemoConfig } from './config/demo-config.js';

/** Options of {@link createChatApp}. */
export interface CreateChatAppOptions {
  /** Nest logger, or the log levels to print; `false` silences Nest. */
  logger?: LoggerService | LogLevel[] | false;
}

/** Creates the demo chat application without listening; call `app.listen()` next. */
export async function createChatApp(config: DemoConfig, options: CreateChatAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: options.logger,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}
