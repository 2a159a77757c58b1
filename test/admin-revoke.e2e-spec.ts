import type { Socket } from 'socket.io-client';

import {
  AuthUnavailableError,
  type AuthRevokedEvent,
  type TokenVerdict,
  TokenVerifier,
  WS_AUTH_CLOCK,
  WsAuthErrorCode,
} from '../src/ws-auth/index.js';
import { startChatApp, type RunningChatApp } from './support/chat-app.js';
import { FakeIdentityProvider } from './support/fake-identity-provider.js';
import { connect, emitWithAck, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { seconds, signHs256 } from './support/tokens.js';

interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  wwwAuthenticate: string | null;
  retryAfter: string | null;
}

/** Posts `body` (a string is sent as is) to `POST /auth/revoke` of `baseUrl`. */
async function postRevoke(baseUrl: string, body: unknown, authorization?: string): Promise<HttpReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) {
    headers.authorization = authorization;
  }

  const response = await fetch(`${baseUrl}/auth/revoke`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('POST /auth/revoke (e2e)', () => {
  const clock = new TestClock();
  let chat: RunningChatApp;
  const sockets: Socket[] = [];

  function token(claims: Record<string, unknown>): string {
    const nowSec = seconds(clock.now());
    return signHs256({ iat: nowSec, exp: nowSec + 600, ...claims });
  }

  const adminToken = (): string => token({ sub: 'ops', scope: 'ws-auth:admin', jti: `admin-${clock.now()}` });

  beforeAll(async () => {
    chat = await startChatApp({}, (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock));
  });

  beforeEach(() => {
    clock.advance(10_000);
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await chat.close();
  });

  describe('401', () => {
    it('rejects a request without a token', async () => {
      const reply = await postRevoke(chat.baseUrl, { sub: 'alice' });

      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: WsAuthErrorCode.TOKEN_MISSING });
      expect(reply.wwwAuthenticate).toBe('Bearer');
    });

    it.each([
      ['a Basic credential', () => 'Basic b3BzOnNlY3JldA=='],
      ['an empty bearer', () => 'Bearer '],
    ])('rejects %s as missing', async (_name, authorization) => {
      const reply = await postRevoke(chat.baseUrl, { sub: 'alice' }, authorization());

      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: WsAuthErrorCode.TOKEN_MISSING });
    });

    it.each([
      ['a forged token', () => signHs256({ sub: 'ops', scope: 'ws-auth:admin', exp: seconds(clock.now()) + 600 }, 'another-secret-that-is-long-enough!!'), WsAuthErrorCode.TOKEN_INVALID],
      ['an expired token', () => token({ sub: 'ops', scope: 'ws-auth:admin', exp: seconds(clock.now()) - 60 }), WsAuthErrorCode.TOKEN_EXPIRED],
      ['a malformed token', () => 'not-a-jwt', WsAuthErrorCode.TOKEN_MALFORMED],
    ])('rejects %s', async (_name, makeToken, code) => {
      const reply = await postRevoke(chat.baseUrl, { sub: 'alice' }, `Bearer ${makeToken()}`);

      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code });
      expect(reply.wwwAuthenticate).toBe('Bearer error="invalid_token"');
    });

    it('checks the token before the body', async () => {
      const reply = await postRevoke(chat.baseUrl, {});

      expect(reply.status).toBe(401);
    });

    it('checks the token before parsing the body', async () => {
      const reply = await postRevoke(chat.baseUrl, '{bad');

      expect(reply.status).toBe(401);
    });

    it('rejects a revoked admin token', async () => {
      const revokedAdmin = adminToken();
      clock.advance(1_000);
      await postRevoke(chat.baseUrl, { sub: 'ops' }, `Bearer ${adminToken()}`);

      const reply = await postRevoke(chat.baseUrl, { sub: 'alice' }, `Bearer ${revokedAdmin}`);

      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: WsAuthErrorCode.TOKEN_REVOKED });
    });
  });

  it('rejects a token without the admin scope with 403', async () => {
    const reply = await postRevoke(chat.baseUrl, { sub: 'alice' }, `Bearer ${token({ sub: 'alice', scope: 'chat:write' })}`);

    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ code: WsAuthErrorCode.FORBIDDEN, message: 'The token lacks the scope ws-auth:admin.' });
    expect(reply.wwwAuthenticate).toBe('Bearer error="insufficient_scope", scope="ws-auth:admin"');
  });

  it.each([
    ['an empty object', {}, 'The body must contain exactly one of jti or sub.'],
    ['both jti and sub', { jti: 'a', sub: 'b' }, 'The body must contain exactly one of jti or sub.'],
    ['an array', [{ jti: 'a' }], 'The body must be a JSON object { jti } or { sub }.'],
    ['an empty jti', { jti: '' }, 'jti must be a string of 1 to 256 characters.'],
    ['a numeric sub', { sub: 42 }, 'sub must be a string of 1 to 256 characters.'],
    ['a long sub', { sub: 'x'.repeat(257) }, 'sub must be a string of 1 to 256 characters.'],
    ['an unknown field', { sub: 'alice', reason: 'spam' }, 'The body has unexpected fields: reason.'],
    ['issuedBefore with a jti', { jti: 'a', issuedBefore: 1 }, 'The body has unexpected fields: issuedBefore.'],
    ['a string issuedBefore', { sub: 'alice', issuedBefore: 'yesterday' }, 'issuedBefore must be a time in milliseconds since the epoch.'],
  ])('rejects %s with 400', async (_name, body, message) => {
    const reply = await postRevoke(chat.baseUrl, body, `Bearer ${adminToken()}`);

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ statusCode: 400, code: 'BAD_REQUEST', message });
  });

  it.each([
    ['invalid JSON', '{"jti":', 'The body is not valid JSON.'],
    ['a JSON string', '"alice"', 'The body must be a JSON object { jti } or { sub }.'],
  ])('rejects %s with 400', async (_name, body, message) => {
    const reply = await postRevoke(chat.baseUrl, body, `Bearer ${adminToken()}`);

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ statusCode: 400, code: 'BAD_REQUEST', message });
  });

  it('rejects a body that is not JSON by content type', async () => {
    const response = await fetch(`${chat.baseUrl}/auth/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'text/plain' },
      body: 'sub=alice',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: 400, code: 'BAD_REQUEST', message: 'Send the body as Content-Type: application/json.' });
  });

  it('revokes a jti and disconnects its socket', async () => {
    const revoked = await connect(chat.chatUrl, { token: token({ sub: 'alice', jti: 'chat-1', scope: 'chat:write' }) });
    const other = await connect(chat.chatUrl, { token: token({ sub: 'alice', jti: 'chat-2', scope: 'chat:write' }) });
    sockets.push(revoked, other);
    const revokedEvent = nextEvent<AuthRevokedEvent>(revoked, 'auth:revoked');
    const disconnected = nextEvent<string>(revoked, 'disconnect');

    const reply = await postRevoke(chat.baseUrl, { jti: 'chat-1' }, `Bearer ${adminToken()}`);

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      disconnectedSockets: 1,
      removedCacheEntries: 1,
      keptUntil: new Date((seconds(clock.now()) + 600) * 1000).toISOString(),
      broadcast: false,
    });
    await expect(revokedEvent).resolves.toMatchObject({ code: WsAuthErrorCode.TOKEN_REVOKED });
    await expect(disconnected).resolves.toBe('io server disconnect');
    await expect(emitWithAck(other, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
  });

  it('revokes a sub and disconnects its sockets', async () => {
    const bob = await connect(chat.chatUrl, { token: token({ sub: 'bob', jti: 'chat-3', scope: 'chat:write' }) });
    const carol = await connect(chat.chatUrl, { token: token({ sub: 'carol', jti: 'chat-4', scope: 'chat:write' }) });
    sockets.push(bob, carol);
    const disconnected = nextEvent<string>(bob, 'disconnect');
    clock.advance(1_000);

    const reply = await postRevoke(chat.baseUrl, { sub: 'bob' }, `Bearer ${adminToken()}`);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ disconnectedSockets: 1 });
    await expect(disconnected).resolves.toBe('io server disconnect');
    expect(carol.connected).toBe(true);
  });
});

/** Verifier whose identity provider is unreachable. */
class UnreachableVerifier extends TokenVerifier {
  verify(): Promise<TokenVerdict> {
    return Promise.reject(new AuthUnavailableError('timeout', 'The identity provider timed out.'));
  }
}

describe('POST /auth/revoke without identity provider (e2e)', () => {
  it('responds with 503', async () => {
    const chat = await startChatApp({}, (builder) => builder.overrideProvider(TokenVerifier).useClass(UnreachableVerifier));
    try {
      const reply = await postRevoke(chat.baseUrl, { sub: 'alice' }, 'Bearer any-token');

      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ code: WsAuthErrorCode.AUTH_UNAVAILABLE });
      expect(reply.retryAfter).toBeNull();
    } finally {
      await chat.close();
    }
  });

  it('sends Retry-After while the breaker is open', async () => {
    const clock = new TestClock();
    const provider = await FakeIdentityProvider.start();
    provider.introspectionBehaviour = { kind: 'status', status: 503 };
    const chat = await startChatApp(
      {
        introspection: { url: provider.introspectionUrl, clientId: 'chat', clientSecret: 'chat-secret' },
        breaker: { resetTimeoutMs: 30_000 },
      },
      (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
    );

    try {
      const failures: HttpReply[] = [];
      for (let index = 0; index < 5; index += 1) {
        failures.push(await postRevoke(chat.baseUrl, { sub: 'alice' }, `Bearer opaque-admin-token-${index}`));
      }
      clock.advance(12_500);
      const whileOpen = await postRevoke(chat.baseUrl, { sub: 'alice' }, 'Bearer opaque-admin-token-5');

      expect(failures.map((reply) => reply.status)).toEqual([503, 503, 503, 503, 503]);
      expect(failures.map((reply) => reply.retryAfter)).toEqual([null, null, null, null, '30']);
      expect(whileOpen.status).toBe(503);
      expect(whileOpen.retryAfter).toBe('18');
      expect(provider.introspectionRequests).toHaveLength(5);
    } finally {
      await chat.close();
      await provider.close();
    }
  });
});
