import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { JwtService } from '@nestjs/jwt';

/**
 * Prints a token signed with WS_AUTH_JWT_SECRET, for trying the chat server by hand.
 *
 *   npm run -s token -- --sub alice --scopes chat:write --ttl 15m
 */

const USAGE = `Usage: npm run -s token -- --sub <subject> [--scopes "a b" | a,b] [--ttl 15m] [--jti <id>]

  --sub      subject (sub claim), required
  --scopes   scopes, separated by spaces or commas (default: chat:write)
  --ttl      lifetime: a number of seconds or 30s, 15m, 2h, 1d (default: 15m)
  --jti      token id (default: a random UUID)

Signs with WS_AUTH_JWT_SECRET (HS256, or the first HS algorithm in WS_AUTH_ALGORITHMS) and adds
iss and aud from WS_AUTH_ISSUER and WS_AUTH_AUDIENCE when they are set.`;

const TTL_UNITS_SEC: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses `15m`, `2h`, `30s`, `1d` or plain seconds into seconds, up to 30 days. */
function parseTtlSeconds(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (TTL_UNITS_SEC[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 30 * 86_400) {
    throw new Error(`--ttl must be from 1 second to 30 days, such as 30s, 15m, 2h or 1d; received ${JSON.stringify(text)}.`);
  }
  return seconds;
}

function firstListed(value: string | undefined): string | string[] | undefined {
  const items = value?.split(',').map((item) => item.trim()).filter((item) => item.length > 0) ?? [];
  if (items.length === 0) {
    return undefined;
  }
  return items.length === 1 ? items[0] : items;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      scopes: { type: 'string', default: 'chat:write' },
      ttl: { type: 'string', default: '15m' },
      jti: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });

  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.sub) {
    throw new Error(`--sub is required.\n\n${USAGE}`);
  }

  const secret = process.env.WS_AUTH_JWT_SECRET;
  if (!secret || Buffer.byteLength(secret, 'utf8') < 32) {
    throw new Error(
      'WS_AUTH_JWT_SECRET must be set to the chat server\'s secret (at least 32 bytes). Start both with the same value, for example: export WS_AUTH_JWT_SECRET=$(openssl rand -base64 48)',
    );
  }

  const algorithm = (process.env.WS_AUTH_ALGORITHMS ?? 'HS256')
    .split(',')
    .map((item) => item.trim())
    .find((item) => /^HS(256|384|512)$/.test(item));
  if (algorithm === undefined) {
    throw new Error('WS_AUTH_ALGORITHMS lists no HS algorithm, so a token cannot be signed with WS_AUTH_JWT_SECRET.');
  }

  const scope = values.scopes.split(/[\s,]+/).filter((item) => item.length > 0).join(' ');
  const issuer = firstListed(process.env.WS_AUTH_ISSUER);
  const audience = firstListed(process.env.WS_AUTH_AUDIENCE);

  const token = new JwtService().sign(
    { sub: values.sub, scope, jti: values.jti ?? randomUUID() },
    {
      secret,
      algorithm: algorithm as 'HS256',
      expiresIn: parseTtlSeconds(values.ttl),
      ...(issuer === undefined ? {} : { issuer: Array.isArray(issuer) ? issuer[0] : issuer }),
      ...(audience === undefined ? {} : { audience }),
    },
  );
  console.log(token);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
