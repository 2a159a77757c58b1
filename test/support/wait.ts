/**
 * Resolves once `condition()` is true, checking after each turn of the event loop, so that a
 * test can wait for the server to process a disconnect. Rejects after `timeoutMs` of real time.
 */
export async function waitUntil(condition: () => boolean, description: string, timeoutMs = 5000): Promise<void> {
  const startedAt = Date.now();
  while (!condition()) {
    if (Date.now() - startedAt > timeoutMs) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting until ${description}.`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
