/**
 * `npm run bench`: runs every benchmark and rewrites docs/benchmarks.md with the figures, the machine
 * and the date. `npm run bench -- ingest` runs one suite (the file keeps the others' last figures).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchIngest, ingestMarkdown } from './ingest.ts';
import { describeMachine } from './machine.ts';
import { benchCatalog, catalogMarkdown } from './catalog.ts';
import { benchNotify, notifyMarkdown } from './notify.ts';
import { benchSdk, sdkMarkdown } from './sdk.ts';
import { benchTimers, timersMarkdown } from './timers.ts';
import { benchFuzz, fuzzMarkdown } from './fuzz.ts';
import { benchSizing, sizingMarkdown } from './sizing.ts';
import { benchStartup, startupMarkdown } from './startup.ts';
import { benchMonth, monthMarkdown } from './month.ts';
import { benchHistory, historyMarkdown } from './history.ts';
import { benchStorm, stormMarkdown } from './storm.ts';

const OUT = resolve(import.meta.dirname, '../docs/benchmarks.md');

interface Suite {
  id: string;
  title: string;
  run: (log: (s: string) => void) => Promise<string>;
}

const SUITES: Suite[] = [
  {
    id: 'ingest',
    title: 'Ingest: alerts in, durably stored (issue 2)',
    run: async (log) => ingestMarkdown(await benchIngest(log)),
  },
  {
    id: 'timers',
    title: 'Escalation timer precision with 10,000 open incidents (issue 3)',
    run: async (log) => timersMarkdown(await benchTimers(log)),
  },
  {
    id: 'notify',
    title: 'Notification latency: alert accepted → first provider request (issue 4)',
    run: async (log) => notifyMarkdown(await benchNotify(log)),
  },
  {
    id: 'catalog',
    title: 'Catalog: build, check and test (issue 5)',
    run: (log) => Promise.resolve(catalogMarkdown(benchCatalog(log))),
  },
  {
    id: 'sdk',
    title: 'SDK overhead per instrumented call, tracing off and on (issues 8 and 21)',
    run: async (log) => sdkMarkdown(await benchSdk(log)),
  },
  {
    id: 'fuzz',
    title: 'Fuzzing the ingest endpoints: hostile requests, no 5xx (issue 15)',
    run: async (log) => fuzzMarkdown(await benchFuzz(log)),
  },
  {
    id: 'sizing',
    title: 'Sizing: memory and CPU per 1,000 open incidents and per 100 alerts/s (issue 16)',
    run: async (log) => sizingMarkdown(await benchSizing(log)),
  },
  {
    id: 'startup',
    title: 'Start-up and memory of `klaxon serve`: tsx over the sources, then the built package (issue 16)',
    run: async (log) => startupMarkdown(await benchStartup(log)),
  },
  {
    id: 'month',
    title: 'Backtest: the seed catalog over a simulated 30-day month (issue 18)',
    run: async (log) => monthMarkdown(await benchMonth(log)),
  },
  {
    id: 'history',
    title:
      'History: a year of incidents, alerts and pages behind the API, analytics, `/metrics` and the live feed (issue 22)',
    run: async (log) => historyMarkdown(await benchHistory(log)),
  },
  {
    id: 'storm',
    title: 'Alert storm: 100,000 alerts in 60 s, and a T1 page in the middle of it (issue 22)',
    run: async (log) => stormMarkdown(await benchStorm(log)),
  },
];

function section(id: string, title: string, body: string): string {
  return `<!-- suite:${id} -->\n## ${title}\n\n${body}\n<!-- /suite:${id} -->`;
}

function previousSections(): Map<string, string> {
  const map = new Map<string, string>();
  if (!existsSync(OUT)) return map;
  const text = readFileSync(OUT, 'utf8');
  for (const m of text.matchAll(/<!-- suite:([\w-]+) -->[\s\S]*?<!-- \/suite:\1 -->/g)) map.set(m[1]!, m[0]);
  return map;
}

const wanted = process.argv.slice(2);
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const sections = previousSections();
for (const suite of SUITES) {
  if (wanted.length && !wanted.includes(suite.id)) continue;
  log(`${suite.id}: start`);
  const started = performance.now();
  const body = await suite.run(log);
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  sections.set(
    suite.id,
    section(
      suite.id,
      suite.title,
      `Run ${when} UTC, ${((performance.now() - started) / 1000).toFixed(0)} s.\n\n${body}`,
    ),
  );
  log(`${suite.id}: done`);
}
const doc = [
  '# Benchmarks',
  '',
  'Written by `npm run bench`; do not edit by hand. Each suite compares Klaxon with the anchor its issue names, in the same run on the same machine.',
  '',
  describeMachine(),
  `- Written: ${new Date().toISOString().slice(0, 10)}`,
  '',
  ...SUITES.map((s) => sections.get(s.id)).filter(Boolean),
  '',
].join('\n');
writeFileSync(OUT, doc);
log(`wrote ${OUT}`);
