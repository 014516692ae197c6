/** Catalog build, check and test: the three commands a CI runs, timed as a user runs them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '../packages/cli/bin/klaxon.js');

export interface CatalogTiming {
  step: string;
  seconds: number;
  ok: boolean;
}

/**
 * build, check and test in a fresh output folder (so `klaxon test` starts with no cache: the figure a
 * clean CI checkout gets), then `test` once more, warm: every promtool file a cached pass.
 */
export function benchCatalog(log: (s: string) => void): CatalogTiming[] {
  const out = mkdtempSync(join(tmpdir(), 'klaxon-bench-catalog-'));
  return ['build', 'check', 'test', 'test (warm)'].map((step) => {
    log(`catalog: klaxon ${step}`);
    const started = performance.now();
    const r = spawnSync(process.execPath, [CLI, step.split(' ')[0]!, '--out', out, '--json'], {
      cwd: resolve(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    return { step, seconds: (performance.now() - started) / 1000, ok: r.status === 0 };
  });
}

export function catalogMarkdown(rows: CatalogTiming[]): string {
  const cold = rows.filter((r) => !r.step.includes('warm'));
  const warm = rows.find((r) => r.step.includes('warm'));
  const total = cold.reduce((s, r) => s + r.seconds, 0);
  const line = (r: CatalogTiming) =>
    `| \`klaxon ${r.step.split(' ')[0]}\`${r.step.includes('warm') ? ' (warm cache)' : ''} | ${r.seconds.toFixed(1)} | ${r.ok ? 'pass' : 'FAIL'} |`;
  return [
    'The seed catalog, end to end as a CI runs it (each command a fresh process, including Node start-up; `build`, `check` and `test`',
    'load only the catalog, not the engine): compile, then the tier policy + `promtool check rules` + `amtool check-config`, then every',
    'generated promtool test and the `amtool config routes test` cases. The promtool test files run batched, one promtool process per',
    'core (balanced by their estimated cost); the 7-day baseline tests evaluate their rules hourly over 5-minute samples. The total is',
    'the cold figure (a fresh output folder, no cached passes: a clean CI checkout). Below it, `klaxon test` again with every file a',
    'cached pass (unchanged test, rules and promtool). Target: the cold total under 8 s.',
    '',
    '| Step | Seconds | Result |',
    '| --- | ---: | --- |',
    ...cold.map(line),
    `| **total (cold)** | **${total.toFixed(1)}** | |`,
    ...(warm ? [line(warm)] : []),
  ].join('\n');
}
