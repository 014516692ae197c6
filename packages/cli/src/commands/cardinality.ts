/**
 * `klaxon cardinality`: reads a running Prometheus's head block (`/api/v1/status/tsdb`) and holds it to
 * the series budget the catalog declares, per metric, per label and in total. Exit codes: 0 within
 * budget, 1 over it (the offenders and the fix on stderr), 2 nothing measured (bad URL, not Prometheus,
 * bad budget).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadCatalog, type CardinalityBudget } from '@klaxon/catalog';
import { CliError } from '../output.ts';
import { parseCount } from './options.ts';

export interface CardinalityFlags {
  prometheus: string;
  catalog?: string;
  top: number;
  json?: boolean;
}

export interface Measured {
  name: string;
  count: number;
  budget: number;
}

export interface CardinalityReport {
  prometheus: string;
  budgetFrom: string;
  budget: CardinalityBudget;
  totalSeries: { count: number; budget: number | null };
  /** The top `--top` metrics by series, then labels by values, then label pairs by series. */
  metrics: Measured[];
  labels: Measured[];
  labelPairs: { name: string; count: number }[];
  /** Everything over its budget, not only what made the top. */
  offenders: (Measured & { kind: 'metric' | 'label' | 'total' })[];
  /** How each count was taken (the TSDB status lists only a top 10 in Prometheus 2.x). */
  method: string[];
}

const DEFAULT_CATALOG = 'catalog/klaxon.catalog.ts';
const MAX_BODY = 64 * 1024 * 1024;
const FIX =
  'Fix: drop the label or the series at the scrape (metric_relabel_configs, a ServiceMonitor’s metricRelabelings), aggregate them in a recording rule and drop the raw series, or raise the budget in the catalog (cardinality.perMetric, cardinality.perLabel).';

const count = z.number().int().nonnegative();
export const budgetSchema = z
  .object({
    seriesPerMetric: count,
    valuesPerLabel: count,
    perMetric: z.record(z.string(), count).optional(),
    perLabel: z.record(z.string(), count).optional(),
    totalSeries: count.optional(),
  })
  .strict();

function validBudget(value: unknown, from: string): CardinalityBudget {
  const r = budgetSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new CliError(
    `${from}: cardinality.${issue.path.join('.') || '(root)'}: ${issue.message}; a budget is { seriesPerMetric, valuesPerLabel, perMetric?, perLabel?, totalSeries? } of whole numbers ≥ 0`,
    2,
  );
}

/** The budget of a build directory (prometheus/cardinality-budget.json) or a catalog file (default: the seed). */
async function loadBudget(catalog?: string): Promise<{ budget: CardinalityBudget; from: string }> {
  const arg = catalog ?? (existsSync(DEFAULT_CATALOG) ? DEFAULT_CATALOG : undefined);
  if (arg && existsSync(arg) && statSync(arg).isDirectory()) {
    const file = join(arg, 'prometheus', 'cardinality-budget.json');
    if (!existsSync(file))
      throw new CliError(
        `${file}: no budget in this build directory; declare cardinality in the catalog and run klaxon build`,
        2,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CliError(`${file}: not JSON (${(err as Error).message}); rebuild it with klaxon build`, 2);
    }
    return { budget: validBudget(parsed, file), from: file };
  }
  let loaded;
  try {
    loaded = await loadCatalog(arg);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const from = arg ?? 'the seed catalog';
  if (!loaded.cardinality)
    throw new CliError(
      `${from}: the catalog declares no cardinality budget; add cardinality: { seriesPerMetric, valuesPerLabel } to it`,
      2,
    );
  return { budget: validBudget(loaded.cardinality, from), from };
}

function baseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--prometheus "${value}" is not a URL; use e.g. http://prometheus:9090`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`--prometheus "${value}" must start with http:// or https://`, 2);
  return value.replace(/\/+$/, '');
}

/** The body as text, or null past MAX_BODY (the rest is not read). */
async function readCapped(res: Response): Promise<string | null> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY) {
      await res.body.cancel().catch(() => {});
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GETs a Prometheus API path and returns its `data`, or exits 2 saying what answered instead. */
async function api<T>(base: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliError(`could not reach Prometheus at ${base} (${cause}); check --prometheus`, 2);
  }
  const text = await readCapped(res);
  let body: { status?: string; data?: unknown; error?: string } | undefined;
  try {
    body = text === null ? undefined : (JSON.parse(text) as typeof body);
  } catch {
    body = undefined;
  }
  if (body?.status === 'success' && body.data !== undefined) return body.data as T;
  const what = body?.error
    ? `error "${body.error}"`
    : `${res.status} ${res.headers.get('content-type') ?? ''}`.trim();
  throw new CliError(
    `${base} did not answer GET ${path.split('?')[0]} as Prometheus does (${what}); point --prometheus at a Prometheus base URL, e.g. http://prometheus:9090`,
    2,
  );
}

