/** Revokes the token with this id (`jti` claim). */
export interface JtiRevocation {
  readonly jti: string;
}

/** Revokes the tokens of this subject (`sub` claim) issued before a moment. */
export interface SubjectRevocation {
  readonly sub: string;
  /**
   * Time in milliseconds since the epoch. Tokens whose `iat` lies before it are revoked, and so
   * are tokens without `iat`, whose issue time is unknown. Tokens issued later stay valid, so a
   * user can sign in again.
   * @default the clock's now at the time of the call
   */
  readonly issuedBefore?: number;
}

/** A revocation as `WsAuthService.revoke` accepts it. */
export type RevocationRequest = JtiRevocation | SubjectRevocation;

/** A validated revocation, with `issuedBefore` filled in. */
export type ResolvedRevocation = JtiRevocation | Required<SubjectRevocation>;

const REVOCATION_SHAPES = '{ jti } or { sub, issuedBefore? }';

/**
 * Checks that `request` is a {@link RevocationRequest} and fills in `issuedBefore` with `nowMs`.
 *
 * @throws TypeError naming the field that is missing, unexpected or of the wrong type.
 */
export function resolveRevocationRequest(request: unknown, nowMs: number): ResolvedRevocation {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new TypeError(`A revocation must be an object of the form ${REVOCATION_SHAPES}.`);
  }

  const fields = Object.keys(request);
  const keys = fields.filter((field) => field === 'jti' || field === 'sub');
  const [key] = keys;
  if (key === undefined || keys.length !== 1) {
    throw new TypeError(
      `A revocation must have exactly one of jti or sub; received ${fields.length === 0 ? 'no field' : fields.join(', ')}.`,
    );
  }

  const unexpected = fields.filter((field) => field !== key && !(key === 'sub' && field === 'issuedBefore'));
  if (unexpected.length > 0) {
    throw new TypeError(`A revocation has unexpected fields ${unexpected.join(', ')}. The allowed forms are ${REVOCATION_SHAPES}.`);
  }

  const fieldsByName = request as Record<string, unknown>;
  const value = fieldsByName[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`A revocation's ${key} must be a non-empty string.`);
  }
  if (key === 'jti') {
    return { jti: value };
  }

  const issuedBefore = fieldsByName['issuedBefore'] ?? nowMs;
  if (typeof issuedBefore !== 'number' || !Number.isFinite(issuedBefore) || issuedBefore < 0) {
    throw new TypeError("A revocation's issuedBefore must be a time in milliseconds since the epoch, a finite number from 0.");
  }
  return { sub: value, issuedBefore };
}
