import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';

/**
 * Registry of the live sockets that passed the handshake, by socket id. Entries leave on
 * disconnect, so the registry never contains a closed socket.
 */
@Injectable()
export class AuthenticatedSockets {
  private readonly sockets = new Map<string, Socket>();

  /** Number of authenticated sockets connected to this process. */
  get size(): number {
    return this.sockets.size;
  }

  /** Adds a socket and removes it again when it disconnects. */
  add(socket: Socket): void {
    this.sockets.set(socket.id, socket);
    socket.once('disconnect', () => {
      this.sockets.delete(socket.id);
    });
  }

  /** Returns the live sockets; the iterator reflects later additions and removals. */
  values(): IterableIterator<Socket> {
    return this.sockets.values();
  }
}
