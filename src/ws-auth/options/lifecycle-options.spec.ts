import { resolveWsAuthOptions } from './resolve-options.js';

const SECRET = 's'.repeat(32);

function resolve(options: Record<string, unknown>): ReturnType<typeof resolveWsAuthOptions> {
  return resolveWsAuthOptions({ secret: SECRET, ...options });
}

describe('resolveWsAuthOptions lifecycle options', () => {
  it('applies the defaults', () => {
    const resolved = resolve({});

    expect(resolved.expiryWarningLeadMs).toBe(60_000);
    expect(resolved.maxTokenLifetimeMs).toBe(86_400_000);
  });

  it('accepts the bounds', () => {
    expect(resolve({ expiryWarningLeadMs: 0 }).expiryWarningLeadMs).toBe(0);
    expect(resolve({ expiryWarningLeadMs: 86_400_000 }).expiryWarningLeadMs).toBe(86_400_000);
    expect(resolve({ maxTokenLifetimeMs: 1_000 }).maxTokenLifetimeMs).toBe(1_000);
    expect(resolve({ maxTokenLifetimeMs: 2_592_000_000 }).maxTokenLifetimeMs).toBe(2_592_000_000);
  });

  it.each([
    ['a negative lead time', { expiryWarningLeadMs: -1 }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received -1.'],
    ['a lead time over a day', { expiryWarningLeadMs: 86_400_001 }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received 86400001.'],
    ['a fractional lead time', { expiryWarningLeadMs: 1.5 }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received 1.5.'],
    ['a string lead time', { expiryWarningLeadMs: '60000' }, 'expiryWarningLeadMs must be an integer from 0 to 86400000 ms; received "60000".'],
    ['a lifetime under a second', { maxTokenLifetimeMs: 999 }, 'maxTokenLifetimeMs must be an integer from 1000 to 2592000000 ms; received 999.'],
    ['a lifetime over 30 days', { maxTokenLifetimeMs: 2_592_000_001 }, 'maxTokenLifetimeMs must be an integer from 1000 to 2592000000 ms; received 2592000001.'],
    ['a NaN lifetime', { maxTokenLifetimeMs: Number.NaN }, 'maxTokenLifetimeMs must be an integer from 1000 to 2592000000 ms; received NaN.'],
  ])('rejects %s', (_name, options, message) => {
    expect(() => resolve(options)).toThrow(message);
  });
});
