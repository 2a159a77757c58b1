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
  isWsAuthException,
  TokenAuthenticator,
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
 * without the scope gets 403, and an unreachable identity provider gets 503.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(TokenAuthenticator) private readonly tokens: TokenAuthenticator) {}

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
        throw new ServiceUnavailableException({ statusCode: 503, code: error.code, message: error.message });
      }
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw unauthorized(error.code, error.message);
    }
  }
}

function unauthorized(code: WsAuthErrorCode, message: string = WS_AUTH_ERROR_MESSAGES[code]): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, code, message });
}
