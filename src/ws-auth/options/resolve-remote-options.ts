import { describeReceived, requireInteger, requireNonEmptyString, requireOptionalObject } from './option-checks.js';

/** Resolved JWKS settings. */
export interface ResolvedJwksOptions {
  readonly uri: string;
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
}

/** Resolved introspection settings, with the `Authorization` header prepared once. */
export interface ResolvedIntrospectionOptions {
  readonly url: string;
  readonly clientId: string;
  /** `Basic` credentials built from the client id and secret (RFC 6749, section 2.3.1). */
  readonly authorization: string;
  /** Maximum number of connections open to the endpoint at once, or `null` for no limit. */
  readonly maxConnections: number | null;
}

/** Maximum duration accepted for the remote verification options: one day. */
const MAX_DURATION_MS = 86_400_000;

/** Maximum remote call timeout accepted: one minute. */
const MAX_REMOTE_TIMEOUT_MS = 60_000;

/** Largest `introspection.maxConnections` accepted. */
const MAX_INTROSPECTION_CONNECTIONS = 10_000;

/** Resolves `jwksUri` and `jwks`, or returns `null` when no JWKS is configured. */
export function resolveJwksOptions(uri: unknown, options: unknown): ResolvedJwksOptions | null {
  const source = requireOptionalObject('jwks', options);
  if (uri === undefined) {
    if (source !== undefined) {
      throw new TypeError('jwks is set, but jwksUri is not; set jwksUri to the JWKS endpoint.');
    }
    return null;
  }

  rejectUnknownKeys('jwks', source, ['maxAgeMs', 'cooldownMs']);
  return {
    uri: requireHttpUrl('jwksUri', uri),
    maxAgeMs: source?.maxAgeMs === undefined ? 600_000 : requireInteger('jwks.maxAgeMs', source.maxAgeMs, 1000, MAX_DURATION_MS, ' ms'),
    cooldownMs:
      source?.cooldownMs === undefined ? 30_000 : requireInteger('jwks.cooldownMs', source.cooldownMs, 0, MAX_DURATION_MS, ' ms'),
  };
}

/** Resolves `introspection`, or returns `null` when it is not configured. */
export function resolveIntrospectionOptions(options: unknown): ResolvedIntrospectionOptions | null {
  const source = requireOptionalObject('introspection', options);
  if (source === undefined) {
    return null;
  }

  rejectUnknownKeys('introspection', source, ['url', 'clientId', 'clientSecret', 'maxConnections']);
  const url = requireHttpUrl('introspection.url', source.url);
  const clientId = requireNonEmptyString('introspection.clientId', source.clientId);
  if (typeof source.clientSecret !== 'string' || source.clientSecret.length === 0) {
    throw new TypeError('introspection.clientSecret must be a non-empty string.');
  }

  const maxConnections =
    source.maxConnections === undefined
      ? null
      : requireInteger('introspection.maxConnections', source.maxConnections, 1, MAX_INTROSPECTION_CONNECTIONS, '');

  const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(source.clientSecret)}`;
  return { url, clientId, authorization: `Basic ${Buffer.from(credentials).toString('base64')}`, maxConnections };
}

/** Resolves `remoteTimeoutMs`. */
export function resolveRemoteTimeoutMs(value: unknown): number {
  return value === undefined ? 2000 : requireInteger('remoteTimeoutMs', value, 1, MAX_REMOTE_TIMEOUT_MS, ' ms');
}

function requireHttpUrl(path: string, value: unknown): string {
  const text = requireNonEmptyString(path, value);

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${path} must be an absolute http: or https: URL; received ${describeReceived(text)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${path} must be an absolute http: or https: URL; received ${describeReceived(text)}.`);
  }
  if (url.username !== '' || url.password !== '') {
    // A URL's credentials would reach the options log line, so they are refused in any case.
    const instead =
      path === 'introspection.url'
        ? 'pass them as introspection.clientId and introspection.clientSecret instead'
        : 'the endpoint is fetched without authentication';
    throw new TypeError(`${path} must not contain credentials; ${instead}.`);
  }
  return url.toString();
}

function rejectUnknownKeys(path: string, source: Record<string, unknown> | undefined, known: readonly string[]): void {
  for (const key of Object.keys(source ?? {})) {
    if (!known.includes(key)) {
      throw new TypeError(`${path} received an unknown option ${JSON.stringify(key)}; known options: ${known.join(', ')}.`);
    }
  }
}
