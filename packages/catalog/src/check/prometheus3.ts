/**
 * The Prometheus 3 readiness lint for PromQL (rules and dashboard queries), after the Prometheus 3.0
 * migration guide: what parses and passes on the 2.42 proven here but changes on 3.x. Each finding says
 * where, what changes and the fix. The config side (Alertmanager matchers, removed settings) is in
 * prometheus3-config.ts; `prometheus3Problems` runs both over a catalog for `klaxon check`.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { formatDuration } from '../compile/durations.ts';

export type Prom3Check =
  | 'regex-newline'
  | 'range-window'
  | 'renamed-function'
  | 'utf8-name'
  | 'le-quantile'
  | 'removed-config'
  | 'alertmanager-matcher';

export interface Prom3Finding {
  /** The alert, rule, panel or config path, with its file. */
  where: string;
  check: Prom3Check;
  /** What behaves differently on Prometheus 3 (or Alertmanager 0.27+). */
  change: string;
  fix: string;
}

/** How often the series a range selector reads get a sample. */
export interface SampleIntervals {
  /** Scrape interval (ms) per job of the rules (SCRAPE_TARGETS). */
  jobs: ReadonlyMap<string, number>;
  /** Prometheus's global scrape interval (ms), for jobs not listed (the chart's own exporters). */
  defaultScrapeMs: number;
  /** Evaluation interval (ms) per recorded series; the subquery step when none is given. */
  recorded: ReadonlyMap<string, number>;
  evaluationMs: number;
}

/** Labels whose values cannot hold a newline, so a `.` in a regex on them matches in 3.x as in 2.x. */
export const NEWLINE_FREE_LABELS: ReadonlyMap<string, string> = new Map([
  ['__name__', 'metric names'],
  ['job', 'scrape job names'],
  ['instance', 'host:port targets'],
  ['alertname', 'CamelCase alert names'],
  ['tier', 'T1, T2, T3'],
  ['severity', 'critical, warning, info'],
  ['namespace', 'Kubernetes names (DNS-1123)'],
  ['pod', 'Kubernetes names (DNS-1123)'],
  ['container', 'Kubernetes names (DNS-1123)'],
  ['node', 'Kubernetes names (DNS-1123)'],
  ['service', 'Kubernetes names (DNS-1123)'],
  ['le', 'bucket bounds'],
  ['quantile', 'quantiles'],
  ['code', 'HTTP status codes'],
  ['http_response_status_code', 'HTTP status codes'],
  ['http_request_method', 'HTTP methods'],
  ['mountpoint', 'mount paths: /proc/mounts escapes a newline as \\012'],
  ['topic', 'Kafka topic names ([a-zA-Z0-9._-])'],
  ['dimension_ModelId', 'Bedrock model IDs'],
  ['gen_ai_request_model', 'Bedrock model IDs'],
  ['model', 'Bedrock model IDs'],
]);

/** Range functions that return nothing from one sample, and those that need one. */
const TWO_SAMPLES = new Set(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear']);
const ONE_SAMPLE = /^(\w+_over_time|changes|resets)$/;

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A PromQL duration (`5m`, `1h30m`, or seconds as a number) in ms; NaN when it is not one. */
export function promDurationMs(d: string): number {
  if (/^\d+(\.\d+)?$/.test(d)) return Number(d) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, y: 31536e6 };
  const parts = [...d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.map((p) => p[0]).join('') !== d || parts.length === 0) return NaN;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]!]!, 0);
}

/** A PromQL string literal's value: Go escapes in "…" and '…', none in `…`. */
function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  return body.replace(
    /\\(.)/gs,
    (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" })[c] ?? `\\${c}`,
  );
}

/** Where a regex has a `.` outside a character class, or none when it already runs in `(?s)` mode. */
export function regexDots(re: string): number[] {
  if (/^\(\?[a-zA-Z]*s[a-zA-Z]*\)/.test(re)) return [];
  const dots: number[] = [];
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (re[i + 1] === '^') i++;
      if (re[i + 1] === ']') i++; // a leading ] is literal
    } else if (c === '.') dots.push(i);
  }
  return dots;
}

