import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Agent } from 'undici';

import { CircuitBreakerService } from '../breaker/circuit-breaker.service.js';
import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { monotonicMs, secondsSince } from '../clock/elapsed.js';
import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';
import { claimsToVerdict } from '../verification/claims-to-verdict.js';
import { rejected, type TokenVerdict } from '../verification/token-verdict.js';
import { fetchJson } from './fetch-json.js';

/** Name of the circuit breaker that guards introspection calls. */
export const INTROSPECTION_BREAKER = 'introspection';

/**
 * Verifies opaque tokens with OAuth2 token introspection (RFC 7662): a form POST of `token`
 * with HTTP Basic client authentication, through the `introspection` circuit breaker.
 *
 * `active: false` is a valid response and gives `TOKEN_INVALID`. A status other than 200, a body
 * that is not a JSON object, or a missing `active` member is an infrastructure failure.
 *
 * With `introspection.maxConnections`, requests go through a connection pool of their own with
 * that limit, closed when the module is destroyed.
 */
@Injectable()
export class IntrospectionTokenVerifier implements OnModuleDestroy {
  private readonly connectionPool: Agent | undefined;

  constructor(
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(CircuitBreakerService) private readonly breakers: CircuitBreakerService,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WsAuthRecorder) private readonly recorder: WsAuthRecorder,
  ) {
    const maxConnections = options.introspection?.maxConnections ?? null;
    this.connectionPool = maxConnections === null ? undefined : new Agent({ connections: maxConnections });
  }

  /** Closes the connection pool, once the requests in progress have completed or timed out. */
  async onModuleDestroy(): Promise<void> {
    await this.connectionPool?.close();
  }

  /** Tells whether an introspection endpoint is configured. */
  get enabled(): boolean {
    return this.options.introspection !== null;
  }

  /**
   * Returns the verdict of the introspection endpoint for `token`.
   *
   * @throws AuthUnavailableError when the endpoint fails, or when its breaker is open.
   */
  async verify(token: string): Promise<TokenVerdict> {
    const startedMs = monotonicMs(this.clock);
    try {
      return await this.breakers.get(INTROSPECTION_BREAKER).execute(() => this.introspect(token));
    } finally {
      // Failed calls are timed too, so that a provider slow enough to time out shows in the latency.
      this.recorder.recordVerification('introspection', secondsSince(this.clock, startedMs));
    }
  }

  private async introspect(token: string): Promise<TokenVerdict> {
    const settings = this.options.introspection;
    if (settings === null) {
      return rejected(WsAuthErrorCode.TOKEN_MALFORMED);
    }

    const body = await fetchJson({
      url: settings.url,
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: settings.authorization,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      timeoutMs: this.options.remoteTimeoutMs,
      dispatcher: this.connectionPool,
    });

    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AuthUnavailableError('invalid_body', 'The introspection endpoint sent a body that is not a JSON object.');
    }

    const { active } = body as { active?: unknown };
    if (typeof active !== 'boolean') {
      throw new AuthUnavailableError('invalid_body', 'The introspection response has no boolean "active" member.');
    }
    if (!active) {
      return rejected(WsAuthErrorCode.TOKEN_INVALID);
    }

    return claimsToVerdict(body as Record<string, unknown>, this.options);
  }
}
