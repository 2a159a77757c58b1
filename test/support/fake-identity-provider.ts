import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Behaviour of an endpoint for the next requests. */
export type EndpointBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'not-json' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'delay'; delayMs: number; status?: number }
  /** Holds the response until `release` settles, so that a test decides when the response is sent. */
  | { kind: 'held'; release: Promise<void>; status?: number };

/** An introspection request as the provider received it. */
export interface IntrospectionRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
  /** True when the client closed the connection before the provider responded. */
  aborted: boolean;
}

/**
 * A JWKS and OAuth2 introspection endpoint on 127.0.0.1, scripted per test: responses, errors,
 * delays, hangs and connection resets. It counts every request it receives.
 */
export class FakeIdentityProvider {
  jwks: { keys: object[] } = { keys: [] };
  jwksBehaviour: EndpointBehaviour = { kind: 'ok' };
  jwksRequests = 0;

  /** Returns the introspection response for a token. The default reports every token as inactive. */
  introspect: (token: string) => Record<string, unknown> = () => ({ active: false });
  introspectionBehaviour: EndpointBehaviour = { kind: 'ok' };
  /** Behaviours used one per request before `introspectionBehaviour`, for flapping scripts. */
  introspectionScript: EndpointBehaviour[] = [];
  readonly introspectionRequests: IntrospectionRequest[] = [];
  /** TCP connections the provider has accepted since it started. */
  connectionsAccepted = 0;

  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts the provider on a free port of 127.0.0.1. */
  static async start(): Promise<FakeIdentityProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const provider = new FakeIdentityProvider(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => {
      provider.connectionsAccepted += 1;
      provider.sockets.add(socket);
      socket.on('close', () => provider.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => provider.handle(request, response));
    return provider;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  get introspectionUrl(): string {
    return `http://127.0.0.1:${this.port}/oauth2/introspect`;
  }

  /** Stops the provider and drops every open connection. */
  async close(): Promise<void> {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/.well-known/jwks.json' && request.method === 'GET') {
        this.jwksRequests += 1;
        this.respond(response, this.jwksBehaviour, () => this.jwks);
        return;
      }

      if (request.url === '/oauth2/introspect' && request.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const record: IntrospectionRequest = {
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          form,
          aborted: false,
        };
        this.introspectionRequests.push(record);
        response.on('close', () => {
          if (!response.writableEnded) {
            record.aborted = true;
          }
        });
        const behaviour = this.introspectionScript.shift() ?? this.introspectionBehaviour;
        this.respond(response, behaviour, () => this.introspect(form.get('token') ?? ''));
        return;
      }

      response.writeHead(404).end();
    });
  }

  private respond(response: ServerResponse, behaviour: EndpointBehaviour, body: () => unknown): void {
    switch (behaviour.kind) {
      case 'ok':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body()));
        return;
      case 'status':
        response.writeHead(behaviour.status, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
        return;
      case 'not-json':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
        return;
      case 'hang':
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!response.destroyed) {
            this.respond(response, behaviour.status === undefined ? { kind: 'ok' } : { kind: 'status', status: behaviour.status }, body);
          }
        }, behaviour.delayMs);
        this.timers.add(timer);
        return;
      }
      case 'held': {
        const reply: EndpointBehaviour = behaviour.status === undefined ? { kind: 'ok' } : { kind: 'status', status: behaviour.status };
        void behaviour.release.finally(() => !response.destroyed && this.respond(response, reply, body));
        return;
      }
    }
  }
}

/** Returns a port of 127.0.0.1 on which nothing listens, so connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
