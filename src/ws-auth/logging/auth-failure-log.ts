import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { type Clock, WS_AUTH_CLOCK } from '../clock/clock.js';
import { WsAuthErrorCode } from '../errors/ws-auth-error-code.js';
import { type ResolvedWsAuthOptions, WS_AUTH_RESOLVED_OPTIONS } from '../options/resolve-options.js';
import type { WsAuthStage } from '../telemetry/telemetry-labels.js';
import { redactTokens } from './redact.js';

/** Distinct `AUTH_UNAVAILABLE` causes listed per summary; further causes are counted as `other`. */
const MAX_LISTED_CAUSES = 8;

/** Maximum length of a cause in characters; a cause is meant to be a short code such as `timeout`. */
const MAX_CAUSE_LENGTH = 64;

/**
 * Logs authentication failures as summaries: a count per error code and stage, at most one line
 * per `logging.failureSummaryIntervalMs`, so an authentication storm cannot flood the log.
 *
 * The first failure after a quiet interval is logged at once, so the start of an outage shows
 * without delay. Later failures are counted, and their summary is written by the first failure
 * after the interval has passed, by a timer at the end of the interval, by {@link flushIfDue}, or
 * at shutdown. The interval is measured with the injected clock; the timer only triggers the check
 * and is `unref()`'d, so it never keeps the process alive.
 *
 * A summary contains codes, stages, counts and causes only. Causes are the `reason` of an
 * `AuthUnavailableError`, with anything token-like redacted.
 */
@Injectable()
export class AuthFailureLog implements OnModuleDestroy {
  private readonly logger = new Logger('WsAuth');
  private readonly intervalMs: number;
  /** Failures since the last summary, by code, then by stage. */
  private readonly counts = new Map<string, Map<WsAuthStage, number>>();
  /** `AUTH_UNAVAILABLE` causes since the last summary. */
  private readonly causes = new Map<string, number>();
  private pendingSince: number | null = null;
  private lastSummaryAt: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(WS_AUTH_CLOCK) private readonly clock: Clock,
    @Inject(WS_AUTH_RESOLVED_OPTIONS) options: ResolvedWsAuthOptions,
  ) {
    this.intervalMs = options.logging.failureSummaryIntervalMs;
  }

  /** Counts one failed attempt and writes the summary when one is due. */
  record(stage: WsAuthStage, code: string): void {
    let byStage = this.counts.get(code);
    if (byStage === undefined) {
      byStage = new Map();
      this.counts.set(code, byStage);
    }
    byStage.set(stage, (byStage.get(stage) ?? 0) + 1);
    this.pendingSince ??= this.clock.now();

    if (!this.flushIfDue()) {
      this.scheduleFlush();
    }
  }

  /**
   * Counts the cause of an `AUTH_UNAVAILABLE` verdict, listed in the next summary. The failed
   * attempt itself is counted by {@link record}.
   */
  recordUnavailableCause(reason: string): void {
    const cause = describeCause(reason);
    const key = this.causes.has(cause) || this.causes.size < MAX_LISTED_CAUSES ? cause : 'other';
    this.causes.set(key, (this.causes.get(key) ?? 0) + 1);
  }

  /**
   * Writes the summary when failures are pending and the interval since the last summary has
   * passed by the injected clock. Returns whether it wrote one.
   */
  flushIfDue(): boolean {
    if (this.pendingSince === null) {
      return false;
    }

    const now = this.clock.now();
    if (this.lastSummaryAt !== null && now < this.lastSummaryAt + this.intervalMs) {
      return false;
    }

    this.writeSummary(now);
    return true;
  }

  /** Stops the timer and writes the pending failures, so none are lost at shutdown. */
  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;

    if (this.pendingSince !== null) {
      this.writeSummary(this.clock.now());
    }
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined || this.stopped) {
      return;
    }

    const dueAt = (this.lastSummaryAt ?? this.clock.now()) + this.intervalMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.flushIfDue()) {
        // The injected clock has not reached the end of the interval yet (a test clock, or a
        // clock behind the timers), so the check runs again later.
        this.scheduleFlush();
      }
    }, Math.max(0, dueAt - this.clock.now()));
    this.timer.unref();
  }

  private writeSummary(now: number): void {
    const line = this.describePending();
    const unavailable = this.counts.has(WsAuthErrorCode.AUTH_UNAVAILABLE);

    this.counts.clear();
    this.causes.clear();
    this.pendingSince = null;
    this.lastSummaryAt = now;

    if (unavailable) {
      this.logger.warn(line);
    } else {
      this.logger.log(line);
    }
  }

  private describePending(): string {
    let total = 0;
    const perCode: string[] = [];

    for (const [code, byStage] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      const stages = [...byStage].map(([stage, count]) => `${stage} ${count}`);
      const count = [...byStage.values()].reduce((sum, value) => sum + value, 0);
      total += count;
      perCode.push(`${code} ${count} (${stages.join(', ')})`);
    }

    const since = new Date(this.pendingSince ?? this.clock.now()).toISOString();
    let line = `${total} authentication ${total === 1 ? 'failure' : 'failures'} since ${since}: ${perCode.join(', ')}.`;
    if (this.causes.size > 0) {
      const causes = [...this.causes].map(([cause, count]) => `${cause} ${count}`);
      line += ` AUTH_UNAVAILABLE causes: ${causes.join(', ')}.`;
    }
    return line;
  }
}

/**
 * Makes a cause safe and short for a log line: token-like runs redacted, and characters outside
 * printable ASCII replaced, so a cause cannot forge extra log lines.
 */
function describeCause(reason: unknown): string {
  if (typeof reason !== 'string' || reason.length === 0) {
    return 'unspecified';
  }
  const redacted = redactTokens(reason).replace(/[^\x20-\x7e]/g, '?');
  return redacted.length > MAX_CAUSE_LENGTH ? `${redacted.slice(0, MAX_CAUSE_LENGTH)}...` : redacted;
}
