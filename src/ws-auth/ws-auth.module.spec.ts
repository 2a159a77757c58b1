import { jest } from '@jest/globals';
import { Injectable, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { register as defaultRegister, Registry } from 'prom-client';

import { CircuitBreakerService } from './breaker/circuit-breaker.service.js';
import { TokenCacheService } from './cache/token-cache.service.js';
import { systemClock, WS_AUTH_CLOCK } from './clock/clock.js';
import { WsAuthGuard } from './guard/ws-auth.guard.js';
import { DefaultTokenVerifier } from './verification/default-token.verifier.js';
import { WS_AUTH_METRICS_REGISTRY } from './metrics/ws-auth-metrics.options.js';
import { WsAuthRecorder } from './telemetry/ws-auth.recorder.js';
import { TokenAuthenticator } from './verification/token-authenticator.js';
import { TokenVerifier } from './verification/token-verifier.js';
import { WsAuthModule } from './ws-auth.module.js';

const SECRET = 'k'.repeat(40);

@Injectable()
class NeedsGuard {
  constructor(readonly guard: WsAuthGuard) {}
}

@Module({ providers: [NeedsGuard] })
class FeatureModule {}

@Module({
  providers: [{ provide: 'SECRET', useValue: SECRET }],
  exports: ['SECRET'],
})
class SecretModule {}

describe('WsAuthModule', () => {
  it('provides every service through forRoot', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WsAuthModule.forRoot({ secret: SECRET })] }).compile();

    expect(moduleRef.get(WsAuthGuard)).toBeInstanceOf(WsAuthGuard);
    expect(moduleRef.get(TokenCacheService)).toBeInstanceOf(TokenCacheService);
    expect(moduleRef.get(CircuitBreakerService)).toBeInstanceOf(CircuitBreakerService);
    expect(moduleRef.get(TokenAuthenticator)).toBeInstanceOf(TokenAuthenticator);
    expect(moduleRef.get(TokenVerifier)).toBeInstanceOf(DefaultTokenVerifier);
    expect(moduleRef.get(WS_AUTH_CLOCK)).toBe(systemClock);
    await moduleRef.close();
  });

  it('reads options from an async factory with injected dependencies', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WsAuthModule.forRootAsync({
          imports: [SecretModule],
          inject: ['SECRET'],
          useFactory: (secret: string) => ({ secret }),
        }),
      ],
    }).compile();

    expect(moduleRef.get(TokenVerifier)).toBeInstanceOf(DefaultTokenVerifier);
    await moduleRef.close();
  });

  it('lets other modules inject the guard when global', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WsAuthModule.forRoot({ secret: SECRET, isGlobal: true }), FeatureModule],
    }).compile();

    expect(moduleRef.get(NeedsGuard).guard).toBeInstanceOf(WsAuthGuard);
    await moduleRef.close();
  });

  it('keeps the guard out of other modules when not global', async () => {
    const compiling = Test.createTestingModule({
      imports: [WsAuthModule.forRoot({ secret: SECRET }), FeatureModule],
    }).compile();

    await expect(compiling).rejects.toThrow(/can't resolve dependencies of the NeedsGuard/);
  });

  it('stops the start on invalid options, naming the option', async () => {
    const compiling = Test.createTestingModule({
      imports: [WsAuthModule.forRoot({ secret: SECRET, clockToleranceSec: 900 })],
    }).compile();

    await expect(compiling).rejects.toThrow('clockToleranceSec must be a finite number from 0 to 300 seconds; received 900.');
  });

  it('stops the start on invalid async options', async () => {
    const compiling = Test.createTestingModule({
      imports: [WsAuthModule.forRootAsync({ useFactory: () => ({ secret: 'short' }) })],
    }).compile();

    await expect(compiling).rejects.toThrow(/secret must be at least 32 bytes/);
  });

  it('provides a metrics registry of its own by default', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WsAuthModule.forRoot({ secret: SECRET })] }).compile();

    const registry = moduleRef.get<Registry>(WS_AUTH_METRICS_REGISTRY);

    expect(registry).toBeInstanceOf(Registry);
    expect(registry).not.toBe(defaultRegister);
    expect(registry.getSingleMetric('ws_auth_attempts_total')).toBeDefined();
    expect(moduleRef.get(WsAuthRecorder)).toBeInstanceOf(WsAuthRecorder);
    await moduleRef.close();
  });

  it('registers its metrics in the registry of metrics.registry', async () => {
    const registry = new Registry();
    const moduleRef = await Test.createTestingModule({
      imports: [WsAuthModule.forRoot({ secret: SECRET, metrics: { registry } })],
    }).compile();

    expect(moduleRef.get(WS_AUTH_METRICS_REGISTRY)).toBe(registry);
    expect(registry.getSingleMetric('ws_auth_attempts_total')).toBeDefined();

    await moduleRef.close();
    expect(registry.getSingleMetric('ws_auth_attempts_total')).toBeUndefined();
  });

  it('stops the start on invalid metrics and logging options', async () => {
    const withRegistry = Test.createTestingModule({
      imports: [WsAuthModule.forRoot({ secret: SECRET, metrics: { registry: {} as Registry } })],
    }).compile();
    const withInterval = Test.createTestingModule({
      imports: [WsAuthModule.forRoot({ secret: SECRET, logging: { failureSummaryIntervalMs: 10 } })],
    }).compile();

    await expect(withRegistry).rejects.toThrow(/^metrics.registry must be a prom-client Registry/);
    await expect(withInterval).rejects.toThrow(
      'logging.failureSummaryIntervalMs must be an integer from 1000 to 86400000 ms; received 10.',
    );
  });

  it('logs the effective options once at start, without the secret', async () => {
    const lines: string[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      lines.push(String(message));
    });
    const moduleRef = await Test.createTestingModule({ imports: [WsAuthModule.forRoot({ secret: SECRET })] }).compile();

    await moduleRef.init();
    jest.restoreAllMocks();

    const summaries = lines.filter((line) => line.startsWith('WsAuthModule options:'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain('secret set (redacted)');
    expect(lines.join('\n')).not.toContain(SECRET);
    await moduleRef.close();
  });
});
