import { resolveWsAuthOptions } from './resolve-options.js';

const SECRET = 's'.repeat(32);

function resolve(options: Record<string, unknown>): ReturnType<typeof resolveWsAuthOptions> {
  return resolveWsAuthOptions({ secret: SECRET, ...options });
}

describe('resolveWsAuthOptions lifecycle options', () => {
  it('applies the defaults', () => {
    const resolved = resolve({});

    expect(resolved.expiryWarningLeadMs).toBe(60_000);
  });

  it('accepts the bounds', () => {
    expect(resolve({ expiryWarningLeadMs: 0 }).expiryWarningLeadMs).toBe(0);
    expect(resolve({ expiryWarningLeadMs: 86_400_000 }).expiryWarningLeadMs).toBe(86_400_000);
  });

  it.each([
    ['a negative lead time', { expiryWarningLeadMs: -1 }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received -1.'],
    ['a lead time over a day', { expiryWarningLeadMs: 86_400_001 }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received 86400001.'],
    ['a fractional lead time', { expiryWarningLeadMs: 1.5 }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received 1.5.'],
    ['a string lead time', { expiryWarningLeadMs: '60000' }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received "60000".'],
  ])('rejects %s', (_name, options, message) => {
    expect(() => resolve(options)).toThrow(message);
  });
});
