import { randomBytes } from 'node:crypto';

import { type JwtAlgorithm, validateWsAuthOptions, type WsAuthModuleOptions } from '../ws-auth/index.js';

/** Configuration of the demo chat server, read from environment variables. */
export interface DemoConfig {
  /** TCP port of the HTTP and Socket.IO server; 0 picks a free port. */
  port: number;
  /** Interface address to listen on. */
  host: string;
  /** Options handed to `WsAuthModule`. */
  wsAuth: WsAuthModuleOptions;
  /** True when the HS secret was generated at start because `WS_AUTH_JWT_SECRET` was not set. */
  generatedSecret: boolean;
}

/** Thrown when an environment variable contains a value the server cannot start with. */
export class DemoConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoConfigError';
  }
}

/** Shortest secret accepted, in bytes; the module enforces the same limit. */
const MIN_SECRET_BYTES = 32;

/**
 * Reads the demo's configuration from `env`.
 *
 * Without `WS_AUTH_JWT_SECRET`, a random development secret is generated, except when
 * `NODE_ENV=production`, where the server refuses to start.
 */
export function readDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const { secret, generatedSecret } = readSecret(env);

  const resetTimeoutMs = readNumber(env, 'WS_AUTH_BREAKER_RESET_MS');
  const wsAuth: WsAuthModuleOptions = {
    secret,
    algorithms: readList(env, 'WS_AUTH_ALGORITHMS') as JwtAlgorithm[] | undefined,
    issuer: readList(env, 'WS_AUTH_ISSUER'),
    audience: readList(env, 'WS_AUTH_AUDIENCE'),
    clockToleranceSec: readNumber(env, 'WS_AUTH_CLOCK_TOLERANCE_SEC'),
    jwksUri: readText(env, 'WS_AUTH_JWKS_URL'),
    introspection: readIntrospection(env),
    remoteTimeoutMs: readNumber(env, 'WS_AUTH_REMOTE_TIMEOUT_MS'),
    breaker: resetTimeoutMs === undefined ? undefined : { resetTimeoutMs },
  };

  checkModuleOptions(withoutUndefined(wsAuth));

  return {
    port: readPort(env),
    host: env.HOST?.trim() || '127.0.0.1',
    wsAuth: withoutUndefined(wsAuth),
    generatedSecret,
  };
}

/** Environment variable behind each module option the demo sets, longest option path first. */
const VARIABLE_BY_OPTION: readonly (readonly [string, string])[] = [
  ['introspection.maxConnections', 'WS_AUTH_INTROSPECTION_MAX_CONNECTIONS'],
  ['introspection.clientSecret', 'WS_AUTH_INTROSPECTION_CLIENT_SECRET'],
  ['introspection.clientId', 'WS_AUTH_INTROSPECTION_CLIENT_ID'],
  ['introspection.url', 'WS_AUTH_INTROSPECTION_URL'],
  ['breaker.resetTimeoutMs', 'WS_AUTH_BREAKER_RESET_MS'],
  ['clockToleranceSec', 'WS_AUTH_CLOCK_TOLERANCE_SEC'],
  ['remoteTimeoutMs', 'WS_AUTH_REMOTE_TIMEOUT_MS'],
  ['algorithms', 'WS_AUTH_ALGORITHMS'],
  ['audience', 'WS_AUTH_AUDIENCE'],
  ['jwksUri', 'WS_AUTH_JWKS_URL'],
  ['issuer', 'WS_AUTH_ISSUER'],
  ['secret', 'WS_AUTH_JWT_SECRET'],
];

/**
 * Validates the module options before the application is created, so that a bad variable
 * stops the start with one line that names it rather than with the module's stack trace.
 */
function checkModuleOptions(options: WsAuthModuleOptions): void {
  try {
    validateWsAuthOptions(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const variable = VARIABLE_BY_OPTION.find(([option]) => message.startsWith(option))?.[1];
    throw new DemoConfigError(variable === undefined ? message : `Check ${variable}: ${message}`);
  }
}

function readSecret(env: NodeJS.ProcessEnv): { secret: string; generatedSecret: boolean } {
  const secret = env.WS_AUTH_JWT_SECRET;

  if (secret === undefined) {
    if (env.NODE_ENV === 'production') {
      throw new DemoConfigError(
        'WS_AUTH_JWT_SECRET is not set; in production the server does not generate one. Set it to a secret of at least 32 bytes.',
      );
    }
    return { secret: randomBytes(MIN_SECRET_BYTES).toString('base64url'), generatedSecret: true };
  }

  const length = Buffer.byteLength(secret, 'utf8');
  if (length < MIN_SECRET_BYTES) {
    throw new DemoConfigError(
      `WS_AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long; it is ${length} bytes. Generate one with: openssl rand -base64 48`,
    );
  }
  return { secret, generatedSecret: false };
}

function readText(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function readIntrospection(env: NodeJS.ProcessEnv): WsAuthModuleOptions['introspection'] {
  const url = readText(env, 'WS_AUTH_INTROSPECTION_URL');
  if (url === undefined) {
    const orphan = [
      'WS_AUTH_INTROSPECTION_CLIENT_ID',
      'WS_AUTH_INTROSPECTION_CLIENT_SECRET',
      'WS_AUTH_INTROSPECTION_MAX_CONNECTIONS',
    ].find((name) => env[name] !== undefined);
    if (orphan !== undefined) {
      throw new DemoConfigError(`${orphan} is set, but WS_AUTH_INTROSPECTION_URL is not; set the URL or remove ${orphan}.`);
    }
    return undefined;
  }

  const clientId = readText(env, 'WS_AUTH_INTROSPECTION_CLIENT_ID');
  const clientSecret = env.WS_AUTH_INTROSPECTION_CLIENT_SECRET;
  if (clientId === undefined || clientSecret === undefined || clientSecret === '') {
    throw new DemoConfigError(
      'WS_AUTH_INTROSPECTION_URL is set, so WS_AUTH_INTROSPECTION_CLIENT_ID and WS_AUTH_INTROSPECTION_CLIENT_SECRET must be set too.',
    );
  }

  const maxConnections = readNumber(env, 'WS_AUTH_INTROSPECTION_MAX_CONNECTIONS');
  return maxConnections === undefined ? { url, clientId, clientSecret } : { url, clientId, clientSecret, maxConnections };
}

function readList(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A decimal number as people write it in configuration: no hexadecimal, exponent or `Infinity`. */
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Reads a numeric variable written in decimal. Any other value is passed on as it is, so the
 * module's validation rejects it with the option's allowed range, and `checkModuleOptions` names
 * the variable.
 */
function readNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return undefined;
  }
  return DECIMAL_NUMBER.test(raw) ? Number(raw) : (raw as unknown as number);
}

function readPort(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT?.trim();
  const port = raw === undefined || raw === '' ? 3000 : DECIMAL_NUMBER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new DemoConfigError(`PORT must be an integer from 0 to 65535; received ${JSON.stringify(env.PORT)}.`);
  }
  return port;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
