import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';

import { WsAuthHealthIndicator } from '../ws-auth/index.js';

/**
 * `GET /health`: 200 with status `ok` or `degraded`, 503 with status `error` while a circuit
 * breaker of the authentication module is open.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(WsAuthHealthIndicator) private readonly wsAuth: WsAuthHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.wsAuth.isHealthy('ws-auth')]);
  }
}
