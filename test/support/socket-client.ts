import { io, type Socket } from 'socket.io-client';

import type { WsAuthErrorBody } from '../../src/ws-auth/index.js';

/** A `connect_error` as the client receives it from the handshake middleware. */
export interface ConnectErrorEvent {
  message: string;
  data?: WsAuthErrorBody;
}

/** Opens a client that does not reconnect, so a rejected handshake stays rejected. */
export function openClient(url: string, auth?: Record<string, unknown>, headers?: Record<string, string>): Socket {
  return io(url, {
    auth,
    extraHeaders: headers,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
  });
}

/** Connects and resolves with the socket, or rejects with the `connect_error`. */
export function connect(url: string, auth?: Record<string, unknown>, headers?: Record<string, string>): Promise<Socket> {
  const socket = openClient(url, auth, headers);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: ConnectErrorEvent) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
  });
}

/** Connects and resolves with the `connect_error`; fails when the handshake is accepted. */
export function expectRejectedHandshake(
  url: string,
  auth?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<ConnectErrorEvent> {
  const socket = openClient(url, auth, headers);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('The handshake was accepted, but a rejection was expected.'));
    });
    socket.once('connect_error', (error: ConnectErrorEvent) => {
      socket.close();
      resolve({ message: error.message, data: error.data });
    });
  });
}

/** Emits `event` with an acknowledgement and resolves with the acknowledgement's payload. */
export function emitWithAck<T = unknown>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves with the next payload of `event` on `socket`. */
export function nextEvent<T = unknown>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (payload: T) => resolve(payload)));
}

/** Collects every payload of `event` on `socket`. */
export function collectEvents<T = unknown>(socket: Socket, event: string): T[] {
  const payloads: T[] = [];
  socket.on(event, (payload: T) => payloads.push(payload));
  return payloads;
}
