import { Inject, Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { RevocationList } from '../revocation/revocation-list.js';
import type { WsPrincipal } from '../verification/ws-principal.js';

/** The part of a session persisted by Socket.IO's connection state recovery that is read here. */
interface PersistedSession {
  readonly data?: unknown;
}

/** The part of a namespace adapter that restores sessions. */
interface SessionRestoringAdapter {
  restoreSession?: (pid: string, offset: string) => Promise<PersistedSession | null>;
}

/**
 * Keeps Socket.IO's connection state recovery from restoring the session of a token that expired
 * or was revoked while its client was away.
 *
 * Socket.IO restores a session before namespace middlewares run: it rejoins the session's rooms
 * and writes the packets the client missed to the connection at once. The handshake check that
 * follows can reject the socket, but not take back those packets. So the adapter's
 * `restoreSession` is wrapped, and a session whose principal is no longer valid is not restored:
 * the client gets a new socket, without rooms or missed packets, and its handshake is checked
 * like any other.
 */
@Injectable()
export class RecoveredSessions {
  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(RevocationList) private readonly revocations: RevocationList,
  ) {}

  /** Wraps the session restore of `namespace`'s adapter; an adapter without one is left alone. */
  protect(namespace: Namespace): void {
    const adapter = namespace.adapter as unknown as SessionRestoringAdapter;
    const restore = adapter.restoreSession?.bind(adapter);
    if (restore === undefined) {
      return;
    }

    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      return session !== null && this.isStillValid(session) ? session : null;
    };
  }

  /** Tells whether the principal that `session` carries has neither expired nor been revoked. */
  isStillValid(session: PersistedSession): boolean {
    const principal = (session.data as { user?: WsPrincipal } | undefined)?.user;
    if (principal === undefined) {
      return false;
    }

    const expired = principal.expiresAt !== null && this.clock.now() >= principal.expiresAt + this.options.clockToleranceMs;
    return !expired && !this.revocations.isRevoked(principal);
  }
}
