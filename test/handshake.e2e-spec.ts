import { createHmac, generateKeyPairSync } from 'node:crypto';

import { jest } from '@jest/globals';
import type { SpiedFunction } from 'jest-mock';
import type { Socket } from 'socket.io-client';

import { ChatGateway } from '../src/chat/chat.gateway.js';
import { AuthFailureLog, WS_AUTH_CLOCK, WsAuthErrorCode } from '../src/ws-auth/index.js';
import { startChatApp, type RunningChatApp } from './support/chat-app.js';
import { CapturingLogger } from './support/log-capture.js';
import { connect, expectRejectedHandshake } from './support/socket-client.js';
import { TestClock } from './support/test-clock.js';
import { rawToken, seconds, signHs256, signWithKey, TEST_SECRET } from './support/tokens.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'chat-api';
const TOLERANCE_SEC = 30;

interface HostileCase {
  name: string;
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  code: WsAuthErrorCode;
}

describe('Handshake authentication (e2e)', () => {
  const clock = new TestClock();
  const logger = new CapturingLogger();
  const nowSec = (): number => seconds(clock.now());
  let chat: RunningChatApp;
  let handleConnection: SpiedFunction<ChatGateway['handleConnection']>;

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { sub: 'alice', scope: 'chat:write', iss: ISSUER, aud: AUDIENCE, exp: nowSec() + 600, ...extra };
  }

  function validToken(extra: Record<string, unknown> = {}): string {
    return signHs256(claims(extra));
  }

  /** HS256 signed with the RS public key's PEM text: the classic algorithm-confusion token. */
  function hsSignedWithPublicPem(): string {
    return signHs256(claims(), rsaPublicPem);
  }

  beforeAll(async () => {
    handleConnection = jest.spyOn(ChatGateway.prototype, 'handleConnection');
    chat = await startChatApp(
      { issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: TOLERANCE_SEC },
      (builder) => builder.overrideProvider(WS_AUTH_CLOCK).useValue(clock),
      logger,
    );
  });

  afterAll(async () => {
    handleConnection.mockRestore();
    await chat.close();
  });

  beforeEach(() => {
    handleConnection.mockClear();
  });

  const hostileCases = (): HostileCase[] => [
    { name: 'no auth at all', code: WsAuthErrorCode.TOKEN_MISSING },
    { name: 'empty auth object', auth: {}, code: WsAuthErrorCode.TOKEN_MISSING },
    { name: 'auth.token empty string', auth: { token: '' }, code: WsAuthErrorCode.TOKEN_MISSING },
    { name: 'auth.token only spaces', auth: { token: '   ' }, code: WsAuthErrorCode.TOKEN_MISSING },
    { name: 'auth.token "Bearer " alone', auth: { token: 'Bearer ' }, code: WsAuthErrorCode.TOKEN_MISSING },
    { name: 'auth.token as number', auth: { token: 12345 }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'auth.token as object', auth: { token: { jwt: 'x' } }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'auth.token as array', auth: { token: [validToken()] }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'auth.token as boolean', auth: { token: true }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'two segments', auth: { token: validToken().split('.').slice(0, 2).join('.') }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'four segments', auth: { token: `${validToken()}.extra` }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'truncated signature', auth: { token: validToken().slice(0, -10) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'truncated in the payload', auth: { token: validToken().slice(0, 60) }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: '8 KiB+ of junk', auth: { token: 'x'.repeat(8193) }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: '8 KiB+ JWT-shaped junk', auth: { token: `${'a'.repeat(4000)}.${'b'.repeat(4000)}.${'c'.repeat(400)}` }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'random words', auth: { token: 'not a token at all' }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'header not JSON', auth: { token: 'bm90LWpzb24.eyJzdWIiOiJhIn0.c2ln' }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'payload not JSON, bad signature', auth: { token: `${encodedHs256Header}.bm90LWpzb24.c2ln` }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'payload not JSON, signed', auth: { token: signSegments(encodedHs256Header, 'bm90LWpzb24') }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'header without alg', auth: { token: rawToken({ typ: 'JWT' }, claims(), 'c2ln') }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'alg none without signature', auth: { token: rawToken({ alg: 'none' }, claims()) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'alg NONE upper case', auth: { token: rawToken({ alg: 'NONE' }, claims()) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'alg none with a signature', auth: { token: rawToken({ alg: 'none' }, claims(), 'c2ln') }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'HS256 signed with the RS public PEM', auth: { token: hsSignedWithPublicPem() }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'RS256 token when only HS256 is allowed', auth: { token: signWithKey(claims(), rsa.privateKey, 'RS256') }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'HS512 token when only HS256 is allowed', auth: { token: signHs256(claims(), TEST_SECRET, 'HS512') }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'signed with another secret', auth: { token: signHs256(claims(), 'another-secret-that-is-long-enough-0123456789') }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'payload edited, signature kept', auth: { token: editPayload(validToken(), { sub: 'mallory' }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'wrong issuer', auth: { token: validToken({ iss: 'https://evil.test' }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'missing issuer', auth: { token: validToken({ iss: undefined }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'wrong audience', auth: { token: validToken({ aud: 'other-api' }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'missing audience', auth: { token: validToken({ aud: undefined }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'missing sub', auth: { token: validToken({ sub: undefined }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'numeric sub', auth: { token: validToken({ sub: 42 }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'exp missing', auth: { token: validToken({ exp: undefined }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'exp as string', auth: { token: validToken({ exp: String(nowSec() + 600) }) }, code: WsAuthErrorCode.TOKEN_INVALID },
    { name: 'expired an hour ago', auth: { token: validToken({ exp: nowSec() - 3600 }) }, code: WsAuthErrorCode.TOKEN_EXPIRED },
    { name: 'expired exactly at the tolerance edge', auth: { token: validToken({ exp: nowSec() - TOLERANCE_SEC }) }, code: WsAuthErrorCode.TOKEN_EXPIRED },
    { name: 'nbf an hour ahead', auth: { token: validToken({ nbf: nowSec() + 3600 }) }, code: WsAuthErrorCode.TOKEN_NOT_YET_VALID },
    { name: 'nbf one second past the tolerance', auth: { token: validToken({ nbf: nowSec() + TOLERANCE_SEC + 1 }) }, code: WsAuthErrorCode.TOKEN_NOT_YET_VALID },
    { name: 'Authorization header with a bad token', headers: { authorization: 'Bearer abc.def' }, code: WsAuthErrorCode.TOKEN_MALFORMED },
    { name: 'Authorization header with another scheme', headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, code: WsAuthErrorCode.TOKEN_MISSING },
  ];

  it('rejects more than 30 hostile handshakes with their codes', async () => {
    const cases = hostileCases();
    expect(cases.length).toBeGreaterThan(30);

    for (const hostile of cases) {
      const error = await expectRejectedHandshake(chat.chatUrl, hostile.auth, hostile.headers);
      expect({ name: hostile.name, message: error.message, code: error.data?.code }).toEqual({
        name: hostile.name,
        message: hostile.code,
        code: hostile.code,
      });
      expect(typeof error.data?.message).toBe('string');
    }

    expect(handleConnection).not.toHaveBeenCalled();
  });

  it('logs no token, secret or claim value for hostile handshakes', async () => {
    const cases = hostileCases();
    logger.clear();

    for (const hostile of cases) {
      await expectRejectedHandshake(chat.chatUrl, hostile.auth, hostile.headers);
    }
    clock.advance(60_000);
    chat.app.get(AuthFailureLog).flushIfDue();

    const summaries = logger.lines.filter((line) => line.text.includes('authentication failure'));
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.at(-1)?.text).toContain('TOKEN_INVALID');
    expect(summaries.at(-1)?.text).toContain('TOKEN_MALFORMED');
    const sentTokens = cases.flatMap((hostile) => [hostile.auth?.token, hostile.headers?.authorization]);
    const tokenTexts = sentTokens.filter((token): token is string => typeof token === 'string' && token.trim().length >= 8);
    const forbidden = [
      ...tokenTexts,
      ...tokenTexts.flatMap((token) => token.split('.')).filter((segment) => segment.length >= 8),
      TEST_SECRET,
      'another-secret-that-is-long-enough-0123456789',
      rsaPublicPem.split('\n')[1] ?? rsaPublicPem,
      ...['alice', 'mallory', 'https://evil.test', 'other-api', ISSUER, AUDIENCE, 'chat:write'],
    ];
    for (const line of logger.lines) {
      for (const secret of forbidden) {
        expect({ line: line.text, leaks: line.text.includes(secret) }).toEqual({ line: line.text, leaks: false });
      }
    }
  });

  it('keeps serving valid clients after hostile handshakes', async () => {
    await expectRejectedHandshake(chat.chatUrl, { token: 'x'.repeat(9000) });

    const socket = await connect(chat.chatUrl, { token: validToken() });
    expect(socket.connected).toBe(true);
    expect(handleConnection).toHaveBeenCalledTimes(1);
    socket.close();
  });

  it('accepts both sides of the clock tolerance edges', async () => {
    const accepted: Socket[] = [];
    const tokens = [
      validToken({ exp: nowSec() - TOLERANCE_SEC + 1 }),
      validToken({ nbf: nowSec() + TOLERANCE_SEC }),
      validToken({ nbf: nowSec() }),
    ];

    for (const token of tokens) {
      accepted.push(await connect(chat.chatUrl, { token }));
    }

    expect(accepted.map((socket) => socket.connected)).toEqual([true, true, true]);
    accepted.forEach((socket) => socket.close());
  });

  it('accepts a token from each source', async () => {
    const token = validToken();
    const fromAuth = await connect(chat.chatUrl, { token });
    const fromBearerAuth = await connect(chat.chatUrl, { token: `Bearer ${token}` });
    const fromHeader = await connect(chat.chatUrl, undefined, { authorization: `Bearer ${token}` });

    expect([fromAuth.connected, fromBearerAuth.connected, fromHeader.connected]).toEqual([true, true, true]);
    [fromAuth, fromBearerAuth, fromHeader].forEach((socket) => socket.close());
  });

  it('prefers auth.token over the Authorization header', async () => {
    const error = await expectRejectedHandshake(chat.chatUrl, { token: 'garbage' }, { authorization: `Bearer ${validToken()}` });

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MALFORMED);
  });

  it('ignores a query token while query tokens are off', async () => {
    const error = await expectRejectedHandshake(`${chat.chatUrl}?token=${validToken()}`);

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MISSING);
  });
});

describe('Handshake authentication with query tokens on (e2e)', () => {
  let chat: RunningChatApp;

  beforeAll(async () => {
    chat = await startChatApp({ allowQueryToken: true, queryTokenParameter: 'access_token' });
  });

  afterAll(async () => {
    await chat.close();
  });

  it('accepts a token from the configured query parameter', async () => {
    const token = signHs256({ sub: 'alice', exp: seconds(Date.now()) + 600 });
    const socket = await connect(`${chat.chatUrl}?access_token=${token}`);

    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('rejects a malformed query token', async () => {
    const error = await expectRejectedHandshake(`${chat.chatUrl}?access_token=abc`);

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MALFORMED);
  });

  it('names the size limit for an oversized token', async () => {
    const error = await expectRejectedHandshake(chat.chatUrl, { token: 'x'.repeat(8193) });

    expect(error.message).toBe(WsAuthErrorCode.TOKEN_MALFORMED);
    expect(error.data).toEqual({
      code: WsAuthErrorCode.TOKEN_MALFORMED,
      message: 'Authentication token is larger than the limit of 8192 bytes.',
    });
  });
});

const encodedHs256Header = Buffer.from('{"alg":"HS256"}').toString('base64url');

function signSegments(header: string, payload: string): string {
  const signature = createHmac('sha256', TEST_SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function editPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const edited = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `${header}.${edited}.${signature}`;
}
