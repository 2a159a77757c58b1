import { EventEmitter } from 'node:events';

import type { Socket } from 'socket.io';

import type { WsPrincipal } from '../../src/ws-auth/index.js';

/** An event the server sent to the client. */
export interface SentEvent {
  readonly event: string;
  readonly payload: unknown;
}

/**
 * The parts of a server-side Socket.IO socket that the module uses, for unit tests. `emit`
 * records what the server sends; `receive` plays an event sent by the client.
 */
export class FakeSocket extends EventEmitter {
  private static nextId = 1;

  readonly id = `fake-socket-${FakeSocket.nextId++}`;
  readonly data: { user?: WsPrincipal } = {};
  readonly sent: SentEvent[] = [];
  connected = true;

  constructor(principal?: WsPrincipal) {
    super();
    if (principal !== undefined) {
      this.data.user = principal;
    }
  }

  /** Records an event sent to the client. */
  override emit(event: string, payload?: unknown): boolean {
    this.sent.push({ event, payload });
    return true;
  }

  /** Delivers an event from the client to the server's listeners. */
  receive(event: string, ...args: unknown[]): void {
    super.emit(event, ...args);
  }

  /** Disconnects as Socket.IO does: once, with a `disconnect` event. */
  disconnect(): this {
    if (this.connected) {
      this.connected = false;
      super.emit('disconnect', 'server namespace disconnect');
    }
    return this;
  }

  /** Names of the events sent so far, in order. */
  sentEvents(): string[] {
    return this.sent.map((sent) => sent.event);
  }

  /** This fake, typed as the Socket.IO socket the module expects. */
  asSocket(): Socket {
    return this as unknown as Socket;
  }
}
