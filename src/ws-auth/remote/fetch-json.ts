import { type Dispatcher, fetch as fetchWithDispatcher } from 'undici';

import { AuthUnavailableError } from '../errors/auth-unavailable.error.js';

/** Largest response body read from an identity provider: 1 MiB, far above any JWKS or introspection response. */
export const MAX_RESPONSE_BYTES = 1_048_576;

/** A request to an identity provider endpoint. */
export interface RemoteRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Time after which the request is aborted, in milliseconds. */
  timeoutMs: number;
  /**
   * Connection pool of the endpoint, such as an undici `Agent` with a connection limit. Without
   * it, the request goes through Node's global `fetch` and its shared pool.
   */
  dispatcher?: Dispatcher;
}

/** The parts of a fetch response that are read here, common to Node's `fetch` and undici's. */
interface FetchedResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * Sends a request and returns the parsed JSON body of a 200 response.
 *
 * Every infrastructure failure becomes an {@link AuthUnavailableError} with a short reason:
 * `timeout` (the request was aborted through its `AbortSignal`), `connection_refused`,
 * `connection_reset`, `network_error`, `http_<status>` for any status but 200, `invalid_body`
 * for a body that is not JSON, and `body_too_large` past {@link MAX_RESPONSE_BYTES}.
 *
 * Node's global `fetch` sets no limit on connections per origin, so without a `dispatcher` a
 * storm of distinct tokens reaches the identity provider as a burst of new connections. A
 * `dispatcher` that limits its connections queues the requests beyond the limit instead. The
 * request goes through undici's own `fetch` then, because a dispatcher must be driven by the
 * `fetch` of the same undici version, which Node's bundled copy does not guarantee.
 */
export async function fetchJson(request: RemoteRequest): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  timer.unref();

  try {
    const init = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      redirect: 'manual',
    } as const;
    const response: FetchedResponse =
      request.dispatcher === undefined
        ? await fetch(request.url, init)
        : await fetchWithDispatcher(request.url, { ...init, dispatcher: request.dispatcher });

    if (response.status !== 200) {
      await response.body?.cancel();
      throw new AuthUnavailableError(`http_${response.status}`, `The identity provider responded with HTTP ${response.status}.`);
    }

    const text = await readBodyText(response);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new AuthUnavailableError('invalid_body', 'The identity provider sent a body that is not JSON.', { cause: error });
    }
  } catch (error) {
    throw toAuthUnavailable(error, controller.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
}

async function readBodyText(response: FetchedResponse): Promise<string> {
  const declaredLength = Number(response.headers.get('content-length'));
  if (declaredLength > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new AuthUnavailableError('body_too_large', `The identity provider sent a body of ${declaredLength} bytes.`);
  }

  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (reader === undefined) {
    return '';
  }

  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    received += value.byteLength;
    if (received > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new AuthUnavailableError('body_too_large', `The identity provider sent more than ${MAX_RESPONSE_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toAuthUnavailable(error: unknown, aborted: boolean): AuthUnavailableError {
  if (error instanceof AuthUnavailableError) {
    return error;
  }
  if (aborted) {
    return new AuthUnavailableError('timeout', 'The identity provider did not respond in time, so the request was aborted.', {
      cause: error,
    });
  }

  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (code === 'ECONNREFUSED') {
    return new AuthUnavailableError('connection_refused', 'The identity provider refused the connection.', { cause: error });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new AuthUnavailableError('connection_reset', 'The connection to the identity provider was reset.', { cause: error });
  }
  return new AuthUnavailableError('network_error', 'The identity provider could not be reached.', { cause: error });
}
