import { io, type Socket } from 'socket.io-client';

/** Maximum wait for one handshake, in milliseconds, so that no benchmark waits without bound. */
const CONNECT_TIMEOUT_MS = 30_000;

/** Maximum wait for one acknowledgement, in milliseconds. */
const ACK_TIMEOUT_MS = 30_000;

/** Outcome of one handshake: the connected socket and its latency, or the error's message. */
export type HandshakeOutcome =
  | { readonly connected: true; readonly socket: Socket; readonly latencyMs: number }
  | { readonly connected: false; readonly error: string; readonly latencyMs: number };

/** Opens one WebSocket connection with `token` in the handshake's `auth` and waits for its outcome. */
export function handshake(url: string, token: string): Promise<HandshakeOutcome> {
  const started = performance.now();
  const socket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  });

  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket, latencyMs: performance.now() - started }));
    socket.once('connect_error', (error: Error) => {
      socket.close();
      resolve({ connected: false, error: error.message, latencyMs: performance.now() - started });
    });
  });
}

/**
 * Runs one handshake per token with at most `concurrency` in progress and returns the outcomes
 * in the order of `tokens`. With `closeAfterConnect`, each socket disconnects as soon as it
 * connected, so the batch measures whole connections.
 */
export async function handshakes(
  url: string,
  tokens: readonly string[],
  concurrency: number,
  closeAfterConnect: boolean,
): Promise<HandshakeOutcome[]> {
  const outcomes: HandshakeOutcome[] = new Array<HandshakeOutcome>(tokens.length);
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < tokens.length) {
      const index = next;
      next += 1;
      const outcome = await handshake(url, tokens[index]!);
      if (outcome.connected && closeAfterConnect) {
        outcome.socket.disconnect();
      }
      outcomes[index] = outcome;
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
  return outcomes;
}

/** Returns the connected sockets, or throws with the first error when any handshake failed. */
export function expectConnected(outcomes: readonly HandshakeOutcome[], description: string): Socket[] {
  const sockets: Socket[] = [];
  const errors: string[] = [];

  for (const outcome of outcomes) {
    if (outcome.connected) {
      sockets.push(outcome.socket);
    } else {
      errors.push(outcome.error);
    }
  }

  if (errors.length > 0) {
    closeAll(sockets);
    throw new Error(`${errors.length} of ${outcomes.length} handshakes to ${description} failed, the first with "${errors[0]}".`);
  }
  return sockets;
}

/** Disconnects every socket. */
export function closeAll(sockets: Iterable<Socket>): void {
  for (const socket of sockets) {
    socket.disconnect();
  }
}

/**
 * Sends `count` chat messages to `room` with acknowledgements, keeping `window` messages in
 * flight, and throws when one is not acknowledged with `ok: true`.
 */
export async function sendChatMessages(socket: Socket, room: string, count: number, window: number): Promise<void> {
  let sent = 0;

  const worker = async (): Promise<void> => {
    while (sent < count) {
      sent += 1;
      const ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('chat:message', { room, text: 'hello' })) as { ok?: unknown };
      if (ack.ok !== true) {
        throw new Error(`A chat message was not accepted: ${JSON.stringify(ack)}.`);
      }
    }
  };

  await Promise.all(Array.from({ length: window }, worker));
}
