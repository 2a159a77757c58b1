import { createHash } from 'node:crypto';

import { fingerprint } from './fingerprint.js';

describe('fingerprint', () => {
  it('is the first 12 hex digits of the SHA-256 digest', () => {
    const digest = createHash('sha256').update('alice').digest('hex');

    expect(fingerprint('alice')).toBe(`sha256:${digest.slice(0, 12)}`);
  });

  it('never contains the value', () => {
    expect(fingerprint('alice')).not.toContain('alice');
  });

  it('differs between values', () => {
    expect(fingerprint('alice')).not.toBe(fingerprint('bob'));
  });
});
