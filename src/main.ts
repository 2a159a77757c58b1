import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { createChatApp } from './bootstrap.js';
import { readDemoConfig } from './config/demo-config.js';

const logger = new Logger('ChatServer');

async function main(): Promise<void> {
  const config = readDemoConfig();
  if (config.generatedSecret) {
    logger.warn(
      'WS_AUTH_JWT_SECRET is not set, so a random development secret was generated; tokens from `npm run token` will not verify against it. Set WS_AUTH_JWT_SECRET for both commands.',
    );
  }

  const app = await createChatApp(config);
  await app.listen(config.port, config.host);
  logger.log(`Chat server listening on ${await app.getUrl()}, Socket.IO namespace /chat.`);
}

main().catch((error: unknown) => {
  logger.error(`The chat server failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
