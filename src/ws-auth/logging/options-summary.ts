import type { KeyObject } from 'node:crypto';

import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';

import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';

/**
 * Describes the effective options in one line for the start-up log. Key material is described by
 * its kind only: the secret as `set (redacted)`, a public key by its type and size.
 */
export function describeEffectiveOptions(options: ResolvedWsAuthOptions): string {
  const { cache, breaker } = options;
  const parts = [
    `algorithms ${options.algorithms.join(', ')}`,
    `secret ${options.secretKey === null ? 'not set' : 'set (redacted)'}`,
    `publicKey ${options.publicKey === null ? 'not set' : describePublicKey(options.publicKey)}`,
    options.jwks === null
      ? 'jwksUri not set'
      : `jwksUri ${options.jwks.uri} (maxAgeMs ${options.jwks.maxAgeMs}, cooldownMs ${options.jwks.cooldownMs})`,
    options.introspection === null
      ? 'introspection not set'
      : `introspection ${options.introspection.url} (clientId ${JSON.stringify(options.introspection.clientId)}, clientSecret redacted, ` +
        `maxConnections ${options.introspection.maxConnections ?? 'unlimited'})`,
    `remoteTimeoutMs ${options.remoteTimeoutMs}`,
    `issuer ${describeList(options.issuer)}`,
    `audience ${describeList(options.audience)}`,
    `clockToleranceSec ${options.clockToleranceSec}`,
    `requireExpiration ${options.requireExpiration}`,
    `maxTokenBytes ${options.maxTokenBytes}`,
    options.allowQueryToken ? `query token on (parameter "${options.queryTokenParameter}")` : 'query token off',
    cache.enabled
      ? `cache on (maxEntries ${cache.maxEntries}, maxTtlMs ${cache.maxTtlMs}, negativeTtlMs ${cache.negativeTtlMs}, ` +
        `negativeMaxEntries ${cache.negativeMaxEntries})`
      : 'cache off',
    `breaker (windowMs ${breaker.windowMs} in ${breaker.windowBuckets} buckets, minimumCalls ${breaker.minimumCalls}, ` +
      `failureThreshold ${breaker.failureThreshold}, resetTimeoutMs ${breaker.resetTimeoutMs}, ` +
      `halfOpenMaxProbes ${breaker.halfOpenMaxProbes}, whenOpen ${options.whenBreakerOpen})`,
    `expiryWarningLeadMs ${options.expiryWarningLeadMs}`,
    `maxTokenLifetimeMs ${options.maxTokenLifetimeMs}`,
    `revocations ${options.broadcastRevocations ? 'broadcast to the cluster' : 'kept on this server'}`,
    `metrics registry ${options.metrics.registry === null ? "of the module's own" : 'from metrics.registry'}`,
    `failure summary at most every ${options.logging.failureSummaryIntervalMs} ms`,
  ];
  return `WsAuthModule options: ${parts.join('; ')}.`;
}

function describePublicKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  const size = details?.modulusLength === undefined ? '' : ` ${details.modulusLength}-bit`;
  const curve = details?.namedCurve === undefined ? '' : ` ${details.namedCurve}`;
  return `${key.asymmetricKeyType ?? 'unknown'}${size}${curve} key`;
}

function describeList(value: string | readonly string[] | undefined): string {
  if (value === undefined) {
    return 'not checked';
  }
  const items = typeof value === 'string' ? [value] : value;
  return items.map((item) => JSON.stringify(item)).join(', ');
}

/** Logs the effective options once, when the module starts. */
@Injectable()
export class EffectiveOptionsLogger implements OnModuleInit {
  private readonly logger = new Logger('WsAuth');

  constructor(@Inject(WS_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWsAuthOptions) {}

  onModuleInit(): void {
    this.logger.log(describeEffectiveOptions(this.options));
  }
}
