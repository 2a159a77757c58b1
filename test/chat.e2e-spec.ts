import type { Socket } from 'socket.io-client';

import type { ChatMessageEvent, ChatPresenceEvent } from '../src/chat/chat.gateway.js';
import { WsAuthErrorCode, type WsAuthExceptionPayload, type WsDeniedAck } from '../src/ws-auth/index.js';
import { startChatApp, type RunningChatApp } from './support/chat-app.js';
import { collectEvents, connect, emitWithAck, nextEvent } from './support/socket-client.js';
import { seconds, signHs256 } from './support/tokens.js';

describe('Demo chat (e2e)', () => {
  let chat: RunningChatApp;
  const sockets: Socket[] = [];

  async function join(sub: string, scope = 'chat:write'): Promise<Socket> {
    const token = signHs256({ sub, scope, exp: seconds(Date.now()) + 600 });
    const socket = await connect(chat.chatUrl, { token });
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    chat = await startChatApp();
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await chat.close();
  });

  it('delivers messages to room members with the authenticated sender', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    await emitWithAck(alice, 'chat:join', { room: 'lobby' });

    const presence = nextEvent<ChatPresenceEvent>(alice, 'chat:presence');
    await expect(emitWithAck(bob, 'chat:join', { room: 'lobby' })).resolves.toEqual({ ok: true });
    await expect(presence).resolves.toEqual({ room: 'lobby', user: 'bob', event: 'joined' });

    const received = nextEvent<ChatMessageEvent>(bob, 'chat:message');
    const ack = await emitWithAck<{ ok: boolean; id: string }>(alice, 'chat:message', {
      room: 'lobby',
      text: 'hello bob',
      from: 'mallory',
    });
    const message = await received;

    expect(ack.ok).toBe(true);
    expect(message.id).toBe(ack.id);
    expect(message.from).toBe('alice');
    expect(message.text).toBe('hello bob');
    expect(message.room).toBe('lobby');
    expect(Number.isNaN(Date.parse(message.sentAt))).toBe(false);
  });

  it('keeps messages inside their room', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    const carol = await join('carol');
    await emitWithAck(alice, 'chat:join', { room: 'red' });
    await emitWithAck(bob, 'chat:join', { room: 'red' });
    await emitWithAck(carol, 'chat:join', { room: 'blue' });
    const carolMessages = collectEvents<ChatMessageEvent>(carol, 'chat:message');

    const bobReceived = nextEvent<ChatMessageEvent>(bob, 'chat:message');
    await emitWithAck(alice, 'chat:message', { room: 'red', text: 'secret plans' });
    await bobReceived;
    await emitWithAck(carol, 'chat:message', { room: 'blue', text: 'ping' });

    expect(carolMessages.map((message) => message.text)).toEqual(['ping']);
  });

  it('tells the others when a member leaves', async () => {
    const alice = await join('alice');
    const bob = await join('bob');
    await emitWithAck(alice, 'chat:join', { room: 'lobby' });
    await emitWithAck(bob, 'chat:join', { room: 'lobby' });

    const presence = nextEvent<ChatPresenceEvent>(alice, 'chat:presence');
    await expect(emitWithAck(bob, 'chat:leave', { room: 'lobby' })).resolves.toEqual({ ok: true });

    await expect(presence).resolves.toEqual({ room: 'lobby', user: 'bob', event: 'left' });
  });

  it('denies a message without the chat:write scope', async () => {
    const reader = await join('reader', 'chat:read');
    await emitWithAck(reader, 'chat:join', { room: 'lobby' });

    const exception = nextEvent<WsAuthExceptionPayload>(reader, 'exception');
    const ack = await emitWithAck<WsDeniedAck>(reader, 'chat:message', { room: 'lobby', text: 'hi' });

    expect(ack).toEqual({ ok: false, error: { code: WsAuthErrorCode.FORBIDDEN, message: expect.any(String) as string } });
    await expect(exception).resolves.toMatchObject({ status: 'error', code: WsAuthErrorCode.FORBIDDEN });
    await expect(emitWithAck(reader, 'chat:join', { room: 'other' })).resolves.toEqual({ ok: true });
  });

  it('denies a message to a room the sender has not joined', async () => {
    const alice = await join('alice');

    const ack = await emitWithAck<WsDeniedAck>(alice, 'chat:message', { room: 'lobby', text: 'hi' });

    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe(WsAuthErrorCode.FORBIDDEN);
  });

  it.each([
    ['a missing room', { text: 'hi' }],
    ['a room with spaces', { room: 'two words', text: 'hi' }],
    ['an upper-case room', { room: 'Lobby', text: 'hi' }],
    ['a room of 65 characters', { room: 'a'.repeat(65), text: 'hi' }],
    ['a numeric text', { room: 'lobby', text: 42 }],
    ['an empty text', { room: 'lobby', text: '' }],
    ['a text over 4 KiB', { room: 'lobby', text: 'é'.repeat(2049) }],
    ['a string payload', 'lobby'],
    ['a null payload', null],
  ])('answers %s with BAD_REQUEST and broadcasts nothing', async (_name, payload) => {
    const alice = await join('alice');
    const bob = await join('bob');
    await emitWithAck(alice, 'chat:join', { room: 'lobby' });
    await emitWithAck(bob, 'chat:join', { room: 'lobby' });
    const bobMessages = collectEvents<ChatMessageEvent>(bob, 'chat:message');

    const exception = nextEvent<WsAuthExceptionPayload>(alice, 'exception');
    const ack = await emitWithAck<WsDeniedAck>(alice, 'chat:message', payload);

    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe(WsAuthErrorCode.BAD_REQUEST);
    await expect(exception).resolves.toMatchObject({ status: 'error', code: WsAuthErrorCode.BAD_REQUEST });

    const followUp = nextEvent<ChatMessageEvent>(bob, 'chat:message');
    await emitWithAck(alice, 'chat:message', { room: 'lobby', text: 'valid' });
    await followUp;
    expect(bobMessages.map((message) => message.text)).toEqual(['valid']);
  });

  it('accepts a text of exactly 4 KiB', async () => {
    const alice = await join('alice');
    await emitWithAck(alice, 'chat:join', { room: 'lobby' });

    const ack = await emitWithAck<{ ok: boolean }>(alice, 'chat:message', { room: 'lobby', text: 'x'.repeat(4096) });

    expect(ack.ok).toBe(true);
  });
});