/** How Prometheus 3 writes an `le`/`quantile` value on ingestion (formatOpenMetricsFloat). */
export function normalisedFloat(value: string): string | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return null;
  const f = Number(value);
  const [mantissa, exp] = f.toExponential().split('e') as [string, string];
  const e = Number(exp);
  // Go's strconv 'g' with shortest precision: exponent form below 1e-4 and from 1e6 ("1e+06").
  let s: string;
  if (e < -4 || e >= 6) s = `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  else s = String(f);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

interface Selector {
  metric?: string;
  matchers: { name: string; op: string; value: string }[];
}

function selectorOf(node: SyntaxNode, expr: string): Selector {
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const out: Selector = { matchers: [] };
  const id = node.getChild('Identifier');
  if (id) out.metric = text(id);
  const list = node.getChild('LabelMatchers');
  for (let c = list?.firstChild; c; c = c.nextSibling) {
    if (c.name === 'QuotedLabelName') out.metric = stringValue(text(c));
    else if (c.name === 'UnquotedLabelMatcher' || c.name === 'QuotedLabelMatcher') {
      const name = c.getChild('LabelName') ?? c.getChild('QuotedLabelName');
      const op = c.getChild('MatchOp');
      const value = c.getChild('StringLiteral');
      if (!name || !op || !value) continue;
      const quoted = name.name === 'QuotedLabelName';
      out.matchers.push({
        name: quoted ? stringValue(text(name)) : text(name),
        op: text(op),
        value: stringValue(text(value)),
      });
    }
  }
  return out;
}

/** The sample interval of the series a selector reads, and what it is. */
function sampleInterval(sel: Selector, iv: SampleIntervals): { ms: number; source: string } {
  const recorded = sel.metric === undefined ? undefined : iv.recorded.get(sel.metric);
  if (recorded !== undefined) return { ms: recorded, source: `the evaluation interval of ${sel.metric}` };
  const job = sel.matchers.find((m) => m.name === 'job' && (m.op === '=' || m.op === '=~'));
  const known = [...iv.jobs];
  let candidates: [string, number][];
  if (job?.op === '=') candidates = [[job.value, iv.jobs.get(job.value) ?? iv.defaultScrapeMs]];
  else {
    const re = job ? new RegExp(`^(?:${job.value})$`) : /^/;
    // A regex (or no job) may also select a job of the chart's own: at the global interval.
    candidates = [...known.filter(([j]) => re.test(j)), ['(other jobs)', iv.defaultScrapeMs]];
  }
  const [name, ms] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { ms, source: `the ${formatDuration(ms)} scrape interval of job ${name}` };
}

/** Findings for one PromQL expression; `where` names the rule or panel and its file. */
export function lintPromql(expr: string, where: string, iv: SampleIntervals): Prom3Finding[] {
  const findings: Prom3Finding[] = [];
  const add = (check: Prom3Check, change: string, fix: string) =>
    findings.push({ where, check, change, fix });
  const blanked = expr.replace(/"(\\.|[^"\\])*"|'(\\.|[^'\\])*'|`[^`]*`/g, (s) => ' '.repeat(s.length));
  if (/\bholt_winters\s*\(/.test(blanked))
    add(
      'renamed-function',
      'holt_winters is renamed double_exponential_smoothing in 3.0 and is off unless --enable-feature=promql-experimental-functions: the rule fails to load',
      'rename it double_exponential_smoothing and enable promql-experimental-functions, or use predict_linear/deriv',
    );
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  parser.parse(expr).iterate({
    enter: (ref) => {
      const node = ref.node;
      if (node.name === 'VectorSelector') lintSelector(selectorOf(node, expr), add);
      if (node.name === 'GroupingLabels')
        for (let c = node.firstChild; c; c = c.nextSibling)
          if (c.name === 'QuotedLabelName') utf8Name(stringValue(text(c)), 'label', add);
      if (node.name !== 'FunctionCall') return;
      const fn = text(node.getChild('FunctionIdentifier') ?? node);
      const args = node.getChild('FunctionCallBody');
      if (fn === 'label_replace') {
        const strings = args?.getChildren('StringLiteral') ?? [];
        if (strings.length === 4)
          regexNewline(stringValue(text(strings[2]!)), stringValue(text(strings[3]!)), add, 'label_replace');
      }
      const needs = TWO_SAMPLES.has(fn) ? 2 : ONE_SAMPLE.test(fn) ? 1 : 0;
      const range = args?.getChild('MatrixSelector') ?? args?.getChild('SubqueryExpr');
      if (!needs || !range) return;
      const [window, step] = range.getChildren('DurationExpr').map((d) => promDurationMs(text(d)));
      let interval: { ms: number; source: string };
      if (range.name === 'SubqueryExpr') {
        const ms = step ?? iv.evaluationMs;
        interval = { ms, source: `the subquery step ${formatDuration(ms)}` };
      } else {
        const vs = range.getChild('VectorSelector');
        if (!vs) return;
        interval = sampleInterval(selectorOf(vs, expr), iv);
      }
      if (window === undefined || Number.isNaN(window) || window >= needs * interval.ms) return;
      add(
        'range-window',
        `${fn}(…[${formatDuration(window)}]) reads ${interval.source}; 3.x range selectors are left-open, so the window can hold ${Math.floor(window / interval.ms)} sample(s) and ${fn} needs ${needs}: it returns nothing`,
        `widen the window to at least ${formatDuration(needs * interval.ms)} (${needs} × ${formatDuration(interval.ms)}; 4 × is safer against a missed scrape)`,
      );
    },
  });
  return findings;
}

