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

export function benchCatalog(log: (s: string) => void): CatalogTiming[] {
  const out = mkdtempSync(join(tmpdir(), 'klaxon-bench-catalog-'));
  return ['build', 'check', 'test'].map((step) => {
    log(`catalog: klaxon ${step}`);
    const started = performance.now();
    const r = spawnSync(process.execPath, [CLI, step, '--out', out, '--json'], {
      cwd: resolve(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    return { step, seconds: (performance.now() - started) / 1000, ok: r.status === 0 };
  });
}

export function catalogMarkdown(rows: CatalogTiming[]): string {
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  return [
    'The seed catalog, end to end as a CI runs it (each command a fresh process, including Node start-up): compile, then the tier policy',
    '+ `promtool check rules` + `amtool check-config`, then every generated promtool test (run in parallel, one process per file) and the',
    '`amtool config routes test` cases. Target: under 15 s in all.',
    '',
    '| Step | Seconds | Result |',
    '| --- | ---: | --- |',
    ...rows.map((r) => `| \`klaxon ${r.step}\` | ${r.seconds.toFixed(1)} | ${r.ok ? 'pass' : 'FAIL'} |`),
    `| **total** | **${total.toFixed(1)}** | |`,
  ].join('\n');
}
