import { resolveIntrospectionOptions, resolveJwksOptions, resolveRemoteTimeoutMs } from './resolve-remote-options.js';

describe('resolveJwksOptions', () => {
  it('returns null without a JWKS URI', () => {
    expect(resolveJwksOptions(undefined, undefined)).toBeNull();
  });

  it('applies the defaults', () => {
    expect(resolveJwksOptions('https://id.example.com/jwks', undefined)).toEqual({
      uri: 'https://id.example.com/jwks',
      maxAgeMs: 600_000,
      cooldownMs: 30_000,
    });
  });

  it('keeps explicit durations', () => {
    expect(resolveJwksOptions('http://127.0.0.1:8080/jwks', { maxAgeMs: 5000, cooldownMs: 0 })).toEqual({
      uri: 'http://127.0.0.1:8080/jwks',
      maxAgeMs: 5000,
      cooldownMs: 0,
    });
  });

  it.each([
    ['a relative URI', 'jwks.json', undefined, /jwksUri must be an absolute http: or https: URL; received "jwks.json"\./],
    ['a file URI', 'file:///etc/jwks.json', undefined, /jwksUri must be an absolute http: or https: URL/],
    [
      'credentials in the URI',
      'https://user:pass@id.example.com/jwks',
      undefined,
      /jwksUri must not contain credentials; the endpoint is fetched without authentication\./,
    ],
    ['an empty URI', '', undefined, /jwksUri must be a non-empty string/],
    ['a short maximum age', 'https://id.example.com/jwks', { maxAgeMs: 10 }, /jwks\.maxAgeMs must be an integer from 1000 to 86400000 ms; received 10\./],
    ['a negative cooldown', 'https://id.example.com/jwks', { cooldownMs: -1 }, /jwks\.cooldownMs .*received -1\./],
    ['an unknown option', 'https://id.example.com/jwks', { maxAge: 5 }, /jwks received an unknown option "maxAge"/],
  ])('rejects %s', (_name, uri, options, message) => {
    expect(() => resolveJwksOptions(uri, options)).toThrow(message);
  });

  it('rejects jwks settings without a URI', () => {
    expect(() => resolveJwksOptions(undefined, { maxAgeMs: 5000 })).toThrow(/jwks is set, but jwksUri is not/);
  });
});

describe('resolveIntrospectionOptions', () => {
  it('returns null when not configured', () => {
    expect(resolveIntrospectionOptions(undefined)).toBeNull();
  });

  it('prepares Basic credentials with form-encoded parts', () => {
    const resolved = resolveIntrospectionOptions({ url: 'https://id.example.com/introspect', clientId: 'a b', clientSecret: 'p:w' });

    expect(resolved?.authorization).toBe(`Basic ${Buffer.from('a%20b:p%3Aw').toString('base64')}`);
    expect(resolved?.clientId).toBe('a b');
  });

  it('sets no connection limit by default', () => {
    expect(resolveIntrospectionOptions({ url: 'https://id.example.com/i', clientId: 'a', clientSecret: 'b' })?.maxConnections).toBeNull();
  });

  it.each([1, 64, 10_000])('keeps a connection limit of %p', (maxConnections) => {
    const resolved = resolveIntrospectionOptions({ url: 'https://id.example.com/i', clientId: 'a', clientSecret: 'b', maxConnections });

    expect(resolved?.maxConnections).toBe(maxConnections);
  });

  it.each([
    [0, 'received 0.'],
    [10_001, 'received 10001.'],
    [2.5, 'received 2.5.'],
    [Number.NaN, 'received NaN.'],
    ['8', 'received "8".'],
  ])('rejects %p as the connection limit', (maxConnections, received) => {
    const options = { url: 'https://id.example.com/i', clientId: 'a', clientSecret: 'b', maxConnections };

    expect(() => resolveIntrospectionOptions(options)).toThrow(`introspection.maxConnections must be an integer from 1 to 10000; ${received}`);
  });

  it.each([
    ['a missing URL', { clientId: 'a', clientSecret: 'b' }, /introspection\.url must be a non-empty string/],
    ['a missing client id', { url: 'https://id.example.com/i', clientSecret: 'b' }, /introspection\.clientId must be a non-empty string/],
    ['a missing client secret', { url: 'https://id.example.com/i', clientId: 'a' }, /introspection\.clientSecret must be a non-empty string\./],
    ['an unknown option', { url: 'https://id.example.com/i', clientId: 'a', clientSecret: 'b', scope: 'x' }, /introspection received an unknown option "scope"/],
    [
      'credentials in the URL',
      { url: 'https://a:b@id.example.com/i', clientId: 'a', clientSecret: 'b' },
      /introspection\.url must not contain credentials; pass them as introspection\.clientId and introspection\.clientSecret instead\./,
    ],
  ])('rejects %s', (_name, options, message) => {
    expect(() => resolveIntrospectionOptions(options)).toThrow(message);
  });

  it('never prints the client secret', () => {
    expect(() => resolveIntrospectionOptions({ url: 'https://id.example.com/i', clientId: 'a', clientSecret: 42 })).toThrow(
      'introspection.clientSecret must be a non-empty string.',
    );
  });
});

describe('resolveRemoteTimeoutMs', () => {
  it('defaults to two seconds', () => {
    expect(resolveRemoteTimeoutMs(undefined)).toBe(2000);
  });

  it.each([0, 60_001, 1.5, '2000'])('rejects %p', (value) => {
    expect(() => resolveRemoteTimeoutMs(value)).toThrow(/remoteTimeoutMs must be an integer from 1 to 60000 ms/);
  });
});
