import type { KeyObject } from 'node:crypto';

import type { CircuitBreakerOptions } from '../breaker/circuit-breaker.options.js';
import type { TokenCacheOptions } from '../cache/token-cache.options.js';
import type { IntrospectionOptions, JwksOptions, WhenBreakerOpen } from './remote-options.interface.js';
import type { WsAuthLoggingOptions } from '../logging/ws-auth-logging.options.js';
import type { WsAuthMetricsOptions } from '../metrics/ws-auth-metrics.options.js';

/** JWT signature algorithms the module can verify. `none` is never accepted. */
export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512';

/** Options of `WsAuthModule.forRoot()` and of the factory of `WsAuthModule.forRootAsync()`. */
export interface WsAuthModuleOptions {
  /**
   * Shared secret for the HS256, HS384 and HS512 algorithms, at least 32 bytes long.
   * It is prepared once as a `KeyObject`, so it is not parsed again for each token.
   */
  secret?: string | Buffer;

  /**
   * Public key for the RS, PS and ES algorithms: PEM text, a DER buffer or a `KeyObject`.
   * Tokens signed with it are verified locally, without any network call.
   */
  publicKey?: string | Buffer | KeyObject;

  /**
   * JWKS endpoint for RS, PS and ES tokens, when keys are not given as `publicKey`. Keys are
   * fetched on first use, kept for `jwks.maxAgeMs`, and fetched again for an unknown `kid` at
   * most once per `jwks.cooldownMs`. Fetches go through the `jwks` circuit breaker.
   */
  jwksUri?: string;

  /** JWKS cache settings; see `JwksOptions`. */
  jwks?: JwksOptions;

  /**
   * OAuth2 token introspection (RFC 7662) for opaque tokens: any token that is not shaped like
   * a JWT. Calls go through the `introspection` circuit breaker.
   */
  introspection?: IntrospectionOptions;

  /**
   * Timeout of each call to the JWKS or introspection endpoint, in milliseconds, from 1 to 60000.
   * The request is aborted through its `AbortSignal` when it fires.
   * @default 2000
   */
  remoteTimeoutMs?: number;

  /**
   * Algorithm allow-list. A token whose header names another algorithm is `TOKEN_INVALID`.
   * HS algorithms need `secret`; RS, PS and ES algorithms need `publicKey` or `jwksUri`.
   * @default ['HS256'] with `secret`; with `publicKey`, the algorithm that fits the key type;
   *   with `jwksUri`, ['RS256']
   */
  algorithms?: JwtAlgorithm[];

  /** Accepted `iss` values. When set, a token with another or no issuer is `TOKEN_INVALID`. */
  issuer?: string | string[];

  /** Accepted `aud` values. When set, a token with another or no audience is `TOKEN_INVALID`. */
  audience?: string | string[];

  /**
   * Allowed clock skew in seconds, applied to `exp` and `nbf`, from 0 to 300.
   * @default 0
   */
  clockToleranceSec?: number;

  /**
   * Rejects tokens without an `exp` claim, so that no socket stays authenticated forever.
   * @default true
   */
  requireExpiration?: boolean;

  /**
   * Maximum token length in bytes, checked before any decoding. Larger tokens are `TOKEN_MALFORMED`.
   * @default 8192
   */
  maxTokenBytes?: number;

  /**
   * Accepts a token from the handshake query string. Off by default because query strings end
   * up in access logs and browser history.
   * @default false
   */
  allowQueryToken?: boolean;

  /**
   * Name of the query parameter read when `allowQueryToken` is on.
   * @default 'token'
   */
  queryTokenParameter?: string;

  /** Verdict cache options; see `TokenCacheOptions`. */
  cache?: Partial<TokenCacheOptions>;

  /**
   * Circuit breaker options for remote verification; see `CircuitBreakerOptions`.
   * `whenOpen` chooses what a handshake or refresh gets while the breaker of its dependency is
   * open: `'use-cache'` lets tokens with a cached, still valid verdict pass and rejects the rest
   * with `AUTH_UNAVAILABLE`; `'deny-all'` rejects them all. Default: `'use-cache'`.
   */
  breaker?: Partial<CircuitBreakerOptions> & { whenOpen?: WhenBreakerOpen };

  /** Prometheus metrics options; see `WsAuthMetricsOptions`. */
  metrics?: WsAuthMetricsOptions;

  /** Logging options; see `WsAuthLoggingOptions`. */
  logging?: WsAuthLoggingOptions;

  /**
   * Time before a socket's token expires at which the server emits `auth:expiring`, in
   * milliseconds, from 0 to 86,400,000 (one day). When the token has less than twice this time
   * left, the event comes halfway through the time left instead, so that clients with
   * short-lived tokens do not refresh in a loop. `0` turns the event off.
   * @default 60_000
   */
  expiryWarningLeadMs?: number;

  /**
   * Maximum lifetime of the tokens the issuer signs, in milliseconds, from 1,000 to
   * 2,592,000,000 (30 days). A revocation is kept only as long as a matching token can still be
   * valid: by `jti` until that token's `exp` when the server has seen it, else for this long; by
   * `sub` until `issuedBefore` plus this long. A token that lives longer than this may be
   * accepted again once its revocation has been dropped.
   * @default 86_400_000 (24 hours)
   */
  maxTokenLifetimeMs?: number;

  /**
   * Whether `WsAuthService.revoke` also reaches the other servers of a Socket.IO cluster. The
   * revocation is sent with Socket.IO's `serverSideEmit` through the adapter of the guarded
   * namespaces, so it needs an adapter that supports it, such as `@socket.io/redis-adapter`.
   * Each server then keeps the revocation, purges its cached verdicts and disconnects its own
   * matching sockets. Leave it off with Socket.IO's default in-memory adapter, which does not
   * support `serverSideEmit`.
   * @default false
   */
  broadcastRevocations?: boolean;
}