interface TsdbStatus {
  headStats: { numSeries: number };
  seriesCountByMetricName: { name: string; value: number }[];
  labelValueCountByLabelName: { name: string; value: number }[];
  seriesCountByLabelValuePair: { name: string; value: number }[];
}

const budgetOf = (named: Record<string, number> | undefined, name: string, fallback: number) =>
  named && Object.hasOwn(named, name) ? named[name]! : fallback;

/** Runs `fn` over `items`, a few at a time. */
async function pool<T, R>(items: T[], fn: (t: T) => Promise<R>, size = 8): Promise<R[]> {
  const out: R[] = [];
  const queue = [...items];
  const worker = async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) out.push(await fn(t));
  };
  await Promise.all(Array.from({ length: size }, worker));
  return out;
}

export async function measure(
  flags: CardinalityFlags,
  deps: { say?: (m: string) => void } = {},
): Promise<CardinalityReport> {
  const say = deps.say ?? (() => {});
  const base = baseUrl(flags.prometheus);
  const { budget, from } = await loadBudget(flags.catalog);
  say('reading the TSDB status');
  const status = await api<TsdbStatus>(base, '/api/v1/status/tsdb');
  const lists = [
    status.seriesCountByMetricName,
    status.labelValueCountByLabelName,
    status.seriesCountByLabelValuePair,
  ];
  const pairs = (l: unknown) =>
    Array.isArray(l) &&
    l.every(
      (x: { name?: unknown; value?: unknown }) => typeof x?.name === 'string' && typeof x.value === 'number',
    );
  if (!lists.every(pairs) || typeof status.headStats?.numSeries !== 'number')
    throw new CliError(
      `${base}/api/v1/status/tsdb has no head statistics; is it Prometheus 2.14 or later?`,
      2,
    );

  // Series per metric: every metric, live now; the TSDB status's head counts win for its top 10.
  say('counting series per metric');
  const perName = new Map<string, number>();
  const live = await api<{ result?: { metric?: { __name__?: string }; value?: [number, string] }[] }>(
    base,
    `/api/v1/query?query=${encodeURIComponent('count by (__name__) ({__name__!=""})')}`,
  );
  for (const s of Array.isArray(live.result) ? live.result : [])
    if (s.metric?.__name__ && s.value) perName.set(s.metric.__name__, Number(s.value[1]));
  for (const m of status.seriesCountByMetricName)
    perName.set(m.name, Math.max(m.value, perName.get(m.name) ?? 0));

  // Values per label: the top 10 is exact; a label outside it has no more values than the 10th, so
  // only labels whose budget is below that bound are counted one by one.
  const perLabel = new Map(status.labelValueCountByLabelName.map((l) => [l.name, l.value]));
  const listed = status.labelValueCountByLabelName;
  const bound = listed.length >= 10 ? Math.min(...listed.map((l) => l.value)) : 0;
  const names = bound > 0 ? await api<string[]>(base, '/api/v1/labels') : [];
  const unlisted = names.filter(
    (n) => !perLabel.has(n) && budgetOf(budget.perLabel, n, budget.valuesPerLabel) < bound,
  );
  if (unlisted.length > 0) say(`counting the values of ${unlisted.length} labels`);
  const counted = await pool(unlisted, async (n) => {
    const values = await api<unknown>(base, `/api/v1/label/${encodeURIComponent(n)}/values`);
    return [n, Array.isArray(values) ? values.length : 0] as const;
  });
  for (const [n, c] of counted) perLabel.set(n, c);

  const metrics = [...perName].map(([name, c]) => ({
    name,
    count: c,
    budget: budgetOf(budget.perMetric, name, budget.seriesPerMetric),
  }));
  const labels = [...perLabel].map(([name, c]) => ({
    name,
    count: c,
    budget: budgetOf(budget.perLabel, name, budget.valuesPerLabel),
  }));
  const byCount = (a: { count: number; name: string }, b: { count: number; name: string }) =>
    b.count - a.count || a.name.localeCompare(b.name);
  metrics.sort(byCount);
  labels.sort(byCount);
  const total = { count: status.headStats.numSeries, budget: budget.totalSeries ?? null };
  const offenders: CardinalityReport['offenders'] = [
    ...(total.budget !== null && total.count > total.budget
      ? [{ kind: 'total' as const, name: 'all series', count: total.count, budget: total.budget }]
      : []),
    ...metrics.filter((m) => m.count > m.budget).map((m) => ({ kind: 'metric' as const, ...m })),
    ...labels.filter((l) => l.count > l.budget).map((l) => ({ kind: 'label' as const, ...l })),
  ];
  return {
    prometheus: base,
    budgetFrom: from,
    budget,
    totalSeries: total,
    metrics: metrics.slice(0, flags.top),
    labels: labels.slice(0, flags.top),
    labelPairs: status.seriesCountByLabelValuePair
      .slice(0, flags.top)
      .map((p) => ({ name: p.name, count: p.value })),
    offenders,
    method: [
      'series per metric: the TSDB status (head block) for its top 10, count by (__name__) ({__name__!=""}) over the series live now for every metric',
      `values per label: the TSDB status (head block) for its top 10${counted.length ? `, /api/v1/label/<name>/values for ${counted.length} more whose budget is below the 10th's count` : ''}`,
      'total: headStats.numSeries',
    ],
  };
}

