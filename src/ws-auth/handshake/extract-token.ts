import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';

/** The parts of a Socket.IO handshake that can carry a token. */
export interface HandshakeTokenSources {
  auth: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

/** Token sources and limits, from the resolved module options. */
export interface TokenExtractionPolicy {
  allowQueryToken: boolean;
  queryTokenParameter: string;
  maxTokenBytes: number;
}

/** A token found in a handshake, or the code of why none could be used. */
export type ExtractedToken =
  | { readonly ok: true; readonly token: string; readonly source: 'auth' | 'header' | 'query' }
  | {
      readonly ok: false;
      readonly code: WsAuthErrorCode;
      /** Message for the client when the code's standard message would hide the cause. */
      readonly message?: string;
    };

const BEARER_PREFIX = /^Bearer +/i;

/**
 * Finds the token of a handshake, in this order: `auth.token`, then an `Authorization: Bearer`
 * header, then (only when enabled) the query string.
 *
 * A source that is present decides: an `auth.token` that is not a string is `TOKEN_MALFORMED`
 * rather than a reason to look further. The size limit is applied here, before any decoding.
 */
export function extractHandshakeToken(
  handshake: HandshakeTokenSources,
  policy: TokenExtractionPolicy,
): ExtractedToken {
  const authToken = handshake.auth?.token;
  if (authToken !== undefined && authToken !== null) {
    if (typeof authToken !== 'string') {
      return { ok: false, code: WsAuthErrorCode.TOKEN_MALFORMED };
    }
    return checkToken(authToken.replace(BEARER_PREFIX, ''), 'auth', policy);
  }

  const authorization = handshake.headers?.authorization;
  if (typeof authorization === 'string' && BEARER_PREFIX.test(authorization)) {
    return checkToken(authorization.replace(BEARER_PREFIX, ''), 'header', policy);
  }

  if (policy.allowQueryToken) {
    const queryToken = handshake.query?.[policy.queryTokenParameter];
    if (queryToken !== undefined) {
      if (typeof queryToken !== 'string') {
        return { ok: false, code: WsAuthErrorCode.TOKEN_MALFORMED };
      }
      return checkToken(queryToken, 'query', policy);
    }
  }

  return { ok: false, code: WsAuthErrorCode.TOKEN_MISSING };
}

/**
 * Applies the checks every token source shares: present, within the size limit in UTF-8 bytes.
 * One UTF-16 unit takes at most 3 UTF-8 bytes, so the bytes are counted only for a token whose
 * length could put it over the limit.
 */
export function checkToken(
  token: string,
  source: 'auth' | 'header' | 'query',
  policy: Pick<TokenExtractionPolicy, 'maxTokenBytes'>,
): ExtractedToken {
  const trimmed = token.trim();
  if (trimmed.length === 0) {
    return { ok: false, code: WsAuthErrorCode.TOKEN_MISSING };
  }
  const couldExceed = trimmed.length * 3 > policy.maxTokenBytes;
  if (trimmed.length > policy.maxTokenBytes || (couldExceed && Buffer.byteLength(trimmed, 'utf8') > policy.maxTokenBytes)) {
    return {
      ok: false,
      code: WsAuthErrorCode.TOKEN_MALFORMED,
      message: `Authentication token is larger than the limit of ${policy.maxTokenBytes} bytes.`,
    };
  }
  return { ok: true, token: trimmed, source };
}
