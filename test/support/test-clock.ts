import type { Clock } from '../../src/ws-auth/index.js';

/** A clock that moves only when a test moves it. */
export class TestClock implements Clock {
  constructor(private nowMs: number = Date.UTC(2030, 0, 1)) {}

  now(): number {
    return this.nowMs;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.nowMs += ms;
  }

  /** Sets the clock to `ms` milliseconds since the epoch. */
  set(ms: number): void {
    this.nowMs = ms;
  }
}
