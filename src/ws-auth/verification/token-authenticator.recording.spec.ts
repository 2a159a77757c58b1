import { createHmac } from 'node:crypto';

import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Registry } from 'prom-client';

import { seriesValue } from '../../../test/support/metric-series.js';
import { WS_AUTH_CLOCK } from '../clock/clock.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WS_AUTH_METRICS_REGISTRY } from '../metrics/ws-auth-metrics.options.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';
import { WsAuthModule } from '../ws-auth.module.js';
import { TokenAuthenticator } from './token-authenticator.js';
import type { TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'k'.repeat(40);
const T0 = Date.UTC(2030, 0, 1);

/** Milliseconds that pass between two readings of the test clock's monotonic time. */
const MS_PER_READING = 0.3;

function signHs256(claims: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

async function setup(verifier?: TokenVerifier) {
  let readings = 0;
  const clock = { now: () => T0, monotonicNow: () => (readings += 1) * MS_PER_READING };

  let builder = Test.createTestingModule({ imports: [WsAuthModule.forRoot({ secret: SECRET })] })
    .overrideProvider(WS_AUTH_CLOCK)
    .useValue(clock);
  if (verifier !== undefined) {
    builder = builder.overrideProvider(TokenVerifier).useValue(verifier);
  }

  const moduleRef: TestingModule = await builder.compile();
  const registry = moduleRef.get<Registry>(WS_AUTH_METRICS_REGISTRY);
  const verifications = (source: string) =>
    seriesValue(registry, 'ws_auth_verify_duration_seconds_count', { source });
  return { moduleRef, authenticator: moduleRef.get(TokenAuthenticator), verifications, registry };
}

describe('TokenAuthenticator recording', () => {
  const token = signHs256({ sub: 'alice', exp: T0 / 1000 + 600 });
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('records a fresh verification under jwt only', async () => {
    const context = await setup();
    moduleRef = context.moduleRef;

    await context.authenticator.authenticate(token);

    expect(await context.verifications('jwt')).toBe(1);
    expect(await context.verifications('cache')).toBeUndefined();
    expect(await seriesValue(context.registry, 'ws_auth_verify_duration_seconds_sum', { source: 'jwt' })).toBeCloseTo(
      MS_PER_READING / 1000,
    );
  });

  it('records a cache hit under cache', async () => {
    const context = await setup();
    moduleRef = context.moduleRef;

    await context.authenticator.authenticate(token);
    await context.authenticator.authenticate(token);

    expect(await context.verifications('jwt')).toBe(1);
    expect(await context.verifications('cache')).toBe(1);
  });

  it('records callers that share a verification in progress under cache', async () => {
    const context = await setup();
    moduleRef = context.moduleRef;

    await Promise.all([1, 2, 3].map(() => context.authenticator.authenticate(token)));

    expect(await context.verifications('jwt')).toBe(1);
    expect(await context.verifications('cache')).toBe(2);
  });

  it('records the cause of an unavailable verification', async () => {
    const failing: TokenVerifier = {
      verify: (): Promise<TokenVerdict> => Promise.reject(new AuthUnavailableError('http_503', 'Provider answered 503.')),
    };
    const context = await setup(failing);
    moduleRef = context.moduleRef;
    const recordUnavailable = jest.spyOn(context.moduleRef.get(WsAuthRecorder), 'recordUnavailable');

    await expect(context.authenticator.authenticate(token)).rejects.toMatchObject({
      code: WsAuthErrorCode.AUTH_UNAVAILABLE,
    });

    expect(recordUnavailable).toHaveBeenCalledWith('http_503');
  });

  it('leaves fresh verifications of a custom verifier to that verifier', async () => {
    const custom: TokenVerifier = {
      verify: (): Promise<TokenVerdict> => Promise.resolve({ accepted: false, code: WsAuthErrorCode.TOKEN_INVALID }),
    };
    const context = await setup(custom);
    moduleRef = context.moduleRef;

    await expect(context.authenticator.authenticate(token)).rejects.toMatchObject({ code: WsAuthErrorCode.TOKEN_INVALID });

    expect(await context.verifications('jwt')).toBeUndefined();
    expect(await context.verifications('cache')).toBeUndefined();
  });
});
