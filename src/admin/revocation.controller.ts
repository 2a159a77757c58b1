import { Body, Controller, HttpCode, Inject, Logger, Post, Req, UseGuards } from '@nestjs/common';

import { fingerprint, WsAuthService } from '../ws-auth/index.js';
import { AdminTokenGuard, type AdminRequest } from './admin-token.guard.js';
import { parseRevocationBody } from './revocation.payload.js';

/** Response of `POST /auth/revoke`. */
export interface RevocationResponse {
  /** Live sockets that received `auth:revoked` and were disconnected. */
  disconnectedSockets: number;
  /** Cached verdicts removed. */
  removedCacheEntries: number;
  /** Time until which the server keeps the revocation, ISO 8601. */
  keptUntil: string;
  /** Whether the revocation was sent to the other servers of the cluster. */
  broadcast: boolean;
}

/** Revokes tokens on behalf of an administrator, who authenticates with a bearer token. */
@Controller('auth')
@UseGuards(AdminTokenGuard)
export class RevocationController {
  private readonly logger = new Logger(RevocationController.name);

  constructor(@Inject(WsAuthService) private readonly wsAuth: WsAuthService) {}

  /** `POST /auth/revoke` with `{ jti }` or `{ sub }`: revokes matching tokens and disconnects their sockets. */
  @Post('revoke')
  @HttpCode(200)
  revoke(@Req() request: AdminRequest, @Body() body: unknown): RevocationResponse {
    const revocation = parseRevocationBody(body);
    const admin = request.admin?.sub === undefined ? 'unknown' : fingerprint(request.admin.sub);
    this.logger.log(`Admin ${admin} requested a revocation by ${'jti' in revocation ? 'jti' : 'sub'}.`);

    const result = this.wsAuth.revoke(revocation);
    return {
      disconnectedSockets: result.disconnectedSockets,
      removedCacheEntries: result.removedCacheEntries,
      keptUntil: new Date(result.keptUntil).toISOString(),
      broadcast: result.broadcast,
    };
  }
}
