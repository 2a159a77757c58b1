import { createHash } from 'node:crypto';

import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { rejected, type AcceptedVerdict } from '../verification/token-verdict.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { resolveTokenCacheOptions, type TokenCacheOptions } from './token-cache.options.js';
import { InMemoryTokenCacheStore, sharedStoreKey } from './token-cache.store.js';

/** 2025-01-01T00:00:00Z, a realistic clock reading. */
const T0 = Date.UTC(2025, 0, 1);

function accepted(fields: Partial<WsPrincipal> = {}): AcceptedVerdict {
  return {
    accepted: true,
    principal: { sub: 'alice', scopes: [], expiresAt: null, claims: {}, ...fields },
    expiresAt: null,
    notBefore: null,
  };
}

const invalid = rejected(WsAuthErrorCode.TOKEN_INVALID);

function setup(options: TokenCacheOptions = {}) {
  const clock = { t: T0, now: () => clock.t };
  const store = new InMemoryTokenCacheStore(clock, resolveTokenCacheOptions(options));
  return { clock, store };
}

/** Runs `action` and returns how many timers it started, unreferenced ones included. */
function countTimersStarted(action: () => void): number {
  const original = globalThis.setTimeout;
  let started = 0;
  const counting = (...args: Parameters<typeof setTimeout>) => {
    started += 1;
    return original(...args);
  };
  globalThis.setTimeout = counting as unknown as typeof setTimeout;
  try {
    action();
  } finally {
    globalThis.setTimeout = original;
  }
  return started;
}

