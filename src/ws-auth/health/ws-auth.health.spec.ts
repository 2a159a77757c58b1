import { jest } from '@jest/globals';
import { Logger, Module, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { TokenCacheService } from '../cache/token-cache.service.js';
import { WS_AUTH_CLOCK } from '../clock/clock.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { rejected, type TokenVerdict } from '../verification/token-verdict.js';
import { WsAuthModule } from '../ws-auth.module.js';
import { WsAuthHealthIndicator, type WsAuthHealthDetails } from './ws-auth.health.js';

const SECRET = 'k'.repeat(40);
const T0 = Date.UTC(2030, 0, 1);
const RESET_TIMEOUT_MS = 30_000;

@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    WsAuthModule.forRoot({ secret: SECRET, isGlobal: true, breaker: { minimumCalls: 2, resetTimeoutMs: RESET_TIMEOUT_MS } }),
  ],
  providers: [WsAuthHealthIndicator],
})
class HealthTestModule {}

async function setup() {
  const clock = { t: T0, now: () => clock.t };
  const moduleRef = await Test.createTestingModule({ imports: [HealthTestModule] })
    .overrideProvider(WS_AUTH_CLOCK)
    .useValue(clock)
    .compile();

  const breakers = moduleRef.get(CircuitBreakerService);
  const indicator = moduleRef.get(WsAuthHealthIndicator);
  const check = () => moduleRef.get(HealthCheckService).check([() => indicator.isHealthy('ws-auth')]);
  const details = () => indicator.isHealthy('ws-auth')['ws-auth'] as WsAuthHealthDetails & { status: string };
  return { clock, moduleRef, breakers, indicator, check, details, cache: moduleRef.get(TokenCacheService) };
}

async function openBreaker(breakers: CircuitBreakerService, name: string): Promise<void> {
  for (let i = 0; i < 2; i += 1) {
    const failure = new AuthUnavailableError('timeout', 'The provider timed out.');
    await expect(breakers.get(name).execute(() => Promise.reject(failure))).rejects.toBe(failure);
  }
}

describe('WsAuthHealthIndicator', () => {
  let moduleRef: TestingModule | undefined;

  async function started(): Promise<Awaited<ReturnType<typeof setup>>> {
    const context = await setup();
    moduleRef = context.moduleRef;
    return context;
  }

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    jest.restoreAllMocks();
  });

  it('is up before any breaker exists', async () => {
    const { details } = await started();

    expect(details()).toMatchObject({ status: 'up', breakers: {}, message: 'Every circuit breaker is closed.' });
  });

  it('is up while every breaker is closed', async () => {
    const { breakers, check } = await started();
    breakers.get('jwks');
    breakers.get('introspection');

    const result = await check();

    expect(result.status).toBe('ok');
    expect(result.details['ws-auth']?.status).toBe('up');
  });

  it('is down with 503 while a breaker is open', async () => {
    const { breakers, check, details } = await started();
    breakers.get('jwks');
    await openBreaker(breakers, 'introspection');

    expect(details().status).toBe('down');
    const failure = await check().then(
      () => new Error('The health check passed, but a failure was expected.'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    expect((failure as ServiceUnavailableException).getStatus()).toBe(503);
    expect((failure as ServiceUnavailableException).getResponse()).toMatchObject({ status: 'error' });
  });

  it('is degraded with 200 while a breaker is half-open', async () => {
    const { breakers, check, clock } = await started();
    await openBreaker(breakers, 'jwks');

    clock.t += RESET_TIMEOUT_MS;
    const result = await check();

    expect(result.status).toBe('degraded');
    expect(result.details['ws-auth']?.status).toBe('degraded');
    expect(result.details['ws-auth']?.message).toBe(
      'Circuit breaker "jwks" is half-open: probe calls test whether the dependency recovered.',
    );
  });

  it('is down when one breaker is open and another half-open', async () => {
    const { breakers, clock, details } = await started();
    await openBreaker(breakers, 'jwks');
    clock.t += RESET_TIMEOUT_MS;
    await openBreaker(breakers, 'introspection');
    await openBreaker(breakers, 'userinfo');

    expect(details()).toMatchObject({
      status: 'down',
      message:
        'Circuit breakers "introspection", "userinfo" are open, so token checks that need them get AUTH_UNAVAILABLE. ' +
        'Circuit breaker "jwks" is half-open: probe calls test whether the dependency recovered.',
    });
  });

  it('is down while an operator isolates a breaker', async () => {
    const { breakers, details } = await started();

    breakers.isolate('jwks');

    expect(details()).toMatchObject({ status: 'down', breakers: { jwks: { state: 'open', isolated: true } } });
  });

  it('details each breaker with its opening time and failure figures', async () => {
    const { breakers, clock, details } = await started();
    clock.t = T0 + 5_000;
    await openBreaker(breakers, 'jwks');

    expect(details().breakers.jwks).toEqual({
      state: 'open',
      openedAt: '2030-01-01T00:00:05.000Z',
      probeAt: '2030-01-01T00:00:35.000Z',
      calls: 2,
      failures: 2,
      failureRate: 1,
      lastFailureReason: 'timeout',
      lastFailureAt: '2030-01-01T00:00:05.000Z',
      isolated: false,
    });
  });

  it('keeps a breaker named status apart from the reserved status key', async () => {
    const { breakers, details } = await started();

    await openBreaker(breakers, 'status');

    expect(details().status).toBe('down');
    expect(details().breakers.status?.state).toBe('open');
  });

  it('details the cache entries and hit ratio', async () => {
    const { cache, details } = await started();
    const verdict = rejected(WsAuthErrorCode.TOKEN_INVALID);
    const verifyFresh = (): Promise<TokenVerdict> => Promise.resolve(verdict);
    expect(details().cache.hitRatio).toBeNull();

    await cache.verify('token-a', verifyFresh);
    await cache.verify('token-a', verifyFresh);
    await cache.verify('token-a', verifyFresh);
    await cache.verify('token-b', verifyFresh);

    expect(details().cache).toEqual({
      entries: 0,
      negativeEntries: 2,
      hitRatio: 0.5,
      hits: 0,
      negativeHits: 2,
      misses: 2,
      evictions: 0,
    });
  });
});
