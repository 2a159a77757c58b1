import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Socket } from 'socket.io';

import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { WsAuthException } from '../errors/ws-auth.exception.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { WsAuthRecorder } from '../telemetry/ws-auth.recorder.js';
import { RevocationList } from '../revocation/revocation-list.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { acknowledgeDenial } from './acknowledge-denial.js';
import { WS_AUTH_PUBLIC_KEY, WS_AUTH_SCOPES_KEY } from './ws-auth.decorators.js';

/** Policy of one handler, read once from its metadata. */
interface HandlerPolicy {
  isPublic: boolean;
  requiredScopes: readonly string[];
}

/**
 * Checks every message of a gateway it is applied to with `@UseGuards(WsAuthGuard)`.
 *
 * The module authenticates the handshake of such a gateway before the gateway receives the
 * connection. Each message then reuses the socket's verdict without verifying the signature
 * again: the token must not have expired or been revoked since, and `@WsScopes()` must be
 * satisfied.
 * A denied message gets the `exception` event and, if the client sent one, its acknowledgement
 * receives `{ ok: false, error: { code, message } }`; the socket stays connected.
 */
@Injectable()
export class WsAuthGuard implements CanActivate {
  /** Policies by gateway class, then by handler: an inherited handler serves several classes. */
  private readonly policies = new WeakMap<object, WeakMap<object, HandlerPolicy>>();

  constructor(
    @Inject(Reflector) protected readonly reflector: Reflector,
    @Inject(WS_AUTH_CLOCK) protected readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) protected readonly options: ResolvedWsAuthOptions,
    @Inject(WsAuthRecorder) protected readonly recorder: WsAuthRecorder,
    // Optional so that subclasses written for the three-argument constructor still compile. Without
    // it, messages are not checked for revocation, but revoked sockets are still disconnected.
    @Inject(RevocationList) protected readonly revocations?: RevocationList,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'ws') {
      throw new TypeError(`WsAuthGuard protects WebSocket gateways only; it was applied to a ${context.getType()} handler.`);
    }

    const policy = this.policyFor(context);
    if (policy.isPublic) {
      return true;
    }

    const principal = this.getPrincipal(context.switchToWs().getClient<Socket>());
    if (principal === undefined) {
      return this.deny(context, WsAuthErrorCode.TOKEN_MISSING);
    }

    if (principal.expiresAt !== null && this.clock.now() >= principal.expiresAt + this.options.clockToleranceMs) {
      return this.deny(context, WsAuthErrorCode.TOKEN_EXPIRED);
    }

    if (this.revocations?.isRevoked(principal) === true) {
      return this.deny(context, WsAuthErrorCode.TOKEN_REVOKED);
    }

    for (const scope of policy.requiredScopes) {
      if (!principal.scopes.includes(scope)) {
        return this.deny(context, WsAuthErrorCode.FORBIDDEN);
      }
    }

    this.recorder.recordAttempt('message', 'ok');
    return true;
  }

  /** Returns the principal that the handshake stored on the socket. Override to read it elsewhere. */
  protected getPrincipal(client: Socket): WsPrincipal | undefined {
    return (client.data as { user?: WsPrincipal } | undefined)?.user;
  }

  /**
   * Denies the message: records the denial, calls the client's acknowledgement with it, then
   * throws the exception that Nest's WebSocket exception filter turns into the `exception` event.
   */
  protected deny(context: ExecutionContext, code: WsAuthErrorCode): never {
    this.recorder.recordAttempt('message', code);
    const exception = new WsAuthException(code);
    acknowledgeDenial(context, exception);
    throw exception;
  }

  private policyFor(context: ExecutionContext): HandlerPolicy {
    const handler = context.getHandler();
    const gatewayClass = context.getClass();

    let policiesOfClass = this.policies.get(gatewayClass);
    if (policiesOfClass === undefined) {
      policiesOfClass = new WeakMap();
      this.policies.set(gatewayClass, policiesOfClass);
    }

    let policy = policiesOfClass.get(handler);
    if (policy === undefined) {
      const targets = [handler, gatewayClass];
      policy = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(WS_AUTH_PUBLIC_KEY, targets) === true,
        requiredScopes: [...new Set(this.reflector.getAllAndMerge<string[]>(WS_AUTH_SCOPES_KEY, targets))],
      };
      policiesOfClass.set(handler, policy);
    }

    return policy;
  }
}
