import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listen backlog of every benchmark server: connections that have completed the TCP handshake
 * but are not accepted yet. Node's default of 511 overflows when 2,000 clients connect at once,
 * and each dropped connection attempt is retried by the kernel only after a second, which would
 * measure that retry delay instead of the servers. Linux caps the value at `net.core.somaxconn`.
 */
export const LISTEN_BACKLOG = 4096;

/**
 * OAuth2 introspection endpoint on 127.0.0.1 that accepts every token after `delayMs` and
 * counts the requests it received.
 */
export class IntrospectionEndpoint {
  requests = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private readonly delayMs: number,
  ) {
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests += 1;
        const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
        const body = JSON.stringify({
          active: true,
          sub: `user-of-${token.slice(0, 32)}`,
          scope: 'chat:read chat:write',
          exp: Math.floor(Date.now() / 1000) + 3600,
        });

        const timer = setTimeout(() => {
          this.timers.delete(timer);
          response.writeHead(200, { 'content-type': 'application/json' }).end(body);
        }, this.delayMs);
        this.timers.add(timer);
      });
    });
  }

  /** Starts the endpoint on a free port of 127.0.0.1. */
  static async start(delayMs: number): Promise<IntrospectionEndpoint> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
    return new IntrospectionEndpoint(server, delayMs);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth2/introspect`;
  }

  /** Stops the endpoint and drops its open connections. */
  async close(): Promise<void> {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
