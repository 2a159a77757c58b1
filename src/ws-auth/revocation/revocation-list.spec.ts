import { TestClock } from '../../../test/support/test-clock.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import type { WsAuthModuleOptions } from '../options/ws-auth-options.interface.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { RevocationList } from './revocation-list.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR_MS = 3_600_000;

function setup(options: Partial<WsAuthModuleOptions> = {}) {
  const clock = new TestClock(T0);
  const list = new RevocationList(clock, resolveWsAuthOptions({ secret: 's'.repeat(32), maxTokenLifetimeMs: HOUR_MS, ...options }));
  return { clock, list };
}

function principal(extra: Partial<WsPrincipal> = {}): WsPrincipal {
  return { sub: 'alice', scopes: [], expiresAt: T0 + 600_000, claims: {}, jti: 'token-1', issuedAt: T0 - 60_000, ...extra };
}

describe('RevocationList', () => {
  describe('by jti', () => {
    it('revokes the token with that jti only', () => {
      const { list } = setup();

      list.add({ jti: 'token-1' }, null);

      expect(list.isRevoked(principal())).toBe(true);
      expect(list.isRevoked(principal({ jti: 'token-2' }))).toBe(false);
      expect(list.isRevoked(principal({ jti: undefined }))).toBe(false);
    });

    it('keeps an entry until the known exp plus tolerance', () => {
      const { clock, list } = setup({ clockToleranceSec: 5 });

      const keptUntil = list.add({ jti: 'token-1' }, T0 + 600_000);

      expect(keptUntil).toBe(T0 + 605_000);
      clock.set(keptUntil - 1);
      expect(list.size).toBe(1);
      expect(list.isRevoked(principal({ expiresAt: null }))).toBe(true);
    });

    it('keeps an entry of unknown expiry for the max token lifetime', () => {
      const { clock, list } = setup();

      const keptUntil = list.add({ jti: 'token-1' }, null);
      clock.set(keptUntil);

      expect(keptUntil).toBe(T0 + HOUR_MS);
      expect(list.isRevoked(principal({ expiresAt: T0 + 2 * HOUR_MS }))).toBe(false);
      expect(list.size).toBe(0);
    });

    it('extends an entry when a later-expiring match is seen', () => {
      const { clock, list } = setup();
      list.add({ jti: 'token-1' }, T0 + 60_000);

      expect(list.isRevoked(principal({ expiresAt: T0 + 900_000 }))).toBe(true);
      clock.set(T0 + 899_999);

      expect(list.isRevoked(principal({ expiresAt: T0 + 900_000 }))).toBe(true);
    });

    it('never shortens an entry', () => {
      const { list } = setup();
      list.add({ jti: 'token-1' }, null);

      expect(list.add({ jti: 'token-1' }, T0 + 60_000)).toBe(T0 + HOUR_MS);
    });
  });

  describe('by sub', () => {
    it('revokes tokens issued before the moment', () => {
      const { list } = setup();

      list.add({ sub: 'alice', issuedBefore: T0 }, null);

      expect(list.isRevoked(principal({ issuedAt: T0 - 1 }))).toBe(true);
      expect(list.isRevoked(principal({ issuedAt: undefined }))).toBe(true);
      expect(list.isRevoked(principal({ issuedAt: T0 }))).toBe(false);
      expect(list.isRevoked(principal({ sub: 'bob' }))).toBe(false);
    });

    it('keeps an entry for the max token lifetime after issuedBefore', () => {
      const { clock, list } = setup();

      const keptUntil = list.add({ sub: 'alice', issuedBefore: T0 - 600_000 }, null);
      clock.set(keptUntil - 1);
      const before = list.isRevoked(principal({ expiresAt: null, issuedAt: T0 - 700_000 }));
      clock.set(keptUntil + HOUR_MS);
      const after = list.isRevoked(principal({ expiresAt: null, issuedAt: T0 - 700_000 }));

      expect(keptUntil).toBe(T0 - 600_000 + HOUR_MS);
      expect(before).toBe(true);
      expect(after).toBe(false);
      expect(list.size).toBe(0);
    });

    it('keeps an entry until a later known exp', () => {
      const { list } = setup();

      expect(list.add({ sub: 'alice', issuedBefore: T0 }, T0 + 2 * HOUR_MS)).toBe(T0 + 2 * HOUR_MS);
    });

    it('merges revocations of one subject', () => {
      const { list } = setup();
      list.add({ sub: 'alice', issuedBefore: T0 }, null);

      const keptUntil = list.add({ sub: 'alice', issuedBefore: T0 - 60_000 }, null);

      expect(keptUntil).toBe(T0 + HOUR_MS);
      expect(list.size).toBe(1);
      expect(list.isRevoked(principal({ issuedAt: T0 - 1 }))).toBe(true);
    });

    it('extends an entry when a match is seen', () => {
      const { clock, list } = setup();
      list.add({ sub: 'alice', issuedBefore: T0 }, null);

      expect(list.isRevoked(principal({ expiresAt: T0 + 3 * HOUR_MS }))).toBe(true);
      clock.set(T0 + 3 * HOUR_MS - 1);

      expect(list.isRevoked(principal({ expiresAt: null }))).toBe(true);
    });
  });

  it('drops expired entries on the next revocation', () => {
    const { clock, list } = setup();
    list.add({ jti: 'token-1' }, T0 + 60_000);
    list.add({ sub: 'alice', issuedBefore: T0 - HOUR_MS }, null);
    list.add({ sub: 'bob', issuedBefore: T0 }, null);

    clock.advance(60_000);
    list.add({ jti: 'token-2' }, null);

    expect(list.size).toBe(2);
    expect(list.isRevoked(principal({ jti: 'token-2', sub: 'carol' }))).toBe(true);
    expect(list.isRevoked(principal({ sub: 'bob' }))).toBe(true);
  });

  it('checks the subject when the jti entry has lapsed', () => {
    const { clock, list } = setup();
    list.add({ jti: 'token-1' }, T0 + 60_000);
    list.add({ sub: 'alice', issuedBefore: T0 }, null);

    clock.advance(60_000);

    expect(list.isRevoked(principal())).toBe(true);
    expect(list.size).toBe(1);
  });
});
