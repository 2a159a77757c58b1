import { DemoConfigError, readDemoConfig } from './demo-config.js';

const SECRET = 'a-demo-secret-that-is-long-enough-0123456789';

describe('readDemoConfig', () => {
  it('generates a development secret when none is set', () => {
    const config = readDemoConfig({});

    expect(config.generatedSecret).toBe(true);
    expect(String(config.wsAuth.secret).length).toBeGreaterThanOrEqual(32);
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
  });

  it('refuses to start in production without a secret', () => {
    expect(() => readDemoConfig({ NODE_ENV: 'production' })).toThrow(DemoConfigError);
    expect(() => readDemoConfig({ NODE_ENV: 'production' })).toThrow(/WS_AUTH_JWT_SECRET is not set/);
  });

  it.each([
    ['empty', ''],
    ['short', 'too-short'],
  ])('refuses a secret that is %s, naming the variable', (_name, secret) => {
    expect(() => readDemoConfig({ WS_AUTH_JWT_SECRET: secret })).toThrow(/WS_AUTH_JWT_SECRET must be at least 32 bytes long/);
  });

  it('reads every variable', () => {
    const config = readDemoConfig({
      WS_AUTH_JWT_SECRET: SECRET,
      WS_AUTH_ALGORITHMS: 'HS256, HS512',
      WS_AUTH_ISSUER: 'https://issuer.test',
      WS_AUTH_AUDIENCE: 'chat-api,admin-api',
      WS_AUTH_CLOCK_TOLERANCE_SEC: '30',
      PORT: '4000',
      HOST: '0.0.0.0',
    });

    expect(config.generatedSecret).toBe(false);
    expect(config.wsAuth).toEqual({
      secret: SECRET,
      algorithms: ['HS256', 'HS512'],
      issuer: ['https://issuer.test'],
      audience: ['chat-api', 'admin-api'],
      clockToleranceSec: 30,
    });
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
  });

  it('reads the remote verification variables', () => {
    const config = readDemoConfig({
      WS_AUTH_JWT_SECRET: SECRET,
      WS_AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks',
      WS_AUTH_INTROSPECTION_URL: 'http://127.0.0.1:9000/introspect',
      WS_AUTH_INTROSPECTION_CLIENT_ID: 'chat',
      WS_AUTH_INTROSPECTION_CLIENT_SECRET: 'chat-secret',
      WS_AUTH_BREAKER_RESET_MS: '5000',
      WS_AUTH_REMOTE_TIMEOUT_MS: '1500',
    });

    expect(config.wsAuth.jwksUri).toBe('http://127.0.0.1:9000/jwks');
    expect(config.wsAuth.introspection).toEqual({ url: 'http://127.0.0.1:9000/introspect', clientId: 'chat', clientSecret: 'chat-secret' });
    expect(config.wsAuth.breaker).toEqual({ resetTimeoutMs: 5000 });
    expect(config.wsAuth.remoteTimeoutMs).toBe(1500);
  });

  it('requires introspection credentials with the introspection URL', () => {
    expect(() => readDemoConfig({ WS_AUTH_JWT_SECRET: SECRET, WS_AUTH_INTROSPECTION_URL: 'http://127.0.0.1:9000/introspect' })).toThrow(
      /WS_AUTH_INTROSPECTION_CLIENT_ID and WS_AUTH_INTROSPECTION_CLIENT_SECRET must be set/,
    );
  });

  it('reads the introspection connection limit', () => {
    const config = readDemoConfig({
      WS_AUTH_JWT_SECRET: SECRET,
      WS_AUTH_INTROSPECTION_URL: 'http://127.0.0.1:9000/introspect',
      WS_AUTH_INTROSPECTION_CLIENT_ID: 'chat',
      WS_AUTH_INTROSPECTION_CLIENT_SECRET: 'chat-secret',
      WS_AUTH_INTROSPECTION_MAX_CONNECTIONS: '16',
    });

    expect(config.wsAuth.introspection).toMatchObject({ maxConnections: 16 });
  });

  it('names a bad introspection connection limit', () => {
    const check = (): unknown =>
      readDemoConfig({
        WS_AUTH_JWT_SECRET: SECRET,
        WS_AUTH_INTROSPECTION_URL: 'http://127.0.0.1:9000/introspect',
        WS_AUTH_INTROSPECTION_CLIENT_ID: 'chat',
        WS_AUTH_INTROSPECTION_CLIENT_SECRET: 'chat-secret',
        WS_AUTH_INTROSPECTION_MAX_CONNECTIONS: '0',
      });

    expect(check).toThrow(
      'Check WS_AUTH_INTROSPECTION_MAX_CONNECTIONS: introspection.maxConnections must be an integer from 1 to 10000; received 0.',
    );
  });

  it('rejects a connection limit without an introspection URL', () => {
    expect(() => readDemoConfig({ WS_AUTH_JWT_SECRET: SECRET, WS_AUTH_INTROSPECTION_MAX_CONNECTIONS: '4' })).toThrow(
      'WS_AUTH_INTROSPECTION_MAX_CONNECTIONS is set, but WS_AUTH_INTROSPECTION_URL is not',
    );
  });

  it.each([
    ['WS_AUTH_CLOCK_TOLERANCE_SEC', '900', 'Check WS_AUTH_CLOCK_TOLERANCE_SEC: clockToleranceSec must be a finite number from 0 to 300 seconds; received 900.'],
    ['WS_AUTH_REMOTE_TIMEOUT_MS', '0', 'Check WS_AUTH_REMOTE_TIMEOUT_MS: remoteTimeoutMs must be an integer'],
    ['WS_AUTH_BREAKER_RESET_MS', '-5', 'Check WS_AUTH_BREAKER_RESET_MS: breaker.resetTimeoutMs must be an integer'],
    ['WS_AUTH_ALGORITHMS', 'none', 'Check WS_AUTH_ALGORITHMS: algorithms must not contain "none"'],
    ['WS_AUTH_JWKS_URL', 'not-a-url', 'Check WS_AUTH_JWKS_URL: jwksUri must be an absolute http: or https: URL'],
  ])('names %s when the module rejects its value', (name, value, message) => {
    const check = (): unknown => readDemoConfig({ WS_AUTH_JWT_SECRET: SECRET, [name]: value });

    expect(check).toThrow(DemoConfigError);
    expect(check).toThrow(message);
  });

  it('rejects introspection credentials without the URL', () => {
    expect(() => readDemoConfig({ WS_AUTH_JWT_SECRET: SECRET, WS_AUTH_INTROSPECTION_CLIENT_ID: 'chat' })).toThrow(
      'WS_AUTH_INTROSPECTION_CLIENT_ID is set, but WS_AUTH_INTROSPECTION_URL is not',
    );
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535; received "abc"\./],
    ['PORT', '70000', /PORT must be an integer from 0 to 65535; received "70000"\./],
    ['PORT', '80.5', /PORT must be an integer from 0 to 65535/],
    [
      'WS_AUTH_CLOCK_TOLERANCE_SEC',
      'soon',
      /Check WS_AUTH_CLOCK_TOLERANCE_SEC: clockToleranceSec must be a finite number from 0 to 300 seconds; received "soon"\./,
    ],
    ['WS_AUTH_REMOTE_TIMEOUT_MS', 'abc', /Check WS_AUTH_REMOTE_TIMEOUT_MS: remoteTimeoutMs must be an integer from 1 to 60000 ms; received "abc"\./],
    ['WS_AUTH_REMOTE_TIMEOUT_MS', '0x10', /Check WS_AUTH_REMOTE_TIMEOUT_MS: remoteTimeoutMs must be an integer from 1 to 60000 ms; received "0x10"\./],
    ['WS_AUTH_REMOTE_TIMEOUT_MS', '1e3', /received "1e3"\./],
    ['PORT', '0x50', /PORT must be an integer from 0 to 65535; received "0x50"\./],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => readDemoConfig({ WS_AUTH_JWT_SECRET: SECRET, [name]: value })).toThrow(message);
  });
});
