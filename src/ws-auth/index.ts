// Public API of nestjs-ws-auth, listed name by name. Anything not exported here is internal.

export { WsAuthModule } from './ws-auth.module.js';
export { WS_AUTH_MODULE_OPTIONS, type WsAuthModuleExtras } from './ws-auth.module-definition.js';
export { type RevocationResult, WsAuthService } from './ws-auth.service.js';
export type { JtiRevocation, RevocationRequest, SubjectRevocation } from './revocation/revocation-request.js';
export type { JwtAlgorithm, WsAuthModuleOptions } from './options/ws-auth-options.interface.js';
export { validateWsAuthOptions } from './options/resolve-options.js';

export { WsAuthGuard } from './guard/ws-auth.guard.js';
export { Public, WS_AUTH_PUBLIC_KEY, WS_AUTH_SCOPES_KEY, WsScopes, WsUser } from './guard/ws-auth.decorators.js';
export { WsAuthExceptionFilter } from './guard/ws-auth-exception.filter.js';
export type { WsDeniedAck } from './guard/acknowledge-denial.js';
export { WsAuthConnectError } from './handshake/ws-auth-connect-error.js';

export { WS_AUTH_ERROR_CODES, WS_AUTH_ERROR_MESSAGES, WsAuthErrorCode } from './errors/ws-auth-error-code.js';
export {
  isWsAuthException,
  WsAuthException,
  type WsAuthErrorBody,
  type WsAuthExceptionPayload,
} from './errors/ws-auth.exception.js';
export { AuthUnavailableError, isAuthUnavailableError } from './errors/auth-unavailable.error.js';

export { type Clock, systemClock, WS_AUTH_CLOCK } from './clock/clock.js';
export { DeadlineScheduler, MAX_TIMER_DELAY_MS } from './lifecycle/deadline-scheduler.js';
export { type SchedulerTimer, systemTimer, WS_AUTH_TIMER } from './lifecycle/scheduler-timer.js';
export {
  type AuthExpiredEvent,
  type AuthExpiringEvent,
  type AuthRefreshAck,
  type AuthRefreshedAck,
  type AuthRefreshRequest,
  type AuthRevokedEvent,
  WS_AUTH_EVENTS,
} from './lifecycle/lifecycle-events.js';

export type { WsPrincipal } from './verification/ws-principal.js';
export {
  evaluateVerdictAt,
  type AcceptedVerdict,
  type RejectedVerdict,
  type TokenVerdict,
  type VerdictEvaluation,
} from './verification/token-verdict.js';
export { TokenVerifier } from './verification/token-verifier.js';
export { JwtTokenVerifier } from './verification/jwt-token.verifier.js';
export { DefaultTokenVerifier } from './verification/default-token.verifier.js';
export { INTROSPECTION_BREAKER, IntrospectionTokenVerifier } from './remote/introspection-token.verifier.js';
export { JWKS_BREAKER, JwksKeyProvider } from './remote/jwks-key.provider.js';
export type {
  IntrospectionOptions,
  JwksOptions,
  WhenBreakerOpen,
} from './options/remote-options.interface.js';
export { TokenAuthenticator } from './verification/token-authenticator.js';

export { TokenCacheService, type TokenCacheStats } from './cache/token-cache.service.js';
export {
  InMemoryTokenCacheStore,
  sharedStoreKey,
  TOKEN_CACHE_STORE,
  type TokenCacheStore,
  type TokenCacheStoreStats,
} from './cache/token-cache.store.js';
export {
  CACHE_DEFAULTS,
  TOKEN_CACHE_OPTIONS,
  type ResolvedTokenCacheOptions,
  type TokenCacheOptions,
} from './cache/token-cache.options.js';
export {
  matchesPrincipal,
  type JtiSelector,
  type PrincipalSelector,
  type SubjectSelector,
  type TokenCacheSelector,
} from './cache/token-cache.selector.js';

export { CircuitBreakerService } from './breaker/circuit-breaker.service.js';
export {
  CircuitBreaker,
  type CircuitListenerErrorHandler,
  type CircuitStateListener,
} from './breaker/circuit-breaker.js';
export {
  CIRCUIT_BREAKER_OPTIONS,
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  type CircuitBreakerOptions,
} from './breaker/circuit-breaker.options.js';
export { CircuitOpenError, isCircuitOpenError, type CircuitOpenReason } from './breaker/circuit-open.error.js';
export type {
  CircuitBreakerSnapshot,
  CircuitState,
  CircuitStateChange,
  CircuitStateChangeTrigger,
} from './breaker/circuit-state.js';

export { WsAuthRecorder } from './telemetry/ws-auth.recorder.js';
export {
  ATTEMPT_RESULTS,
  UNKNOWN_RESULT,
  VERIFICATION_SOURCES,
  WS_AUTH_STAGES,
  type AttemptResult,
  type VerificationSource,
  type WsAuthStage,
} from './telemetry/telemetry-labels.js';
export {
  CIRCUIT_STATE_VALUES,
  VERIFY_DURATION_BUCKETS,
  WS_AUTH_METRIC_NAMES,
  WsAuthMetrics,
} from './metrics/ws-auth.metrics.js';
export { WS_AUTH_METRICS_REGISTRY, type WsAuthMetricsOptions } from './metrics/ws-auth-metrics.options.js';
export { AuthFailureLog } from './logging/auth-failure-log.js';
export { fingerprint } from './logging/fingerprint.js';
export { LOGGING_DEFAULTS, type WsAuthLoggingOptions } from './logging/ws-auth-logging.options.js';
export {
  WsAuthHealthIndicator,
  type WsAuthBreakerHealth,
  type WsAuthCacheHealth,
  type WsAuthHealthDetails,
} from './health/ws-auth.health.js';
