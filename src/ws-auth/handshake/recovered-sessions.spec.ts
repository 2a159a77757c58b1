import type { Namespace } from 'socket.io';

import { TestClock } from '../../../test/support/test-clock.js';
import { resolveWsAuthOptions } from '../options/resolve-options.js';
import { RevocationList } from '../revocation/revocation-list.js';
import type { WsPrincipal } from '../verification/ws-principal.js';
import { RecoveredSessions } from './recovered-sessions.js';

const T0 = Date.UTC(2030, 0, 1);

function principal(fields: Partial<WsPrincipal> = {}): WsPrincipal {
  return { sub: 'alice', jti: 'token-1', scopes: [], expiresAt: T0 + 60_000, issuedAt: T0 - 1_000, claims: {}, ...fields };
}

function setup() {
  const clock = new TestClock(T0);
  const options = resolveWsAuthOptions({ secret: 's'.repeat(32), clockToleranceSec: 5 });
  const revocations = new RevocationList(clock, options);
  const sessions = new RecoveredSessions(clock, options, revocations);

  /** Creates a namespace whose adapter restores `session` for any private session id. */
  const namespaceRestoring = (session: { data?: unknown } | null) => {
    const adapter = { restoreSession: (_pid: string, _offset: string) => Promise.resolve(session) };
    return { namespace: { adapter } as unknown as Namespace, adapter };
  };

  return { clock, revocations, sessions, namespaceRestoring };
}

describe('RecoveredSessions', () => {
  it('restores the session of a valid principal', async () => {
    const { sessions, namespaceRestoring } = setup();
    const session = { data: { user: principal() } };
    const { namespace, adapter } = namespaceRestoring(session);

    sessions.protect(namespace);

    await expect(adapter.restoreSession('pid', 'offset')).resolves.toBe(session);
  });

  it('drops the session once the token has expired, tolerance included', async () => {
    const { clock, sessions, namespaceRestoring } = setup();
    const { namespace, adapter } = namespaceRestoring({ data: { user: principal() } });
    sessions.protect(namespace);

    clock.set(T0 + 64_999);
    await expect(adapter.restoreSession('pid', 'offset')).resolves.not.toBeNull();
    clock.set(T0 + 65_000);
    await expect(adapter.restoreSession('pid', 'offset')).resolves.toBeNull();
  });

  it('drops the session of a revoked token', async () => {
    const { revocations, sessions, namespaceRestoring } = setup();
    const { namespace, adapter } = namespaceRestoring({ data: { user: principal() } });
    sessions.protect(namespace);

    revocations.add({ jti: 'token-1' }, T0 + 60_000);

    await expect(adapter.restoreSession('pid', 'offset')).resolves.toBeNull();
  });

  it('keeps a session whose token has no expiry', () => {
    const { sessions } = setup();

    expect(sessions.isStillValid({ data: { user: principal({ expiresAt: null }) } })).toBe(true);
  });

  it.each([
    ['no data', {}],
    ['no principal', { data: {} }],
  ])('drops a session with %s', (_name, session) => {
    expect(setup().sessions.isStillValid(session)).toBe(false);
  });

  it('passes on a session the adapter did not find', async () => {
    const { sessions, namespaceRestoring } = setup();
    const { namespace, adapter } = namespaceRestoring(null);
    sessions.protect(namespace);

    await expect(adapter.restoreSession('pid', 'offset')).resolves.toBeNull();
  });

  it('leaves an adapter without session restore alone', () => {
    const { sessions } = setup();
    const adapter = {};

    sessions.protect({ adapter } as unknown as Namespace);

    expect(adapter).toEqual({});
  });
});
