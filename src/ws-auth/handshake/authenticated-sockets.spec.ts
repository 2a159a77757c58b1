import { EventEmitter } from 'node:events';

import type { Socket } from 'socket.io';

import { AuthenticatedSockets } from './authenticated-sockets.js';

/** Builds a socket with the parts that the registry uses: an id and `once('disconnect')`. */
function fakeSocket(id: string): Socket & EventEmitter {
  return Object.assign(new EventEmitter(), { id }) as unknown as Socket & EventEmitter;
}

describe('AuthenticatedSockets', () => {
  it('starts empty', () => {
    const registry = new AuthenticatedSockets();

    expect(registry.size).toBe(0);
    expect([...registry.values()]).toEqual([]);
  });

  it('lists added sockets', () => {
    const registry = new AuthenticatedSockets();
    const first = fakeSocket('a');
    const second = fakeSocket('b');

    registry.add(first);
    registry.add(second);

    expect(registry.size).toBe(2);
    expect([...registry.values()]).toEqual([first, second]);
  });

  it('removes a socket on disconnect', () => {
    const registry = new AuthenticatedSockets();
    const first = fakeSocket('a');
    const second = fakeSocket('b');
    registry.add(first);
    registry.add(second);

    first.emit('disconnect', 'client namespace disconnect');

    expect(registry.size).toBe(1);
    expect([...registry.values()]).toEqual([second]);
  });

  it('ignores other events', () => {
    const registry = new AuthenticatedSockets();
    const socket = fakeSocket('a');
    registry.add(socket);

    socket.emit('disconnecting', 'transport close');

    expect(registry.size).toBe(1);
  });

  it('listens for one disconnect only', () => {
    const registry = new AuthenticatedSockets();
    const socket = fakeSocket('a');

    registry.add(socket);
    socket.emit('disconnect', 'transport close');

    expect(socket.listenerCount('disconnect')).toBe(0);
  });

  it('reflects later changes while iterating', () => {
    const registry = new AuthenticatedSockets();
    const first = fakeSocket('a');
    registry.add(first);
    const iterator = registry.values();

    registry.add(fakeSocket('b'));

    expect([...iterator].map((socket) => socket.id)).toEqual(['a', 'b']);
  });
});
