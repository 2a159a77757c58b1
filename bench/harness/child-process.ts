import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

/** A request from the parent to a child started with {@link BenchChild.start}. */
export interface CommandRequest {
  readonly id: number;
  readonly command: string;
  readonly payload: unknown;
}

/** A message from a child: its start-up information, or the reply to one request. */
export type ChildMessage =
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/** Settings of {@link BenchChild.start}. */
export interface ChildOptions {
  /** Arguments passed to the child script. */
  readonly args?: readonly string[];
  /** Starts Node with `--expose-gc`, so the child can collect garbage before it reads memory. */
  readonly exposeGc?: boolean;
  /** Time to wait for the child's `ready` message, in milliseconds. */
  readonly startTimeoutMs?: number;
}

/** Time allowed for a child to close its servers and exit after `stop`, in milliseconds. */
const STOP_TIMEOUT_MS = 10_000;

/** Children still running, stopped by {@link killRemainingChildren} if the parent fails. */
const running = new Set<ChildProcess>();

/**
 * A benchmark server in its own Node process, run through tsx and driven by IPC requests, so
 * that its CPU time and memory can be read apart from the clients' in the parent.
 */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    /** Payload of the child's `ready` message, such as the ports it listens on. */
    readonly info: unknown,
  ) {
    child.on('message', (message: ChildMessage) => this.settle(message));
    child.once('exit', (code, signal) => {
      running.delete(child);
      const reason = new Error(`The benchmark child exited (code ${code}, signal ${signal}) before it replied.`);
      for (const request of this.pending.values()) {
        request.reject(reason);
      }
      this.pending.clear();
    });
  }

  /** Starts `script` (a TypeScript file that calls `serveCommands`) and waits until it is ready. */
  static async start(script: URL, options: ChildOptions = {}): Promise<BenchChild> {
    const execArgv = ['--import', 'tsx', ...(options.exposeGc === true ? ['--expose-gc'] : []), ...profileArguments()];
    const child = fork(script, [...(options.args ?? [])], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    running.add(child);

    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const ready = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The benchmark child ${script.pathname} was not ready after ${timeoutMs} ms.`)), timeoutMs);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.type === 'ready') {
          resolve(message.info);
        } else {
          reject(new Error(`The benchmark child ${script.pathname} sent a reply before it was ready.`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The benchmark child ${script.pathname} exited with code ${code} before it was ready.`));
      });
    });

    try {
      return new BenchChild(child, await ready);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Sends a command and resolves with the child's reply; rejects after `timeoutMs` milliseconds. */
  request<T>(command: string, payload: unknown = null, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId;
    this.nextId += 1;

    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`The benchmark child did not reply to "${command}" within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });

      const request: CommandRequest = { id, command, payload };
      this.child.send(request);
    });
  }

  /** Asks the child to close its servers and exit, and kills it if it has not exited in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }

    const exited = once(this.child, 'exit');
    this.request('stop', null, STOP_TIMEOUT_MS).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private settle(message: ChildMessage): void {
    if (message.type !== 'reply') {
      return;
    }

    const request = this.pending.get(message.id);
    if (request === undefined) {
      return;
    }
    this.pending.delete(message.id);
    if (message.ok) {
      request.resolve(message.value);
    } else {
      request.reject(new Error(`The benchmark child failed: ${message.error}`));
    }
  }
}

/**
 * Returns the Node options that make a child write a CPU profile into the folder named by the
 * `BENCH_CPU_PROFILE_DIR` environment variable when it exits, or none when the variable is unset.
 */
function profileArguments(): string[] {
  const folder = process.env.BENCH_CPU_PROFILE_DIR;
  return folder === undefined || folder === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${folder}`];
}

/** Kills every child that is still running; for the parent's exit path after a failure. */
export function killRemainingChildren(): void {
  for (const child of running) {
    child.kill('SIGKILL');
  }
  running.clear();
}
