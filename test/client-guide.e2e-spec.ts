import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import type { Socket } from 'socket.io-client';

import {
  actionFor,
  type AuthErrorBody,
  connectWithTokenRefresh,
  type TokenRefreshClientOptions,
} from '../examples/token-refresh-client.js';
import { WS_AUTH_ERROR_CODES, WsAuthService } from '../src/ws-auth/index.js';
import { emitWithAck, nextEvent } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { startTimedChatApp, type TimedChatApp } from './support/timed-chat-app.js';
import { seconds, signHs256 } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

describe('Client guide', () => {
  it('shows the example client as it is in the repository', async () => {
    const guide = await readFile('docs/client-guide.md', 'utf8');
    const example = await readFile('examples/token-refresh-client.ts', 'utf8');

    expect(guide).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  it('names an action for every error code', () => {
    const actions = Object.fromEntries(WS_AUTH_ERROR_CODES.map((code) => [code, actionFor(code)]));

    expect(actions).toEqual({
      TOKEN_MISSING: 'retry-with-new-token',
      TOKEN_MALFORMED: 'give-up',
      TOKEN_INVALID: 'retry-with-new-token',
      TOKEN_EXPIRED: 'retry-with-new-token',
      TOKEN_NOT_YET_VALID: 'retry-later',
      TOKEN_REVOKED: 'give-up',
      FORBIDDEN: 'give-up',
      AUTH_UNAVAILABLE: 'retry-later',
      BAD_REQUEST: 'give-up',
    });
  });
});

describe('Example client (e2e)', () => {
  const clock = new TestClock();
  let chat: TimedChatApp;
  const sockets: Socket[] = [];

  /** Signs a token for alice that the test clock considers valid for `ttlSec` seconds. */
  function aliceToken(ttlSec = 120, jti: string = randomUUID()): string {
    const nowSec = seconds(clock.now());
    return signHs256({ sub: 'alice', scope: 'chat:write', jti, iat: nowSec, exp: nowSec + ttlSec });
  }

  /** Starts the example client with a token source that records every token it hands out. */
  function startClient(tokens: () => string = () => aliceToken()) {
    const issued: string[] = [];
    const failures: AuthErrorBody[] = [];
    const options: TokenRefreshClientOptions = {
      url: chat.chatUrl,
      getToken: () => {
        const token = tokens();
        issued.push(token);
        return Promise.resolve(token);
      },
      onAuthFailure: (error) => failures.push(error),
      retryDelayMs: 5,
      socketOptions: { transports: ['websocket'], forceNew: true },
    };
    const socket = connectWithTokenRefresh(options);
    sockets.push(socket);
    return { socket, issued, failures };
  }

  const advance = (ms: number): void => chat.advance(ms);

  beforeAll(async () => {
    chat = await startTimedChatApp(clock);
  });

  beforeEach(() => {
    // Each test starts in a new second, so tokens issued now postdate earlier revocations.
    clock.advance(10_000);
  });

  afterEach(async () => {
    await chat.closeSockets(sockets);
  });

  afterAll(async () => {
    await chat.close();
  });

  it('refreshes before expiry and stays connected', async () => {
    const { socket, issued, failures } = startClient(() => aliceToken(300));
    await nextEvent(socket, 'connect');
    const firstExpiry = clock.now() + 300_000;

    advance(240_000);
    await waitUntil(() => chat.scheduler.nextDeadline() === clock.now() + 240_000, 'the server has applied the refresh');
    advance(61_000);

    expect(clock.now()).toBeGreaterThan(firstExpiry);
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual([]);
    expect(socket.connected).toBe(true);
    await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
  });

  it('reconnects with a new token after an expiry', async () => {
    const { socket, issued, failures } = startClient();
    await nextEvent(socket, 'connect');
    const firstId = socket.id;
    const expired = nextEvent(socket, 'auth:expired');
    const reconnected = nextEvent(socket, 'disconnect').then(() => nextEvent(socket, 'connect'));

    advance(600_000);
    await expired;
    await reconnected;

    expect(socket.id).not.toBe(firstId);
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(failures).toEqual([]);
    await expect(emitWithAck(socket, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
  });

  it('gives up when the token is revoked', async () => {
    const { socket, failures } = startClient();
    await nextEvent(socket, 'connect');
    const disconnected = nextEvent<string>(socket, 'disconnect');
    clock.advance(1_000);

    chat.app.get(WsAuthService).revoke({ sub: 'alice' });
    await disconnected;

    expect(failures).toEqual([{ code: 'TOKEN_REVOKED', message: 'Authentication token has been revoked.' }]);
    expect(socket.active).toBe(false);
  });

  it('retries a rejected handshake with a new token', async () => {
    let calls = 0;
    const { socket, issued, failures } = startClient(() => {
      calls += 1;
      return calls === 1 ? aliceToken(-60) : aliceToken();
    });

    await nextEvent(socket, 'connect');

    expect(issued).toHaveLength(2);
    expect(failures).toEqual([]);
  });

  it('gives up on a revoked token at the handshake', async () => {
    const jti = randomUUID();
    chat.app.get(WsAuthService).revoke({ jti });
    const { socket, issued, failures } = startClient(() => aliceToken(120, jti));

    await waitUntil(() => failures.length > 0, 'the client has given up');

    expect(failures).toEqual([{ code: 'TOKEN_REVOKED', message: 'Authentication token has been revoked.' }]);
    expect(issued).toHaveLength(1);
    expect(socket.connected).toBe(false);
  });

  it('gives up after the retry limit', async () => {
    const { issued, failures } = startClient(() => aliceToken(-60));

    await waitUntil(() => failures.length > 0, 'the client has given up');

    expect(failures).toEqual([{ code: 'TOKEN_EXPIRED', message: 'Authentication token has expired.' }]);
    expect(issued).toHaveLength(6);
  });
});
