import type { KeyObject } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import jsonwebtoken, { type Algorithm, type VerifyOptions } from 'jsonwebtoken';

import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import { isSymmetricAlgorithm } from '../options/resolve-key-material.js';
import { claimsToVerdict } from './claims-to-verdict.js';
import { JwksKeyProvider } from '../remote/jwks-key.provider.js';
import { decodeJwtHeader, hasJsonObjectPayload, type JwtHeader, looksLikeJwt } from './token-shape.js';
import { rejected, type RejectedVerdict, type TokenVerdict } from './token-verdict.js';
import { TokenVerifier } from './token-verifier.js';

/** jsonwebtoken messages that mean the token could not even be decoded. */
const MALFORMED_MESSAGES: ReadonlySet<string> = new Set(['jwt malformed', 'invalid token', 'jwt must be a string']);

/**
 * Verifies JWTs with jsonwebtoken and the configured secret, public key or JWKS.
 *
 * It calls jsonwebtoken directly rather than through `@nestjs/jwt`'s `JwtService`, which wraps
 * the same function. Merging JwtService's module options into each call's options cost about
 * 2 µs per verification, against 6 to 9 µs for the whole HS256 verification (measured on a
 * 2-core AMD EPYC machine with Node 20; docs/BENCHMARKS.md has the benchmark).
 *
 * The key is picked by the header's `alg` among the allow-list, so an HS token is only ever
 * checked against the secret and never against a public key's PEM text. Time claims are not
 * checked here: {@link evaluateVerdictAt} applies them, so cached and fresh verdicts agree.
 */
@Injectable()
export class JwtTokenVerifier extends TokenVerifier {
  private readonly algorithms: ReadonlySet<string>;

  constructor(
    @Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions,
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(JwksKeyProvider) private readonly jwks: JwksKeyProvider,
  ) {
    super();
    this.algorithms = new Set(options.algorithms);
  }

  /**
   * Verifies a JWT with the secret, the public key or a key of the JWKS.
   *
   * @throws AuthUnavailableError when the JWKS must be fetched and the fetch fails.
   */
  async verify(token: string): Promise<TokenVerdict> {
    const header = this.readHeader(token);
    if ('accepted' in header) {
      return header;
    }

    if (isSymmetricAlgorithm(header.alg) || this.options.publicKey !== null || !this.jwks.enabled) {
      return this.verifyLocally(token, header);
    }

    const key = await this.jwks.getKey(header);
    return key === null ? rejected(WsAuthErrorCode.TOKEN_INVALID) : this.verifyWithKey(token, header.alg, key);
  }

  /** Verifies synchronously with the secret or the public key; local verification needs no I/O. */
  verifyNow(token: string): TokenVerdict {
    const header = this.readHeader(token);
    return 'accepted' in header ? header : this.verifyLocally(token, header);
  }

  /** Tells whether verifying `token` needs the JWKS, which may mean a network call. */
  usesJwks(token: string): boolean {
    if (!this.jwks.enabled || this.options.publicKey !== null || !looksLikeJwt(token)) {
      return false;
    }
    const header = decodeJwtHeader(token);
    return header !== null && !isSymmetricAlgorithm(header.alg);
  }

  private readHeader(token: string): JwtHeader | RejectedVerdict {
    if (!looksLikeJwt(token)) {
      return rejected(WsAuthErrorCode.TOKEN_MALFORMED);
    }

    const header = decodeJwtHeader(token);
    if (header === null) {
      return rejected(WsAuthErrorCode.TOKEN_MALFORMED);
    }
    if (!this.algorithms.has(header.alg)) {
      return rejected(WsAuthErrorCode.TOKEN_INVALID);
    }
    return header;
  }

  private verifyLocally(token: string, header: JwtHeader): TokenVerdict {
    const key = isSymmetricAlgorithm(header.alg) ? this.options.secretKey : this.options.publicKey;
    if (key === null) {
      return rejected(WsAuthErrorCode.TOKEN_INVALID);
    }
    return this.verifyWithKey(token, header.alg, key);
  }

  private verifyWithKey(token: string, algorithm: string, key: KeyObject): TokenVerdict {
    let claims: unknown;
    try {
      claims = this.verifyJwt(token, key, this.verifyOptions(algorithm));
    } catch (error) {
      return rejected(this.codeForError(token, error));
    }

    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      return rejected(WsAuthErrorCode.TOKEN_MALFORMED);
    }
    return claimsToVerdict(claims as Record<string, unknown>, this.options);
  }

  /**
   * Checks the signature, algorithm, issuer and audience with jsonwebtoken and returns the
   * claims. Throws jsonwebtoken's errors, which {@link verify} maps to codes.
   */
  protected verifyJwt(token: string, key: KeyObject, options: VerifyOptions): unknown {
    return jsonwebtoken.verify(token, key, options);
  }

  private verifyOptions(algorithm: string): VerifyOptions {
    return {
      algorithms: [algorithm as Algorithm],
      issuer: this.options.issuer,
      audience: this.options.audience,
      ignoreExpiration: true,
      ignoreNotBefore: true,
      clockTimestamp: Math.floor(this.clock.now() / 1000),
    };
  }


  /**
   * Maps a jsonwebtoken error to a code. jsonwebtoken checks the signature before it reads the
   * payload, so a payload that is not a JSON object can surface as an issuer or audience failure.
   * Such a token is reported as malformed. The payload is decoded on this failure path only, which
   * keeps successful checks cheap.
   */
  private codeForError(token: string, error: unknown): WsAuthErrorCode {
    const message = error instanceof Error ? error.message : '';
    if (MALFORMED_MESSAGES.has(message) || !hasJsonObjectPayload(token)) {
      return WsAuthErrorCode.TOKEN_MALFORMED;
    }
    return WsAuthErrorCode.TOKEN_INVALID;
  }
}
