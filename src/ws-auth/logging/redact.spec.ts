import { describeErrorForLog, redactTokens } from './redact.js';

const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTg5MzQ1NjAwMH0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

describe('redactTokens', () => {
  it('redacts a whole JWT', () => {
    expect(redactTokens(`token ${JWT} was rejected`)).toBe('token [redacted] was rejected');
  });

  it('redacts every token-like run', () => {
    const secret = 'A'.repeat(30);

    expect(redactTokens(`first ${secret}, second ${secret}`)).toBe('first [redacted], second [redacted]');
  });

  it('keeps 23 characters', () => {
    const run = 'a'.repeat(23);

    expect(redactTokens(`id ${run}`)).toBe(`id ${run}`);
  });

  it('redacts from 24 characters', () => {
    expect(redactTokens(`id ${'a'.repeat(24)}`)).toBe('id [redacted]');
  });

  it('keeps ordinary words and ids', () => {
    const text = 'Handshake of socket Zx81_kQ failed: timeout after 5000 ms (http_503).';

    expect(redactTokens(text)).toBe(text);
  });

  it('redacts base64 with padding', () => {
    expect(redactTokens(`key: ${'q'.repeat(22)}+/==;`)).toBe('key: [redacted];');
  });

  it('redacts a key with its name', () => {
    expect(redactTokens(`key=${'q'.repeat(22)};`)).toBe('[redacted];');
  });
});

describe('describeErrorForLog', () => {
  it('names the class and message', () => {
    expect(describeErrorForLog(new RangeError('value out of range'))).toBe('RangeError: value out of range');
  });

  it('redacts a token in the message', () => {
    const line = describeErrorForLog(new Error(`cannot verify ${JWT}`));

    expect(line).toBe('Error: cannot verify [redacted]');
    expect(line).not.toContain(JWT);
  });

  it('uses a custom error name', () => {
    class VerifierError extends Error {
      override name = 'VerifierError';
    }

    expect(describeErrorForLog(new VerifierError('boom'))).toBe('VerifierError: boom');
  });

  it('leaves out the stack', () => {
    expect(describeErrorForLog(new Error('boom'))).not.toContain(' at ');
  });

  it.each([
    ['a string', JWT, 'string'],
    ['a number', 42, 'number'],
    ['an object', { token: JWT }, 'object'],
    ['null', null, 'object'],
    ['undefined', undefined, 'undefined'],
  ])('describes %s by type only', (_name, value, type) => {
    expect(describeErrorForLog(value)).toBe(`non-Error value of type ${type}`);
  });
});
