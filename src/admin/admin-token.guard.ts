import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';

import {
  CircuitBreakerService,
  type Clock,
  isWsAuthException,
  TokenAuthenticator,
  WS_AUTH_CLOCK,
  WS_AUTH_ERROR_MESSAGES,
  WsAuthErrorCode,
  type WsPrincipal,
} from '../ws-auth/index.js';

/** Scope that a bearer token needs to call the admin endpoints. */
export const ADMIN_SCOPE = 'ws-auth:admin';

/** The parts of an HTTP request that the guard reads, and where it leaves the admin's principal. */
export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
  admin?: WsPrincipal;
}

interface HeaderWriter {
  setHeader(name: string, value: string): void;
}

const BEARER = /^Bearer +(\S+)\s*$/i;

/**
 * Admits an HTTP request whose `Authorization: Bearer` token is valid, not revoked and carries
 * the scope `ws-auth:admin`. The token is verified by the module's `TokenAuthenticator`, which
 * also verifies the tokens of Socket.IO handshakes and refreshes.
 *
 * A missing or invalid token gets 401 and a `WWW-Authenticate` header as in RFC 6750, a token
 * without the scope gets 403, and an unreachable identity provider gets 503. While a circuit
 * breaker is open, the 503 carries a `Retry-After` header with the seconds until it admits a
 * probe call.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(TokenAuthenticator) private readonly tokens: TokenAuthenticator,
    @Inject(CircuitBreakerService) private readonly breakers: CircuitBreakerService,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AdminRequest>();
    const response = http.getResponse<HeaderWriter>();

    const authorization = request.headers.authorization;
    const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
    if (token === undefined) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw unauthorized(WsAuthErrorCode.TOKEN_MISSING, 'Send an admin token as Authorization: Bearer <token>.');
    }

    const principal = await this.authenticate(token, response);
    if (!principal.scopes.includes(ADMIN_SCOPE)) {
      response.setHeader('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${ADMIN_SCOPE}"`);
      throw new ForbiddenException({
        statusCode: 403,
        code: WsAuthErrorCode.FORBIDDEN,
        message: `The token lacks the scope ${ADMIN_SCOPE}.`,
      });
    }

    request.admin = principal;
    return true;
  }

  private async authenticate(token: string, response: HeaderWriter): Promise<WsPrincipal> {
    try {
      return await this.tokens.authenticate(token);
    } catch (error) {
      if (!isWsAuthException(error)) {
        throw error;
      }
      if (error.code === WsAuthErrorCode.AUTH_UNAVAILABLE) {
        const retryAfterSec = this.secondsUntilProbe();
        if (retryAfterSec !== null) {
          response.setHeader('Retry-After', String(retryAfterSec));
        }
        throw new ServiceUnavailableException({ statusCode: 503, code: error.code, message: error.message });
      }
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw unauthorized(error.code, error.message);
    }
  }

  /**
   * Returns the whole seconds, at least 1, until the last open circuit breaker admits a probe
   * call, or `null` when no breaker is waiting for one. The failed request may have gone through
   * any of them, so the wait covers them all.
   */
  private secondsUntilProbe(): number | null {
    const probeTimes = this.breakers
      .snapshot()
      .map((snapshot) => snapshot.probeAt)
      .filter((probeAt): probeAt is number => probeAt !== null);
    if (probeTimes.length === 0) {
      return null;
    }

    const waitMs = Math.max(...probeTimes) - this.clock.now();
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
}

function unauthorized(code: WsAuthErrorCode, message: string = WS_AUTH_ERROR_MESSAGES[code]): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, code, message });
}
