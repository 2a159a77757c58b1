import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { killRemainingChildren } from './harness/child-process.js';
import { type Figure, renderMarkdown, verdictOf } from './harness/report.js';
import { renderRatioChart } from './harness/svg-chart.js';
import { benchBreaker } from './sections/breaker.js';
import { benchCacheHit } from './sections/cache-hit.js';
import { benchHandshake } from './sections/handshake.js';
import { benchMemory } from './sections/memory.js';
import { benchMessages } from './sections/messages.js';
import { benchStorm } from './sections/storm.js';
import { benchVerificationMiss } from './sections/verification-miss.js';
import type { BenchSettings } from './settings.js';

/**
 * `npm run bench`: every comparison of docs/BENCHMARKS.md in one run. Prints the results as
 * Markdown and, on a full run, writes the ratio chart to docs/benchmarks-ratios.svg.
 *
 * Options: `--only miss,hit,...` runs some sections (no chart unless `--svg` is given),
 * `--rounds N` sets the measured rounds (at least 5), `--svg PATH` writes the chart there.
 *
 * Each section runs in a Node process of its own, started with `--section NAME`, which prints
 * its figures as JSON. In one shared process, the code compiled and the garbage left by one
 * section changed the figures of the next. A cache hit through `TokenAuthenticator`, for
 * example, measured 1 µs in one full run and 6 µs in another.
 */

const SECTIONS = {
  miss: benchVerificationMiss,
  hit: benchCacheHit,
  handshake: benchHandshake,
  messages: benchMessages,
  storm: benchStorm,
  memory: benchMemory,
  breaker: benchBreaker,
} as const satisfies Record<string, (settings: BenchSettings) => Promise<Figure[]>>;

type SectionName = keyof typeof SECTIONS;

const DEFAULT_CHART = fileURLToPath(new URL('../docs/benchmarks-ratios.svg', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      rounds: { type: 'string', default: '7' },
      svg: { type: 'string' },
      section: { type: 'string' },
    },
  });

  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 5 || rounds > 50) {
    throw new RangeError(`--rounds must be an integer from 5 to 50; received ${values.rounds}.`);
  }

  if (values.section !== undefined) {
    await runSectionHere(selectSections(values.section)[0]!, rounds);
    return;
  }

  const selected = selectSections(values.only);
  const chartPath = values.svg ?? (values.only === undefined ? DEFAULT_CHART : null);

  const machine = `${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const started = performance.now();
  const settings = sectionSettings(rounds, started);
  const roundsText = `${rounds} rounds (micro-benchmarks: ${settings.microRounds}) after one warm-up round`;
  settings.log(`${machine}; ${roundsText}`);

  const figures: Figure[] = [];
  for (const name of selected) {
    figures.push(...(await runSectionInChild(name, rounds)));
  }

  const elapsedSec = (performance.now() - started) / 1000;
  const verdicts = figures.map(verdictOf).filter((verdict) => verdict !== '');
  const passed = verdicts.filter((verdict) => verdict === 'PASS').length;

  console.log(`Machine: ${machine}. ${roundsText}. Run time: ${elapsedSec.toFixed(0)} s.\n`);
  console.log(renderMarkdown(figures));
  console.log(`\nTargets: ${passed} PASS, ${verdicts.length - passed} MISS.`);

  if (chartPath !== null) {
    writeFileSync(chartPath, renderRatioChart(figures, `${machine}; ${new Date().toISOString().slice(0, 10)}; ${roundsText}`));
    settings.log(`chart written to ${relative(process.cwd(), chartPath)}`);
  }
}

/** Settings of one section, whose progress lines count the seconds from `startedMs`. */
function sectionSettings(rounds: number, startedMs: number): BenchSettings {
  return {
    rounds,
    microRounds: rounds * 3,
    log: (line) => console.error(`[${((performance.now() - startedMs) / 1000).toFixed(0).padStart(3)} s] ${line}`),
  };
}

/** Runs one section in this process and prints its figures as JSON on stdout, for the parent. */
async function runSectionHere(name: SectionName, rounds: number): Promise<void> {
  const figures = await SECTIONS[name](sectionSettings(rounds, performance.now()));
  process.stdout.write(JSON.stringify(figures));
}

/** Runs one section in a new Node process with this process's flags and returns its figures. */
function runSectionInChild(name: SectionName, rounds: number): Promise<Figure[]> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, '--section', name, '--rounds', String(rounds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (output += chunk));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`Section ${name} failed (exit code ${String(code)}, signal ${String(signal)}); its errors are printed above.`));
        return;
      }
      try {
        resolve(JSON.parse(output) as Figure[]);
      } catch (error) {
        reject(new Error(`Section ${name} printed no figures as JSON.`, { cause: error }));
      }
    });
  });
}

function selectSections(only: string | undefined): SectionName[] {
  const all = Object.keys(SECTIONS) as SectionName[];
  if (only === undefined) {
    return all;
  }

  const names = only.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!all.includes(name as SectionName)) {
      throw new TypeError(`--only takes section names from ${all.join(', ')}; received "${name}".`);
    }
  }
  return names as SectionName[];
}

process.on('exit', killRemainingChildren);

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
