import { Module } from '@nestjs/common';

import { RevocationController } from './revocation.controller.js';

/** The demo's admin HTTP endpoints. They resolve `WsAuthService` from the global `WsAuthModule`. */
@Module({
  controllers: [RevocationController],
})
export class AdminModule {}
