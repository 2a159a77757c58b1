import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';

import { WS_AUTH_METRICS_REGISTRY } from '../ws-auth/index.js';

/** `GET /metrics`: the authentication module's metrics in the Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(WS_AUTH_METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