describe('InMemoryTokenCacheStore', () => {
  it('returns what was stored', () => {
    const { clock, store } = setup();
    const verdict = accepted();

    store.set('token-a', verdict, T0 + 1_000);
    store.set('token-b', invalid, T0 + 1_000);

    expect(store.get('token-a', clock.t)).toBe(verdict);
    expect(store.get('token-b', clock.t)).toBe(invalid);
    expect(store.get('token-c', clock.t)).toBeUndefined();
  });

  it('serves until expiresAtMs exclusive', () => {
    const { clock, store } = setup();
    store.set('token', accepted(), T0 + 1_000);

    clock.t = T0 + 999;
    expect(store.get('token', clock.t)).toBeDefined();

    clock.t = T0 + 1_000;
    expect(store.get('token', clock.t)).toBeUndefined();
  });

  it('stops before expiresAtMs with a fractional clock', () => {
    const { clock, store } = setup();
    clock.t = T0 + 0.5;
    store.set('token', accepted(), T0 + 1_000.25);

    clock.t = T0 + 999.25;
    expect(store.get('token', clock.t)).toBeDefined();

    clock.t = T0 + 1_000.25;
    expect(store.get('token', clock.t)).toBeUndefined();
  });

  it('skips an entry expiring within 1 ms', () => {
    const { clock, store } = setup();

    store.set('token', accepted(), T0 + 1);

    expect(store.get('token', clock.t)).toBeUndefined();
  });

  it('skips a past or non-finite expiry', () => {
    const { store } = setup();

    store.set('past', accepted(), T0 - 1);
    store.set('nan', accepted(), Number.NaN);
    store.set('infinite', accepted(), Number.POSITIVE_INFINITY);

    expect(store.stats().entries).toBe(0);
  });

  it('serves an entry written at clock zero', () => {
    const { clock, store } = setup();
    clock.t = 0;

    store.set('token', accepted(), 1_000);

    expect(store.get('token', 999)).toBeDefined();
    expect(store.get('token', 1_000)).toBeUndefined();
  });

  it('checks expiry at the time of the lookup', () => {
    const { clock, store } = setup();
    store.set('token', accepted(), T0 + 1_000);

    expect(store.get('token', T0 + 999)).toBeDefined();
    expect(store.get('token', T0 + 1_000)).toBeUndefined();
    expect(clock.t).toBe(T0);
  });

  it('removes an entry found expired', () => {
    const { clock, store } = setup();
    store.set('token', accepted(), T0 + 1_000);

    store.get('token', T0 + 1_000);

    expect(store.get('token', clock.t)).toBeUndefined();
    expect(store.stats().entries).toBe(0);
  });

  it('keeps one entry per token', () => {
    const { clock, store } = setup();

    store.set('token', accepted(), T0 + 1_000);
    store.set('token', invalid, T0 + 1_000);

    expect(store.get('token', clock.t)).toBe(invalid);
    expect(store.stats()).toEqual({ entries: 0, negativeEntries: 1, evictions: 0 });
  });

  it('removes the old entry when a replacement is not stored', () => {
    const { clock, store } = setup();
    store.set('token', accepted(), T0 + 1_000);

    store.set('token', accepted(), T0);

    expect(store.get('token', clock.t)).toBeUndefined();
  });

  it('deletes one token from either space', () => {
    const { store } = setup();
    store.set('token-a', accepted(), T0 + 1_000);
    store.set('token-b', invalid, T0 + 1_000);

    expect(store.delete('token-a')).toBe(true);
    expect(store.delete('token-b')).toBe(true);
    expect(store.delete('token-a')).toBe(false);
    expect(store.stats()).toEqual({ entries: 0, negativeEntries: 0, evictions: 0 });
  });

  it('deletes matching principals only', () => {
    const { clock, store } = setup();
    store.set('alice-1', accepted({ sub: 'alice', jti: 'a1' }), T0 + 1_000);
    store.set('alice-2', accepted({ sub: 'alice', jti: 'a2' }), T0 + 1_000);
    store.set('bob-1', accepted({ sub: 'bob', jti: 'b1' }), T0 + 1_000);
    store.set('garbage', invalid, T0 + 1_000);

    expect(store.deleteMatching({ sub: 'alice' })).toBe(2);
    expect(store.get('alice-1', clock.t)).toBeUndefined();
    expect(store.get('alice-2', clock.t)).toBeUndefined();
    expect(store.get('bob-1', clock.t)).toBeDefined();
    expect(store.get('garbage', clock.t)).toBe(invalid);
  });

  it('clears both spaces', () => {
    const { store } = setup();
    store.set('token-a', accepted(), T0 + 1_000);
    store.set('token-b', invalid, T0 + 1_000);

    store.clear();

    expect(store.stats()).toEqual({ entries: 0, negativeEntries: 0, evictions: 0 });
  });

  it('counts expired entries out of the sizes', () => {
    const { clock, store } = setup();
    store.set('token-a', accepted(), T0 + 1_000);
    store.set('token-b', invalid, T0 + 2_000);

    clock.t = T0 + 1_000;

    expect(store.stats()).toEqual({ entries: 0, negativeEntries: 1, evictions: 0 });
  });

  it('evicts the least recently used entry', () => {
    const { clock, store } = setup({ maxEntries: 2 });
    store.set('token-a', accepted(), T0 + 1_000);
    store.set('token-b', accepted(), T0 + 1_000);
    store.get('token-a', clock.t);

    store.set('token-c', accepted(), T0 + 1_000);

    expect(store.get('token-a', clock.t)).toBeDefined();
    expect(store.get('token-b', clock.t)).toBeUndefined();
    expect(store.get('token-c', clock.t)).toBeDefined();
    expect(store.stats().evictions).toBe(1);
  });

  it('counts evictions from both spaces', () => {
    const { store } = setup({ maxEntries: 1, negativeMaxEntries: 1 });

    store.set('accepted-1', accepted(), T0 + 1_000);
    store.set('accepted-2', accepted(), T0 + 1_000);
    store.set('rejected-1', invalid, T0 + 1_000);
    store.set('rejected-2', invalid, T0 + 1_000);

    expect(store.stats()).toEqual({ entries: 1, negativeEntries: 1, evictions: 2 });
  });

  it('starts no timer', () => {
    const { clock, store } = setup();

    const started = countTimersStarted(() => {
      store.set('token', accepted(), T0 + 1_000);
      store.get('token', clock.t);
      clock.t = T0 + 2_000;
      store.get('token', clock.t);
      store.stats();
    });

    expect(started).toBe(0);
  });
});

describe('sharedStoreKey', () => {
  const token = 'header.payload.signature';

  it('is a 64-character hex digest', () => {
    expect(sharedStoreKey(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs from the token', () => {
    expect(sharedStoreKey(token)).not.toBe(token);
    expect(sharedStoreKey(token)).not.toContain(token);
  });

  it('is the SHA-256 digest of the token', () => {
    expect(sharedStoreKey(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(sharedStoreKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('differs between tokens', () => {
    expect(sharedStoreKey('token-a')).not.toBe(sharedStoreKey('token-b'));
  });
});
