import type { TokenVerdict } from './token-verdict.js';

/**
 * Checks a token's signature and claims and returns a verdict; the time window is applied later.
 *
 * This abstract class is also the injection token, so an application can provide its own
 * verifier with `{ provide: TokenVerifier, useClass: MyVerifier }`. A verifier returns a
 * rejected verdict for a token that is invalid, and throws `AuthUnavailableError` when it
 * cannot decide because a dependency failed.
 */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<TokenVerdict>;
}