type Add = (check: Prom3Check, change: string, fix: string) => void;

function utf8Name(name: string, kind: 'label' | 'metric', add: Add): void {
  if ((kind === 'metric' ? LEGACY_METRIC : LEGACY_LABEL).test(name)) return;
  add(
    'utf8-name',
    `the ${kind} name "${name}" is outside the legacy charset: only 3.x (UTF-8 names) reads it, 2.x rejects it, so this rule cannot be proven on the 2.42 here`,
    `use a legacy ${kind} name (${kind === 'metric' ? '[a-zA-Z_:][a-zA-Z0-9_:]*' : '[a-zA-Z_][a-zA-Z0-9_]*'}), e.g. "${name.replace(/[^a-zA-Z0-9_:]/g, '_')}"`,
  );
}

function regexNewline(label: string, re: string, add: Add, what: string): void {
  const dots = regexDots(re);
  if (NEWLINE_FREE_LABELS.has(label) || dots.length === 0) return;
  const v2 = re
    .split('')
    .map((c, i) => (dots.includes(i) ? '[^\\n]' : c))
    .join('');
  add(
    'regex-newline',
    `${what} regex "${re}" on ${label}: in 3.x "." also matches a newline, and ${label} values are free text that can hold one, so it can match series 2.x did not`,
    `write [^\\n] for "." ("${v2}") if the 2.x behaviour is meant`,
  );
}

function lintSelector(sel: Selector, add: Add): void {
  if (sel.metric !== undefined) utf8Name(sel.metric, 'metric', add);
  for (const m of sel.matchers) {
    utf8Name(m.name, 'label', add);
    if (m.op === '=~' || m.op === '!~') regexNewline(m.name, m.value, add, 'matcher');
    if (m.name !== 'le' && m.name !== 'quantile') continue;
    const values = m.op === '=' || m.op === '!=' ? [m.value] : m.value.split('|');
    for (const v of values) {
      const norm = normalisedFloat(v);
      if (norm === null || norm === v) continue;
      add(
        'le-quantile',
        `${m.name}${m.op}"${m.value}": 3.x normalises ${m.name} values on ingestion, so "${v}" is stored as "${norm}" and this matcher no longer selects it`,
        `write "${norm}" (${m.name}${m.op}"${m.value
          .split('|')
          .map((x) => normalisedFloat(x) ?? x)
          .join('|')}")`,
      );
    }
  }
}