function table(
  title: string,
  rows: { name: string; count: number; budget?: number }[],
  unit: string,
): string {
  if (rows.length === 0) return `${title}\n  (none)\n`;
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  const lines = rows.map((r) => {
    const mark = r.budget === undefined ? '' : r.count > r.budget ? '  OVER' : '  ok';
    const budget = r.budget === undefined ? '' : String(r.budget).padStart(10);
    return `  ${r.name.padEnd(width)}  ${String(r.count).padStart(10)}${budget}${mark}`;
  });
  const head = `  ${'NAME'.padEnd(width)}  ${unit.toUpperCase().padStart(10)}${rows[0]!.budget === undefined ? '' : 'BUDGET'.padStart(10)}`;
  return `${title}\n${head}\n${lines.join('\n')}\n`;
}

export function renderCardinality(r: CardinalityReport): string {
  const total = `Series in the head block: ${r.totalSeries.count}${r.totalSeries.budget === null ? '' : ` (budget ${r.totalSeries.budget})`}`;
  return [
    `Prometheus ${r.prometheus}, budget from ${r.budgetFrom}`,
    total,
    '',
    table('Series per metric', r.metrics, 'series'),
    table('Values per label', r.labels, 'values'),
    table('Series per label pair (TSDB status)', r.labelPairs, 'series'),
    r.offenders.length === 0 ? 'Within budget.\n' : `${r.offenders.length} over budget (see stderr).\n`,
  ].join('\n');
}

/** The stderr sentence for exit 1: each offender, then how to fix it. */
export function offendersMessage(r: CardinalityReport): string {
  const each = r.offenders.map((o) =>
    o.kind === 'total'
      ? `${o.count} series in all (budget ${o.budget})`
      : o.kind === 'metric'
        ? `metric ${o.name} has ${o.count} series (budget ${o.budget})`
        : `label ${o.name} has ${o.count} values (budget ${o.budget})`,
  );
  return `over the cardinality budget of ${r.budgetFrom}: ${each.join('; ')}. ${FIX}`;
}

export function registerCardinality(program: Command): void {
  program
    .command('cardinality')
    .description(
      'Hold a running Prometheus to the catalog’s series budget: the top series per metric and values per label from its TSDB status, and every one over budget (exit 1)',
    )
    .requiredOption('--prometheus <url>', 'Prometheus base URL, e.g. http://prometheus:9090')
    .option(
      '--catalog <dir|file>',
      `a klaxon build directory (prometheus/cardinality-budget.json) or a catalog .ts file (default: ${DEFAULT_CATALOG} if present, else the seed)`,
    )
    .option('--top <n>', 'rows per table', parseCount, 10)
    .option('--json', 'print the report as one JSON object')
    .addHelpText(
      'after',
      '\nExit codes: 0 within budget, 1 over budget (offenders and the fix on stderr), 2 nothing measured (bad URL, not Prometheus, bad budget).\n\nExamples:\n  klaxon cardinality --prometheus http://prometheus:9090\n  klaxon cardinality --prometheus http://prometheus:9090 --catalog dist/catalog --top 20 --json',
    )
    .action(async (flags: CardinalityFlags) => {
      const tty = process.stderr.isTTY && !flags.json;
      const say = tty ? (m: string) => process.stderr.write(`\r\x1b[K${m}…`) : undefined;
      const report = await measure(flags, { say });
      if (tty) process.stderr.write('\r\x1b[K');
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderCardinality(report));
      if (report.offenders.length > 0) throw new CliError(offendersMessage(report), 1);
    });
}
