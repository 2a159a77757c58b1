import { RollingWindow } from './rolling-window.js';

describe('RollingWindow', () => {
  it('counts calls and failures', () => {
    const window = new RollingWindow(10_000, 10);

    window.record(0, true);
    window.record(500, false);
    window.record(1_500, true);

    expect(window.countAt(1_500)).toEqual({ calls: 3, failures: 2 });
  });

  it('drops a bucket at the window end', () => {
    const window = new RollingWindow(10_000, 10);
    window.record(0, true);
    window.record(999, true);

    expect(window.countAt(9_999)).toEqual({ calls: 2, failures: 2 });
    expect(window.countAt(10_000)).toEqual({ calls: 0, failures: 0 });
  });

  it('reuses a slot for a later bucket', () => {
    const window = new RollingWindow(10_000, 10);
    window.record(0, true);
    window.record(10_000, false);

    expect(window.countAt(10_000)).toEqual({ calls: 1, failures: 0 });
  });

  it('ignores buckets after the time read', () => {
    const window = new RollingWindow(10_000, 10);
    window.record(5_000, true);

    expect(window.countAt(4_999)).toEqual({ calls: 0, failures: 0 });
  });

  it('places bucket edges exactly when the width is fractional', () => {
    const window = new RollingWindow(1_000, 3);
    window.record(333, true);
    window.record(334, true);

    // Buckets start at 0, 333.33 and 666.67 ms, so 333 and 334 fall into different buckets.
    expect(window.countAt(1_333)).toEqual({ calls: 1, failures: 1 });
    expect(window.countAt(1_334)).toEqual({ calls: 0, failures: 0 });
  });

  it('keeps edges exact at present-day times', () => {
    const window = new RollingWindow(10_000, 7);
    const start = 1_700_000_000_000;
    window.record(start, true);

    expect(window.countAt(start + 9_999)).toEqual({ calls: 1, failures: 1 });
    expect(window.countAt(start + 10_000)).toEqual({ calls: 0, failures: 0 });
  });

  it('accepts times before the epoch', () => {
    const window = new RollingWindow(10_000, 10);
    window.record(-1, true);

    expect(window.countAt(-1)).toEqual({ calls: 1, failures: 1 });
    expect(window.countAt(8_999)).toEqual({ calls: 1, failures: 1 });
    expect(window.countAt(9_000)).toEqual({ calls: 0, failures: 0 });
  });

  it('forgets everything on clear', () => {
    const window = new RollingWindow(10_000, 10);
    window.record(0, true);

    window.clear();

    expect(window.countAt(0)).toEqual({ calls: 0, failures: 0 });
  });
});
