import { Module } from '@nestjs/common';

import { ChatGateway } from './chat.gateway.js';

/** The demo chat gateway; it resolves `WsAuthGuard` from the global `WsAuthModule`. */
@Module({
  providers: [ChatGateway],
})
export class ChatModule {}
