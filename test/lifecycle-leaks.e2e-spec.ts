import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { LeakCheckReport } from './support/lifecycle-leak-check.js';

const run = promisify(execFile);

describe('Lifecycle resources (e2e)', () => {
  it('leaves no deadline or timer after 1,000 cycles', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/support/lifecycle-leak-check.ts', '1000', '50'],
      { timeout: 60_000 },
    );

    const report = JSON.parse(stdout.trim()) as LeakCheckReport;
    expect(report.cycles).toBe(1_000);
    expect(report.failedRefreshes).toBe(0);
    expect(report.deadlinesAfter).toBe(0);
    expect(report.schedulerTimerArmedAfter).toBe(false);
    expect(report.resourcesAfter['Timeout'] ?? 0).toBe(report.resourcesBefore['Timeout'] ?? 0);
    expect(report.resourcesAfter).toEqual(report.resourcesBefore);
  }, 60_000);
});
