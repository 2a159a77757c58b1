import { generateKeyPairSync } from 'node:crypto';

import { Registry } from 'prom-client';

import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { describeEffectiveOptions } from './options-summary.js';

const SECRET = 'summary-secret-0123456789-abcdefghijklmnop';

describe('describeEffectiveOptions', () => {
  it('summarises the defaults in one line', () => {
    const line = describeEffectiveOptions(resolveWsAuthOptions({ secret: SECRET }));

    expect(line).toBe(
      'WsAuthModule options: algorithms HS256; secret set (redacted); publicKey not set; jwksUri not set; ' +
        'introspection not set; remoteTimeoutMs 2000; issuer not checked; ' +
        'audience not checked; clockToleranceSec 0; requireExpiration true; maxTokenBytes 8192; query token off; ' +
        'cache on (maxEntries 10000, maxTtlMs 300000, negativeTtlMs 30000, negativeMaxEntries 1000); ' +
        'breaker (windowMs 10000 in 10 buckets, minimumCalls 5, failureThreshold 0.5, resetTimeoutMs 30000, ' +
        'halfOpenMaxProbes 1, whenOpen use-cache); expiryWarningLeadMs 60000; maxTokenLifetimeMs 86400000; revocations kept on this server; ' +
        "metrics registry of the module's own; failure summary at most every 60000 ms.",
    );
  });

  it('never contains the secret', () => {
    const line = describeEffectiveOptions(resolveWsAuthOptions({ secret: SECRET }));

    expect(line).not.toContain(SECRET);
    expect(line).not.toContain(SECRET.slice(0, 12));
    expect(line).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
  });

  it('describes remote verification without the client secret', () => {
    const line = describeEffectiveOptions(
      resolveWsAuthOptions({
        jwksUri: 'http://127.0.0.1:9000/jwks',
        introspection: { url: 'http://127.0.0.1:9000/introspect', clientId: 'gateway', clientSecret: 'client-secret-value' },
        remoteTimeoutMs: 1500,
      }),
    );

    expect(line).toContain('jwksUri http://127.0.0.1:9000/jwks (maxAgeMs 600000, cooldownMs 30000)');
    expect(line).toContain('introspection http://127.0.0.1:9000/introspect (clientId "gateway", clientSecret redacted, maxConnections unlimited)');
    expect(line).toContain('remoteTimeoutMs 1500');
    expect(line).not.toContain('client-secret-value');
  });

  it('describes revocations broadcast to the cluster', () => {
    const line = describeEffectiveOptions(resolveWsAuthOptions({ secret: SECRET, broadcastRevocations: true }));

    expect(line).toContain('revocations broadcast to the cluster');
  });

  it('describes the introspection connection limit', () => {
    const line = describeEffectiveOptions(
      resolveWsAuthOptions({
        introspection: { url: 'http://127.0.0.1:9000/introspect', clientId: 'gateway', clientSecret: 'client-secret-value', maxConnections: 32 },
      }),
    );

    expect(line).toContain('clientSecret redacted, maxConnections 32)');
  });

  it('describes a public key by its type and size', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

    expect(describeEffectiveOptions(resolveWsAuthOptions({ publicKey: rsa.publicKey }))).toContain(
      'algorithms RS256; secret not set; publicKey rsa 2048-bit key;',
    );
    expect(describeEffectiveOptions(resolveWsAuthOptions({ publicKey: ec.publicKey }))).toContain(
      'publicKey ec prime256v1 key;',
    );
  });

  it('lists the other settings that differ from the defaults', () => {
    const line = describeEffectiveOptions(
      resolveWsAuthOptions({
        secret: SECRET,
        issuer: ['https://a.test', 'https://b.test'],
        audience: 'chat-api',
        allowQueryToken: true,
        queryTokenParameter: 'access_token',
        cache: { enabled: false },
        metrics: { registry: new Registry() },
        logging: { failureSummaryIntervalMs: 5_000 },
      }),
    );

    expect(line).toContain('issuer "https://a.test", "https://b.test"; audience "chat-api";');
    expect(line).toContain('query token on (parameter "access_token"); cache off;');
    expect(line).toContain('metrics registry from metrics.registry; failure summary at most every 5000 ms.');
  });
});
