import { monotonicMs, secondsSince } from './elapsed.js';

describe('elapsed time', () => {
  it('reads the monotonic time when the clock has one', () => {
    const clock = { now: () => 1_000, monotonicNow: () => 12.5 };

    expect(monotonicMs(clock)).toBe(12.5);
  });

  it('falls back to now() without a monotonic time', () => {
    const clock = { now: () => 1_000 };

    expect(monotonicMs(clock)).toBe(1_000);
  });

  it('returns seconds since a reading', () => {
    let ms = 100;
    const clock = { now: () => 0, monotonicNow: () => ms };
    const started = monotonicMs(clock);

    ms += 250.5;

    expect(secondsSince(clock, started)).toBe(0.2505);
  });

  it('never returns a negative duration', () => {
    let ms = 5_000;
    const clock = { now: () => ms };
    const started = monotonicMs(clock);

    ms -= 1_000;

    expect(secondsSince(clock, started)).toBe(0);
  });
});
