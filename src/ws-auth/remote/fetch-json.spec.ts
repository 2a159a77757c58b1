import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';

import { Agent } from 'undici';

import { fetchJson, MAX_RESPONSE_BYTES } from './fetch-json.js';

type Handler = Parameters<typeof createHttpServer>[1];

async function listen(server: HttpServer | TcpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function close(server: HttpServer | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) {
    server.closeAllConnections();
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('fetchJson', () => {
  const servers: (HttpServer | TcpServer)[] = [];

  async function serve(handler: Handler): Promise<string> {
    const server = createHttpServer(handler);
    servers.push(server);
    return listen(server);
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it('returns the parsed body of a 200 response', async () => {
    const url = await serve((_request, response) => response.end('{"keys":[]}'));

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000 })).resolves.toEqual({ keys: [] });
  });

  it('sends the method, headers and body', async () => {
    let received = '';
    const url = await serve((request, response) => {
      request.on('data', (chunk: Buffer) => (received += `${request.method ?? ''} ${request.headers['x-test'] as string} ${chunk.toString()}`));
      request.on('end', () => response.end('{}'));
    });

    await fetchJson({ url, method: 'POST', headers: { 'x-test': 'yes' }, body: 'token=abc', timeoutMs: 1000 });

    expect(received).toBe('POST yes token=abc');
  });

  it('rejects a redirect with its status', async () => {
    const url = await serve((_request, response) => response.writeHead(302, { location: '/elsewhere' }).end());

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ reason: 'http_302' });
  });

  it('rejects a declared body over the limit', async () => {
    const url = await serve((_request, response) =>
      response.writeHead(200, { 'content-length': String(MAX_RESPONSE_BYTES + 1) }).end(),
    );

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ reason: 'body_too_large' });
  });

  it('rejects a streamed body over the limit', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('['.padEnd(MAX_RESPONSE_BYTES, ' '));
      response.end(' 1]');
    });

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 5000 })).rejects.toMatchObject({ reason: 'body_too_large' });
  });

  it('accepts an empty body as invalid JSON', async () => {
    const url = await serve((_request, response) => response.end());

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ reason: 'invalid_body' });
  });

  it('aborts a body that stops arriving', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"keys":');
    });

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('reports a response that is not HTTP as a network error', async () => {
    const server = createTcpServer((socket) => {
      socket.end('garbage\r\n\r\n');
      socket.on('error', () => undefined);
      setImmediate(() => socket.destroy());
    });
    servers.push(server);
    const url = await listen(server);

    await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ reason: 'network_error' });
  });

  describe('through a connection pool', () => {
    const pools: Agent[] = [];

    function pool(connections: number): Agent {
      const agent = new Agent({ connections });
      pools.push(agent);
      return agent;
    }

    afterEach(async () => {
      await Promise.all(pools.splice(0).map((agent) => agent.destroy()));
    });

    it('returns the parsed body', async () => {
      const url = await serve((_request, response) => response.end('{"active":true}'));

      await expect(fetchJson({ url, method: 'POST', body: 'token=abc', timeoutMs: 1000, dispatcher: pool(1) })).resolves.toEqual({
        active: true,
      });
    });

    it('rejects a status other than 200', async () => {
      const url = await serve((_request, response) => response.writeHead(503).end());

      await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000, dispatcher: pool(1) })).rejects.toMatchObject({ reason: 'http_503' });
    });

    it('times out a request that waits for a connection', async () => {
      let requests = 0;
      const url = await serve(() => {
        requests += 1;
      });
      const dispatcher = pool(1);
      const first = fetchJson({ url, method: 'GET', timeoutMs: 300, dispatcher });

      const queued = fetchJson({ url, method: 'GET', timeoutMs: 100, dispatcher });

      await expect(queued).rejects.toMatchObject({ reason: 'timeout' });
      await expect(first).rejects.toMatchObject({ reason: 'timeout' });
      expect(requests).toBe(1);
    });

    it('reports a refused connection', async () => {
      const server = createTcpServer();
      const url = await listen(server);
      await close(server);

      await expect(fetchJson({ url, method: 'GET', timeoutMs: 1000, dispatcher: pool(1) })).rejects.toMatchObject({
        reason: 'connection_refused',
      });
    });
  });

  it('leaves no timer behind', async () => {
    const url = await serve((_request, response) => response.end('{}'));
    const timersBefore = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

    await fetchJson({ url, method: 'GET', timeoutMs: 60_000 });

    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(timersBefore);
  });
});
