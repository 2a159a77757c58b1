/**
 * Authenticated identity of a socket, stored at `socket.data.user` after the handshake.
 *
 * It contains no token, because Socket.IO adapters may share `socket.data` with other nodes.
 */
export interface WsPrincipal {
  /** Subject (`sub` claim): the stable id of the user or client. */
  sub: string;
  /** Scopes granted to the token, from the `scope` (space-separated) or `scp` claim. */
  scopes: readonly string[];
  /** Expiry of the token in milliseconds since the epoch, or `null` when it has no `exp`. */
  expiresAt: number | null;
  /** Token id (`jti` claim), when present; revocation by id matches it. */
  jti?: string;
  /** Issue time (`iat` claim) in milliseconds since the epoch, when present. */
  issuedAt?: number;
  /** Every verified claim of the token, or the fields of an introspection response. */
  claims: Readonly<Record<string, unknown>>;
}
