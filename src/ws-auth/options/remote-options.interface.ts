/** JWKS settings, used with `jwksUri`. */
export interface JwksOptions {
  /**
   * Time after which the fetched key set is fetched again before its next use, in milliseconds.
   * @default 600_000
   */
  maxAgeMs?: number;

  /**
   * Shortest time between two fetches caused by tokens whose `kid` is not in the key set, in
   * milliseconds, so that tokens with random `kid`s cannot flood the provider.
   * @default 30_000
   */
  cooldownMs?: number;
}

/** OAuth2 token introspection (RFC 7662) settings for opaque tokens. */
export interface IntrospectionOptions {
  /** Introspection endpoint, an `http:` or `https:` URL. */
  url: string;
  /** Client id for HTTP Basic client authentication. */
  clientId: string;
  /** Client secret for HTTP Basic client authentication; never logged. */
  clientSecret: string;

  /**
   * Maximum number of connections open to the introspection endpoint at once, from 1 to 10,000.
   * Requests beyond it wait for a free connection, and the wait counts towards `remoteTimeoutMs`,
   * so a storm of distinct tokens reaches the endpoint as at most this many requests at a time.
   * @default no limit: each request that finds no idle connection opens a new one
   */
  maxConnections?: number;
}

/** Policy for new handshakes while the breaker of their remote dependency is open. */
export type WhenBreakerOpen = 'use-cache' | 'deny-all';
