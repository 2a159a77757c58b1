import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Namespace } from 'socket.io';

import { describeErrorForLog } from '../logging/redact.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import type { ResolvedRevocation } from './revocation-request.js';

/** Event under which the servers of a Socket.IO cluster send each other revocations. */
export const REVOCATION_BROADCAST_EVENT = 'ws-auth:revocation';

/** Receives a revocation that another server sent. The payload is not validated yet. */
export type RemoteRevocationListener = (payload: unknown) => void;

/**
 * Carries revocations between the servers of a Socket.IO cluster when `broadcastRevocations` is
 * on, with `serverSideEmit` on the namespaces that the module protects.
 *
 * Every server protects the same namespaces in the same order, so a revocation is sent on the
 * first one only and received there by every other server. Socket.IO's adapters carry such
 * server-to-server events, which is why no other channel (and no other dependency) is needed.
 */
@Injectable()
export class RevocationBroadcaster implements OnApplicationBootstrap {
  private readonly logger = new Logger('WsAuth');
  private readonly namespaces: Namespace[] = [];
  private listener: RemoteRevocationListener | null = null;

  constructor(@Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions) {}

  /** Listens on `namespace` for revocations from other servers; the first namespace also sends them. */
  attach(namespace: Namespace): void {
    if (!this.options.broadcastRevocations) {
      return;
    }

    this.namespaces.push(namespace);
    namespace.on(REVOCATION_BROADCAST_EVENT, (payload: unknown) => this.listener?.(payload));
  }

  /**
   * Fails the start when broadcasting is on but a protected namespace uses an adapter without
   * `serverSideEmit`: Socket.IO's default in-memory adapter only prints a warning and sends
   * nothing, so revocations would silently stay on one server.
   */
  onApplicationBootstrap(): void {
    const unsupported = this.namespaces.find((namespace) => !supportsServerSideEmit(namespace));
    if (unsupported !== undefined) {
      throw new Error(
        `broadcastRevocations is true, but the Socket.IO adapter of namespace ${unsupported.name} cannot send events to ` +
          'other servers (it is the in-memory adapter). Set a cluster adapter such as @socket.io/redis-adapter on the ' +
          'server, or set broadcastRevocations to false.',
      );
    }
  }

  /** Sets the one listener that receives the revocations of other servers. */
  onRemoteRevocation(listener: RemoteRevocationListener): void {
    this.listener = listener;
  }

  /**
   * Sends `revocation` to the other servers. Returns whether it was handed to the adapter: not
   * when broadcasting is off, before a namespace is protected, or when the adapter throws, which
   * is logged.
   */
  send(revocation: ResolvedRevocation): boolean {
    const namespace = this.namespaces[0];
    if (namespace === undefined) {
      return false;
    }

    try {
      namespace.serverSideEmit(REVOCATION_BROADCAST_EVENT, revocation);
      return true;
    } catch (error) {
      this.logger.warn(
        `A revocation could not be sent to the other servers (${describeErrorForLog(error)}); it applies to this server only. ` +
          "Check that the Socket.IO adapter supports serverSideEmit, or revoke on each server.",
      );
      return false;
    }
  }
}

/**
 * Tells whether the adapter of `namespace` overrides `serverSideEmit`. The in-memory adapter of
 * socket.io-adapter, and the session-aware one that extends it, inherit the base class's method,
 * which only warns. Its class is found by name, because socket.io-adapter is a dependency of
 * Socket.IO rather than of this module.
 */
function supportsServerSideEmit(namespace: Namespace): boolean {
  let prototype: unknown = Object.getPrototypeOf(namespace.adapter);
  while (typeof prototype === 'object' && prototype !== null) {
    if (Object.prototype.hasOwnProperty.call(prototype, 'serverSideEmit')) {
      const owner = (prototype as { constructor?: { name?: string } }).constructor?.name;
      return owner !== 'Adapter';
    }
    prototype = Object.getPrototypeOf(prototype);
  }
  return false;
}
