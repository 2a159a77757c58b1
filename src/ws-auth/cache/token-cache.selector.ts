import type { WsPrincipal } from '../verification/ws-principal.js';

/** Accepted verdicts whose principal has this token id (`jti` claim). */
export interface JtiSelector {
  readonly jti: string;
}

/**
 * Accepted verdicts whose principal has this subject (`sub` claim), optionally only those
 * issued before a moment.
 */
export interface SubjectSelector {
  readonly sub: string;
  /**
   * Time in milliseconds since the epoch. When set, only tokens whose `iat` lies before it
   * match, plus tokens without `iat`, whose issue time is unknown.
   */
  readonly issuedBefore?: number;
}

/** Cached verdicts selected by their principal. Rejected verdicts have none and never match. */
export type PrincipalSelector = JtiSelector | SubjectSelector;

/** Cached verdicts to invalidate: one token, or every verdict whose principal matches. */
export type TokenCacheSelector = { readonly token: string } | PrincipalSelector;

/**
 * Tells whether `principal` matches `selector`.
 *
 * A token without `iat` matches a `sub` selector with `issuedBefore`, because removing an entry
 * only costs one more verification, while keeping it could serve a revoked token.
 */
export function matchesPrincipal(principal: WsPrincipal, selector: PrincipalSelector): boolean {
  if ('jti' in selector) {
    return principal.jti === selector.jti;
  }

  if (principal.sub !== selector.sub) {
    return false;
  }

  return (
    selector.issuedBefore === undefined ||
    principal.issuedAt === undefined ||
    principal.issuedAt < selector.issuedBefore
  );
}

const SELECTOR_SHAPES = '{ token }, { jti } or { sub, issuedBefore? }';

/**
 * Checks that `selector` has exactly one of the shapes of {@link TokenCacheSelector}, with
 * non-empty strings and, when present, a finite `issuedBefore`.
 *
 * @throws TypeError naming the field that is wrong.
 */
export function validateSelector(selector: unknown): asserts selector is TokenCacheSelector {
  if (typeof selector !== 'object' || selector === null) {
    throw new TypeError(`The cache selector must be an object of the form ${SELECTOR_SHAPES}.`);
  }

  const fields = Object.keys(selector);
  const keys = fields.filter((field) => field === 'token' || field === 'jti' || field === 'sub');
  const [key] = keys;
  if (key === undefined || keys.length !== 1) {
    throw new TypeError(
      `The cache selector must have exactly one of token, jti or sub; received ${formatFields(fields)}.`,
    );
  }

  const unknownFields = fields.filter((field) => field !== key && !(key === 'sub' && field === 'issuedBefore'));
  if (unknownFields.length > 0) {
    throw new TypeError(
      `The cache selector has unexpected fields ${formatFields(unknownFields)}. The allowed forms are ${SELECTOR_SHAPES}.`,
    );
  }

  const value = (selector as Record<string, unknown>)[key];
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`The cache selector's ${key} must be a non-empty string.`);
  }

  const issuedBefore = (selector as Record<string, unknown>)['issuedBefore'];
  if (issuedBefore !== undefined && (typeof issuedBefore !== 'number' || !Number.isFinite(issuedBefore))) {
    throw new TypeError(
      "The cache selector's issuedBefore must be a finite time in milliseconds since the epoch.",
    );
  }
}

function formatFields(fields: readonly string[]): string {
  return fields.length === 0 ? 'no field' : fields.join(', ');
}
