import type { LoggerService } from '@nestjs/common';

/** One line written through Nest's logger. */
export interface CapturedLine {
  readonly level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  readonly context: string | undefined;
  /** The message and every further argument (context, stack), joined as the console would print them. */
  readonly text: string;
}

/** Nest logger that keeps every line in memory instead of printing it. */
export class CapturingLogger implements LoggerService {
  readonly lines: CapturedLine[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.capture('log', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.capture('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.capture('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.capture('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.capture('verbose', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.capture('fatal', message, rest);
  }

  /** Returns the lines written in `context`. */
  inContext(context: string): CapturedLine[] {
    return this.lines.filter((line) => line.context === context);
  }

  /** Forgets every line captured so far. */
  clear(): void {
    this.lines.length = 0;
  }

  private capture(level: CapturedLine['level'], message: unknown, rest: unknown[]): void {
    // Nest passes the context as the last argument.
    const last = rest.at(-1);
    const context = typeof last === 'string' ? last : undefined;
    const text = [message, ...rest].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
    this.lines.push({ level, context, text });
  }
}
