import { JwtService } from '@nestjs/jwt';

import {
  AuthUnavailableError,
  type CircuitBreaker,
  type TokenVerdict,
  TokenVerifier,
  WsAuthErrorCode,
} from '../../src/ws-auth/index.js';
import { TEST_SECRET } from './tokens.js';

/** How the {@link InMemoryIdentityProvider} behaves: it verifies tokens, fails with a 503, or never responds. */
export type ProviderMode = 'up' | 'down' | 'hang';

/**
 * In-process stand-in for a remote identity provider, driven by the test. It verifies tokens signed
 * with the test secret while `up`, throws `AuthUnavailableError` while `down`, and keeps every call
 * pending while `hang`, until {@link releaseHanging}.
 */
export class InMemoryIdentityProvider {
  mode: ProviderMode = 'up';
  calls = 0;
  private readonly jwt = new JwtService();
  private readonly hanging: ((error: Error) => void)[] = [];
  private readonly pendingWaiters: { count: number; resolve: () => void }[] = [];

  verify(token: string): Promise<TokenVerdict> {
    this.calls += 1;

    if (this.mode === 'down') {
      // The message contains the token on purpose: logs must never show a verifier's message.
      return Promise.reject(new AuthUnavailableError('http_503', `The provider answered 503 for token ${token}.`));
    }
    if (this.mode === 'hang') {
      return new Promise<TokenVerdict>((_resolve, reject) => {
        this.hanging.push(reject);
        this.notifyPending();
      });
    }
    return Promise.resolve(this.verdictOf(token));
  }

  /** Resolves once `count` calls are pending in `hang` mode. */
  whenPending(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.pendingWaiters.push({ count, resolve });
      this.notifyPending();
    });
  }

  /** Fails every pending call with a timeout, as a client-side timeout would. */
  releaseHanging(): void {
    for (const reject of this.hanging.splice(0)) {
      reject(new AuthUnavailableError('timeout', 'The provider did not answer in time.'));
    }
  }

  private notifyPending(): void {
    for (const waiter of [...this.pendingWaiters]) {
      if (this.hanging.length >= waiter.count) {
        this.pendingWaiters.splice(this.pendingWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private verdictOf(token: string): TokenVerdict {
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify<Record<string, unknown>>(token, { secret: TEST_SECRET, ignoreExpiration: true });
    } catch {
      return { accepted: false, code: WsAuthErrorCode.TOKEN_INVALID };
    }

    const sub = String(claims.sub);
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    return { accepted: true, principal: { sub, scopes, expiresAt, claims }, expiresAt, notBefore: null };
  }
}

/** Verifier that calls the {@link InMemoryIdentityProvider} through a circuit breaker, as a remote verifier does. */
export class BreakerGuardedVerifier extends TokenVerifier {
  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly provider: InMemoryIdentityProvider,
  ) {
    super();
  }

  verify(token: string): Promise<TokenVerdict> {
    return this.breaker.execute(() => this.provider.verify(token));
  }
}
