import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { WsAuthHealthIndicator } from '../ws-auth/index.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/**
 * HTTP endpoints for operators: `/health` through terminus and `/metrics` for Prometheus. It
 * resolves the authentication module's providers from the global `WsAuthModule`.
 */
@Module({
  imports: [TerminusModule.forRoot()],
  controllers: [HealthController, MetricsController],
  providers: [WsAuthHealthIndicator],
})
export class OperationsModule {}
