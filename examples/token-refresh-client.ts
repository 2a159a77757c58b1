import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

/** Error body that the server sends in `connect_error.data`, acknowledgements and `auth:revoked`. */
export interface AuthErrorBody {
  code: string;
  message: string;
}

/** Acknowledgement of `auth:refresh`. */
export type AuthRefreshReply = { ok: true; expiresAt: number | null } | { ok: false; error: AuthErrorBody };

/** Client reaction to an error code. */
export type AuthErrorAction = 'retry-with-new-token' | 'retry-later' | 'give-up';

/** Maps each error code of the server to what the client should do about it. */
export function actionFor(code: string): AuthErrorAction {
  switch (code) {
    case 'TOKEN_MISSING':
    case 'TOKEN_EXPIRED':
    case 'TOKEN_INVALID':
      return 'retry-with-new-token';
    case 'TOKEN_NOT_YET_VALID':
    case 'AUTH_UNAVAILABLE':
      return 'retry-later';
    default:
      // TOKEN_REVOKED and FORBIDDEN: the user must sign in again.
      // TOKEN_MALFORMED and BAD_REQUEST: the client sent something broken. Retrying repeats it.
      return 'give-up';
  }
}

export interface TokenRefreshClientOptions {
  /** URL of the namespace, such as `https://chat.example.com/chat`. */
  url: string;
  /** Returns a valid access token, fetching a new one from the identity provider when needed. */
  getToken: () => Promise<string>;
  /** Called when retrying cannot help: the user must sign in again, or the client is broken. */
  onAuthFailure: (error: AuthErrorBody) => void;
  /** Delay before the first retry, in milliseconds, doubled for each further retry. Default 1000. */
  retryDelayMs?: number;
  /** Retries after which the client gives up and calls `onAuthFailure`. Default 5. */
  maxRetries?: number;
  /** Further socket.io-client options, such as `transports`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * Connects to a namespace protected by nestjs-ws-auth and keeps the connection authenticated:
 * every connection attempt sends a fresh token, the token is replaced in-band before it expires,
 * and auth errors are retried or reported as their code calls for.
 */
export function connectWithTokenRefresh(options: TokenRefreshClientOptions): Socket {
  const { url, getToken, onAuthFailure, retryDelayMs = 1_000, maxRetries = 5 } = options;
  let retries = 0;

  const socket = io(url, {
    ...options.socketOptions,
    // A function rather than an object, so that each attempt, reconnects included, fetches a token.
    auth: (send) => {
      getToken().then(
        (token) => send({ token }),
        () => send({}),
      );
    },
  });

  const retryLater = (again: () => void, error: AuthErrorBody): void => {
    retries += 1;
    if (retries > maxRetries) {
      onAuthFailure(error);
      return;
    }
    setTimeout(again, Math.min(retryDelayMs * 2 ** (retries - 1), 30_000));
  };

  const handle = (error: AuthErrorBody, again: () => void): void => {
    if (actionFor(error.code) === 'give-up') {
      onAuthFailure(error);
      return;
    }
    retryLater(again, error);
  };

  const refresh = async (): Promise<void> => {
    let reply: AuthRefreshReply;
    try {
      const token = await getToken();
      reply = (await socket.timeout(10_000).emitWithAck('auth:refresh', { token })) as AuthRefreshReply;
    } catch {
      // No token, or no acknowledgement in time: the current token is still valid, so try again.
      reply = { ok: false, error: { code: 'AUTH_UNAVAILABLE', message: 'The refresh did not complete.' } };
    }

    if (reply.ok) {
      retries = 0;
      return;
    }
    handle(reply.error, () => void refresh());
  };

  socket.on('connect', () => {
    retries = 0;
  });

  // The server rejected the handshake. Socket.IO retries only transport failures (socket.active).
  socket.on('connect_error', (error: Error & { data?: AuthErrorBody }) => {
    if (!socket.active && error.data !== undefined) {
      handle(error.data, () => socket.connect());
    }
  });

  // Sent before the token expires: swap in a fresh token without reconnecting.
  socket.on('auth:expiring', () => void refresh());

  // After auth:expired and auth:revoked the server disconnects the socket, and Socket.IO does not
  // reconnect after a server-side disconnect. An expired token only needs a fresh one.
  socket.on('auth:expired', () => {
    socket.once('disconnect', () => socket.connect());
  });
  socket.on('auth:revoked', (error: AuthErrorBody) => onAuthFailure(error));

  return socket;
}
