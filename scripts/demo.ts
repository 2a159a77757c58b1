import 'reflect-metadata';

import type { AddressInfo } from 'node:net';

import { JwtService } from '@nestjs/jwt';
import { io, type Socket } from 'socket.io-client';

import { createChatApp } from '../src/bootstrap.js';
import type { ChatMessageEvent, ChatPresenceEvent } from '../src/chat/chat.gateway.js';
import { readDemoConfig } from '../src/config/demo-config.js';
import { type AuthRefreshAck, type WsAuthErrorBody, WsAuthErrorCode, type WsDeniedAck } from '../src/ws-auth/index.js';

/**
 * The newcomer's first command: starts the chat server in this process on a free port,
 * connects real Socket.IO clients, prints what happens and exits 0 when every step went as
 * expected (1 otherwise).
 */

const jwt = new JwtService();
const transcript: string[] = [];
let unexpected = 0;

function say(line: string): void {
  transcript.push(line);
  console.log(line);
}

function expectThat(condition: boolean, description: string): void {
  if (!condition) {
    unexpected += 1;
    say(`  !! unexpected: ${description}`);
  }
}

function sign(secret: string, sub: string, scope: string, expiresInSec: number): string {
  const nowSec = Math.floor(Date.now() / 1000);
  return jwt.sign({ sub, scope, exp: nowSec + expiresInSec }, { secret, algorithm: 'HS256' });
}

function open(url: string, token: string): Socket {
  return io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

function rejected(socket: Socket): Promise<{ message: string; data?: WsAuthErrorBody }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('The handshake was accepted.')));
    socket.once('connect_error', (error: Error & { data?: WsAuthErrorBody }) => {
      socket.close();
      resolve({ message: error.message, data: error.data });
    });
  });
}

/** Revokes every token of `sub` through the demo's admin endpoint. */
async function revoke(baseUrl: string, adminToken: string, sub: string): Promise<Response> {
  return fetch(`${baseUrl}/auth/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sub }),
  });
}

function nextEvent<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, resolve));
}

async function main(): Promise<void> {
  const config = readDemoConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
  const secret = String(config.wsAuth.secret);
  const app = await createChatApp(config, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer()).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const url = `${baseUrl}/chat`;

  const sockets: Socket[] = [];
  try {
    say(`Chat server listening on ${url} (secret: ${config.generatedSecret ? 'generated for this run' : 'WS_AUTH_JWT_SECRET'})`);
    say('');

    const alice = open(url, sign(secret, 'alice', 'chat:write', 900));
    const bob = open(url, sign(secret, 'bob', 'chat:write', 900));
    sockets.push(alice, bob);
    await Promise.all([connected(alice), connected(bob)]);
    say('alice connects with a valid token (scope chat:write)  -> connected');
    say('bob   connects with a valid token (scope chat:write)  -> connected');

    await alice.emitWithAck('chat:join', { room: 'lobby' });
    say('alice joins #lobby                                     -> ack { ok: true }');
    const presence = nextEvent<ChatPresenceEvent>(alice, 'chat:presence');
    await bob.emitWithAck('chat:join', { room: 'lobby' });
    const joined = await presence;
    say(`bob   joins #lobby; alice receives chat:presence       -> ${joined.user} ${joined.event}`);
    expectThat(joined.user === 'bob' && joined.event === 'joined', 'alice should see bob join');

    const toBob = nextEvent<ChatMessageEvent>(bob, 'chat:message');
    const aliceAck = (await alice.emitWithAck('chat:message', { room: 'lobby', text: 'Hi Bob!' })) as { ok: boolean };
    const atBob = await toBob;
    say(`alice -> #lobby "Hi Bob!"                              -> ack ok: ${aliceAck.ok}`);
    say(`bob   receives chat:message from "${atBob.from}": "${atBob.text}"`);
    expectThat(atBob.from === 'alice', 'the sender should be the authenticated sub');

    const toAlice = nextEvent<ChatMessageEvent>(alice, 'chat:message');
    await bob.emitWithAck('chat:message', { room: 'lobby', text: 'Hello Alice!' });
    const atAlice = await toAlice;
    say('bob   -> #lobby "Hello Alice!"                         -> ack ok: true');
    say(`alice receives chat:message from "${atAlice.from}": "${atAlice.text}"`);

    const refreshed = (await alice.emitWithAck('auth:refresh', { token: sign(secret, 'alice', 'chat:write', 3600) })) as AuthRefreshAck;
    say(`alice swaps in a fresh token with auth:refresh         -> ack ok: ${refreshed.ok}, still connected: ${alice.connected}`);
    expectThat(refreshed.ok && alice.connected, 'an in-band refresh should keep the socket');

    const reader = open(url, sign(secret, 'carol', 'chat:read', 900));
    sockets.push(reader);
    await connected(reader);
    await reader.emitWithAck('chat:join', { room: 'lobby' });
    const denied = (await reader.emitWithAck('chat:message', { room: 'lobby', text: 'let me in' })) as WsDeniedAck;
    say(`carol (scope chat:read only) sends to #lobby           -> denied ${denied.error.code}`);
    expectThat(denied.error.code === WsAuthErrorCode.FORBIDDEN, 'a message without chat:write should be FORBIDDEN');

    const bad = (await alice.emitWithAck('chat:message', { room: 'Not A Room!', text: 42 })) as WsDeniedAck;
    say(`alice sends a bad payload                              -> denied ${bad.error.code}`);
    expectThat(bad.error.code === WsAuthErrorCode.BAD_REQUEST, 'a bad payload should be BAD_REQUEST');

    const bobToken = sign(secret, 'bob', 'chat:write', 900);
    const bobAgain = open(url, bobToken);
    sockets.push(bobAgain);
    await connected(bobAgain);
    const revokedEvent = nextEvent<{ code: string }>(bobAgain, 'auth:revoked');
    const revocation = await revoke(baseUrl, sign(secret, 'ops', 'ws-auth:admin', 300), 'bob');
    const revokedNotice = await revokedEvent;
    say(`ops revokes bob with POST /auth/revoke                 -> HTTP ${revocation.status}; bob receives auth:revoked ${revokedNotice.code}`);
    expectThat(revocation.status === 200, 'the revocation endpoint should answer 200');
    const afterRevocation = await rejected(open(url, bobToken));
    say(`bob reconnects with the revoked token                  -> connect_error ${afterRevocation.message}`);
    expectThat(afterRevocation.message === String(WsAuthErrorCode.TOKEN_REVOKED), 'a revoked token should be rejected');

    say('');
    const expired = await rejected(open(url, sign(secret, 'eve', 'chat:write', -60)));
    say(`eve connects with a token that expired a minute ago    -> connect_error ${expired.message}: ${expired.data?.message ?? ''}`);
    expectThat(expired.message === String(WsAuthErrorCode.TOKEN_EXPIRED), 'an expired token should be rejected with TOKEN_EXPIRED');

    const forged = await rejected(open(url, sign('a-different-secret-that-is-long-enough', 'mallory', 'chat:write', 900)));
    say(`mallory connects with a token signed by another key    -> connect_error ${forged.message}: ${forged.data?.message ?? ''}`);
    expectThat(forged.message === String(WsAuthErrorCode.TOKEN_INVALID), 'a forged token should be rejected with TOKEN_INVALID');

    say('');
    say(unexpected === 0 ? 'Demo finished: every step went as expected.' : `Demo finished with ${unexpected} unexpected results.`);
  } finally {
    sockets.forEach((socket) => socket.close());
    await app.close();
  }

  process.exitCode = unexpected === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`The demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
