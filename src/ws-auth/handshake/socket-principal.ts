import type { Socket } from 'socket.io';

import type { WsPrincipal } from '../verification/ws-principal.js';

/** Returns the principal that the handshake or the last refresh stored at `socket.data.user`. */
export function readSocketPrincipal(socket: Socket): WsPrincipal | undefined {
  return (socket.data as { user?: WsPrincipal } | undefined)?.user;
}

/** Stores `principal` at `socket.data.user`, where handlers read it with `@WsUser()`. */
export function writeSocketPrincipal(socket: Socket, principal: WsPrincipal): void {
  (socket.data as { user?: WsPrincipal }).user = principal;
}
