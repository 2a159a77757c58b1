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
  alg: string;
  kid?: string;
}

/**
 * Decodes the JOSE header of a token already known to look like a JWT.
 * Returns `null` when the header is not base64url JSON with a string `alg`.
 */
export function decodeJwtHeader(token: string): JwtHeader | null {
  const header = decodeJsonObject(token.slice(0, token.indexOf('.')));
  if (header === null) {
    return null;
  }

  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (typeof alg !== 'string') {
    return null;
  }
  return typeof kid === 'string' ? { alg, kid } : { alg };
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
