/**
 * Renders families: the Prometheus text format 0.0.4 for live scrapes, and OpenMetrics with timestamps
 * for `promtool tsdb create-blocks-from openmetrics` backfills.
 */
import { renderLabels, type Labels } from '../model/labels.ts';
import type { Family } from '../model/series.ts';

const escapeHelp = (h: string) => h.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The Prometheus text exposition format 0.0.4 for the families, read now. */
export function renderText(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) {
      const v = s.read();
      if (v !== undefined) out.push(`${f.name}${s.suffix}${renderLabels(s.labels)} ${formatValue(v)}`);
    }
    for (const d of f.dynamic?.() ?? [])
      out.push(`${f.name}${renderLabels(d.labels)} ${formatValue(d.value)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The OpenMetrics family name: a counter's samples are `<family>_total`. */
export const openMetricsFamily = (f: Family) =>
  f.type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -'_total'.length) : f.name;

/** `# HELP` and `# TYPE` once per family name, for the head of an OpenMetrics file. */
export function openMetricsHeader(families: readonly Family[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of families) {
    const name = openMetricsFamily(f);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Adds the labels Prometheus would attach when scraping the live target: `job`, and `instance` unless
 * the series carries its own (honor_labels).
 */
export const targetLabels = (labels: Labels, job: string): Labels => ({
  ...labels,
  job,
  instance: labels.instance ?? `sim:${job}`,
});

/** One job's samples at one time, OpenMetrics lines with a timestamp in seconds. */
export function renderOpenMetricsSamples(
  job: string,
  families: readonly Family[],
  tMs: number,
  labelCache: WeakMap<object, string>,
): string {
  const ts = formatValue(tMs / 1000);
  const out: string[] = [];
  for (const f of families) {
    for (const s of f.series) {
      const v = s.read();
      if (v === undefined) continue;
      let l = labelCache.get(s);
      if (l === undefined) {
        l = renderLabels(targetLabels(s.labels, job));
        labelCache.set(s, l);
      }
      out.push(`${f.name}${s.suffix}${l} ${formatValue(v)} ${ts}`);
    }
    for (const d of f.dynamic?.() ?? [])
      out.push(`${f.name}${renderLabels(targetLabels(d.labels, job))} ${formatValue(d.value)} ${ts}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
