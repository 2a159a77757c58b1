import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { Registry } from 'prom-client';

import { CIRCUIT_BREAKER_OPTIONS } from './breaker/circuit-breaker.options.js';
import { CircuitBreakerService } from './breaker/circuit-breaker.service.js';
import { TOKEN_CACHE_OPTIONS } from './cache/token-cache.options.js';
import { TokenCacheService } from './cache/token-cache.service.js';
import { InMemoryTokenCacheStore, TOKEN_CACHE_STORE } from './cache/token-cache.store.js';
import { systemClock, WS_AUTH_CLOCK } from './clock/clock.js';
import { WsAuthGuard } from './guard/ws-auth.guard.js';
import { AuthenticatedSockets } from './handshake/authenticated-sockets.js';
import { GatewayHandshakeBinder } from './handshake/gateway-handshake-binder.js';
import { HandshakeAuthenticator } from './handshake/handshake-authenticator.js';
import { AuthFailureLog } from './logging/auth-failure-log.js';
import { EffectiveOptionsLogger } from './logging/options-summary.js';
import { WS_AUTH_METRICS_REGISTRY } from './metrics/ws-auth-metrics.options.js';
import { WsAuthMetrics } from './metrics/ws-auth.metrics.js';
import { DeadlineScheduler } from './lifecycle/deadline-scheduler.js';
import { systemTimer, WS_AUTH_TIMER } from './lifecycle/scheduler-timer.js';
import { TokenLifecycleService } from './lifecycle/token-lifecycle.service.js';
import {
  resolveWsAuthOptions,
  type ResolvedWsAuthOptions,
  WS_AUTH_RESOLVED_OPTIONS,
} from './options/resolve-options.js';
import type { WsAuthModuleOptions } from './options/ws-auth-options.interface.js';
import { IntrospectionTokenVerifier } from './remote/introspection-token.verifier.js';
import { JwksKeyProvider } from './remote/jwks-key.provider.js';
import { DefaultTokenVerifier } from './verification/default-token.verifier.js';
import { WsAuthRecorder } from './telemetry/ws-auth.recorder.js';
import { RevocationList } from './revocation/revocation-list.js';
import { RevocationBroadcaster } from './revocation/revocation-broadcaster.js';
import { RecoveredSessions } from './handshake/recovered-sessions.js';
import { JwtTokenVerifier, readVerificationKey } from './verification/jwt-token.verifier.js';
import { TokenAuthenticator } from './verification/token-authenticator.js';
import { TokenVerifier } from './verification/token-verifier.js';
import { WS_AUTH_MODULE_OPTIONS, WsAuthConfigurableModule } from './ws-auth.module-definition.js';
import { WsAuthService } from './ws-auth.service.js';

/**
 * Authenticates Socket.IO gateways. Register it with `WsAuthModule.forRoot(options)` or
 * `WsAuthModule.forRootAsync({ imports, inject, useFactory })`, then apply
 * `@UseGuards(WsAuthGuard)` to a gateway.
 *
 * Every provider below can be replaced with `Test.createTestingModule(...).overrideProvider()`.
 */
@Module({
  imports: [DiscoveryModule, JwtModule.register({ secretOrKeyProvider: readVerificationKey })],
  providers: [
    { provide: WS_AUTH_CLOCK, useValue: systemClock },
    { provide: WS_AUTH_TIMER, useValue: systemTimer },
    {
      provide: WS_AUTH_RESOLVED_OPTIONS,
      inject: [WS_AUTH_MODULE_OPTIONS],
      useFactory: (options: WsAuthModuleOptions) => resolveWsAuthOptions(options),
    },
    {
      provide: TOKEN_CACHE_OPTIONS,
      inject: [WS_AUTH_RESOLVED_OPTIONS],
      useFactory: (options: ResolvedWsAuthOptions) => options.cache,
    },
    {
      provide: CIRCUIT_BREAKER_OPTIONS,
      inject: [WS_AUTH_RESOLVED_OPTIONS],
      useFactory: (options: ResolvedWsAuthOptions) => options.breaker,
    },
    { provide: TOKEN_CACHE_STORE, useClass: InMemoryTokenCacheStore },
    JwksKeyProvider,
    IntrospectionTokenVerifier,
    JwtTokenVerifier,
    DefaultTokenVerifier,
    { provide: TokenVerifier, useExisting: DefaultTokenVerifier },
    TokenCacheService,
    CircuitBreakerService,
    TokenAuthenticator,
    AuthenticatedSockets,
    HandshakeAuthenticator,
    RevocationBroadcaster,
    RecoveredSessions,
    GatewayHandshakeBinder,
    WsAuthGuard,
    {
      provide: WS_AUTH_METRICS_REGISTRY,
      inject: [WS_AUTH_RESOLVED_OPTIONS],
      useFactory: (options: ResolvedWsAuthOptions) => options.metrics.registry ?? new Registry(),
    },
    WsAuthMetrics,
    AuthFailureLog,
    WsAuthRecorder,
    EffectiveOptionsLogger,
    DeadlineScheduler,
    TokenLifecycleService,
    RevocationList,
    WsAuthService,
  ],
  exports: [
    WS_AUTH_CLOCK,
    WS_AUTH_RESOLVED_OPTIONS,
    TokenVerifier,
    TokenCacheService,
    CircuitBreakerService,
    TokenAuthenticator,
    AuthenticatedSockets,
    WsAuthGuard,
    WS_AUTH_METRICS_REGISTRY,
    WsAuthMetrics,
    WsAuthRecorder,
    DeadlineScheduler,
    RevocationList,
    WsAuthService,
  ],
})
export class WsAuthModule extends WsAuthConfigurableModule {}
