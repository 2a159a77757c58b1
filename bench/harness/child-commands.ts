import type { ChildMessage, CommandRequest } from './child-process.js';

/** Handler of one command that the parent may send; its return value is the reply. */
export type CommandHandler = (payload: unknown) => unknown;

/**
 * Serves the parent's requests in a child started with `BenchChild.start`: sends `info` as the
 * `ready` message, runs the handler named by each request and replies with its result.
 *
 * The `stop` command runs `stop`, replies and closes the IPC channel, so the process ends once
 * `stop` has closed every server. A parent that goes away also triggers `stop`.
 */
export function serveCommands(info: unknown, handlers: Record<string, CommandHandler>, stop: () => Promise<void>): void {
  let stopping: Promise<void> | null = null;
  const stopOnce = (): Promise<void> => (stopping ??= stop());

  process.on('message', (request: CommandRequest) => {
    void answer(request);
  });
  process.once('disconnect', () => {
    void stopOnce();
  });

  async function answer({ id, command, payload }: CommandRequest): Promise<void> {
    let reply: ChildMessage;
    try {
      if (command === 'stop') {
        await stopOnce();
        reply = { type: 'reply', id, ok: true, value: null };
      } else {
        const handler = handlers[command];
        if (handler === undefined) {
          throw new Error(`Unknown command "${command}"; known commands: stop, ${Object.keys(handlers).join(', ')}.`);
        }
        reply = { type: 'reply', id, ok: true, value: await handler(payload) };
      }
    } catch (error) {
      reply = { type: 'reply', id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }

    process.send?.(reply);
    if (command === 'stop') {
      process.disconnect?.();
    }
  }

  const ready: ChildMessage = { type: 'ready', info };
  process.send?.(ready);
}
