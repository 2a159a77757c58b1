import { BadRequestException } from '@nestjs/common';

import type { RevocationRequest } from '../ws-auth/index.js';

/** Maximum length of a `jti` or `sub`, in characters. */
export const MAX_IDENTIFIER_LENGTH = 256;

/**
 * Parses the JSON text of a `POST /auth/revoke` body and returns its revocation: `{ jti }`,
 * `{ sub }` or `{ sub, issuedBefore }` with `issuedBefore` in milliseconds since the epoch.
 *
 * @throws BadRequestException naming the field that is wrong.
 */
export function parseRevocationBody(text: unknown): RevocationRequest {
  if (typeof text !== 'string') {
    throw badRequest('Send the body as Content-Type: application/json.');
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.');
  }

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object { jti } or { sub }.');
  }

  const fields = body as Record<string, unknown>;
  const hasJti = fields['jti'] !== undefined;
  const hasSub = fields['sub'] !== undefined;
  if (hasJti === hasSub) {
    throw badRequest('The body must contain exactly one of jti or sub.');
  }

  const allowed = hasJti ? ['jti'] : ['sub', 'issuedBefore'];
  const unexpected = Object.keys(fields).filter((field) => !allowed.includes(field));
  if (unexpected.length > 0) {
    throw badRequest(`The body has unexpected fields: ${unexpected.join(', ')}.`);
  }

  if (hasJti) {
    return { jti: readIdentifier(fields, 'jti') };
  }

  const sub = readIdentifier(fields, 'sub');
  const issuedBefore = fields['issuedBefore'];
  if (issuedBefore === undefined) {
    return { sub };
  }
  if (typeof issuedBefore !== 'number' || !Number.isFinite(issuedBefore) || issuedBefore < 0) {
    throw badRequest('issuedBefore must be a time in milliseconds since the epoch.');
  }
  return { sub, issuedBefore };
}

function readIdentifier(fields: Record<string, unknown>, name: 'jti' | 'sub'): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_IDENTIFIER_LENGTH) {
    throw badRequest(`${name} must be a string of 1 to ${MAX_IDENTIFIER_LENGTH} characters.`);
  }
  return value;
}

function badRequest(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, code: 'BAD_REQUEST', message });
}
