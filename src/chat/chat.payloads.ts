import { WsAuthErrorCode, WsAuthException } from '../ws-auth/index.js';

/** Room names: 1 to 64 characters, lower-case letters, digits, `-` and `_`, starting with a letter or digit. */
export const ROOM_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Maximum size of a chat message, in UTF-8 bytes (4 KiB). */
export const MAX_TEXT_BYTES = 4096;

/** Payload of `chat:join` and `chat:leave`. */
export interface RoomPayload {
  room: string;
}

/** Payload of `chat:message`. */
export interface ChatMessagePayload {
  room: string;
  text: string;
}

/** Returns the payload when it names a valid room, or throws `BAD_REQUEST`. */
export function parseRoomPayload(body: unknown): RoomPayload {
  const room = readRoom(body);
  return { room };
}

/** Returns the payload when it has a valid room and text, or throws `BAD_REQUEST`. */
export function parseChatMessagePayload(body: unknown): ChatMessagePayload {
  const room = readRoom(body);
  const { text } = body as { text?: unknown };

  if (typeof text !== 'string') {
    throw badRequest('text must be a string.');
  }
  if (text.length === 0) {
    throw badRequest('text must not be empty.');
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
    throw badRequest(`text must be at most ${MAX_TEXT_BYTES} bytes.`);
  }
  return { room, text };
}

function readRoom(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The payload must be an object.');
  }

  const { room } = body as { room?: unknown };
  if (typeof room !== 'string') {
    throw badRequest('room must be a string.');
  }
  if (!ROOM_NAME_PATTERN.test(room)) {
    throw badRequest('room must be 1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit.');
  }
  return room;
}

function badRequest(message: string): WsAuthException {
  return new WsAuthException(WsAuthErrorCode.BAD_REQUEST, message);
}
