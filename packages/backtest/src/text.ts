/**
 * The terminal rendering of a backtest result: a summary paragraph, the per-rule table, totals with the
 * noise reduction, people, skipped rules, warnings and (with a baseline) the rules whose counts changed.
 * Also the number, time and rule-selection helpers the HTML report shares.
 */
import type { BacktestResult, PersonResult, RuleCounts, RuleDiff, RuleResult, Totals } from './types.ts';
import { zeroCounts } from './count.ts';

/** 1234 → "1,234". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 0.97349 → "97.3%" (truncated, so a reduction is never rounded up to a goal); null → "n/a". */
export function formatPercent(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  return `${(Math.trunc(v * 1000) / 10).toFixed(1)}%`;
}

/** Seconds → "45s", "12m", "2h 05m", "3d 04h". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`;
}

/** A ms timestamp as "YYYY-MM-DD HH:MM" UTC. */
export function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** +3, -2, 0 (ASCII minus). */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** The rules worth a row: fired at least once or skipped; most pages first, then most naive alarms. */
export function reportedRules(rules: readonly RuleResult[]): RuleResult[] {
  return rules
    .filter((r) => r.naive > 0 || r.skipped !== null)
    .sort((a, b) => b.pages - a.pages || b.naive - a.naive);
}

/** People by pages, then wake-ups, most first. */
export function sortedPeople(people: readonly PersonResult[]): PersonResult[] {
  return [...people].sort((a, b) => b.pages - a.pages || b.wakeups - a.wakeups);
}

/** The baseline row's counts (a rule missing from that catalog counts zero). */
export function baselineCounts(d: RuleDiff): RuleCounts {
  return d.baseline ?? zeroCounts();
}

/** The candidate row's counts (a rule missing from that catalog counts zero). */
export function candidateCounts(d: RuleDiff): RuleCounts {
  return d.candidate ?? zeroCounts();
}

/** Diff rows in which any count differs or the rule exists on one side only, in the given order. */
export function changedDiffs(diff: readonly RuleDiff[]): RuleDiff[] {
  const keys = ['naive', 'episodes', 'incidents', 'pages', 'wakeups'] as const;
  return diff.filter(
    (d) =>
      d.baseline === null ||
      d.candidate === null ||
      keys.some((k) => baselineCounts(d)[k] !== candidateCounts(d)[k]),
  );
}

/** What the reader is told about acknowledgements. */
export function ackText(ackAfterSeconds: number | null): string {
  return ackAfterSeconds === null
    ? 'nobody acknowledges, so every escalation step pages'
    : `the paged person acknowledges ${formatDuration(ackAfterSeconds)} after their first page`;
}

/** "1 wake-up" / "3 wake-ups". */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** Control characters (ANSI escapes in a label) replaced, so user input cannot drive the terminal. */
function clean(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? '?' : ch;
  }
  return out;
}

interface Column {
  title: string;
  right?: boolean;
}

type Paint = (text: string, style: 'bold' | 'red' | 'green') => string;

const ANSI = new Map([
  ['bold', '\x1b[1m'],
  ['red', '\x1b[31m'],
  ['green', '\x1b[32m'],
]);

function painter(color: boolean): Paint {
  return (text, style) => (color && text !== '' ? `${ANSI.get(style) ?? ''}${text}\x1b[0m` : text);
}

/** An aligned ASCII table; `style` colours a cell after padding, so colour never breaks alignment. */
function table(
  columns: Column[],
  rows: string[][],
  paint: Paint,
  style: (row: number, col: number) => 'red' | 'green' | null = () => null,
): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number): string =>
    columns[i]?.right ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const head = columns.map((c, i) => paint(pad(c.title, i), 'bold')).join('  ');
  const body = rows.map((r, ri) =>
    r
      .map((cell, i) => {
        const s = style(ri, i);
        return s === null ? pad(cell, i) : paint(pad(cell, i), s);
      })
      .join('  ')
      .trimEnd(),
  );
  return [head.trimEnd(), ...body].join('\n');
}

function summary(r: BacktestResult): string {
  const days = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000;
  const span = Number.isFinite(days) ? ` (${days.toFixed(days % 1 === 0 ? 0 : 1)} days)` : '';
  return (
    `Backtest of ${clean(r.catalog)} from ${clean(r.from)} to ${clean(r.to)}${span} against ` +
    `${clean(r.prometheus)}, engine config ${clean(r.engineConfig)}. Groups without an interval are ` +
    `evaluated every ${formatDuration(r.evaluationIntervalSeconds)}; ${ackText(r.ackAfterSeconds)}. ` +
    `${plural(r.totals.rulesEvaluated, 'rule')} evaluated, ${formatCount(r.totals.rulesSkipped)} skipped; ` +
    `ran in ${r.seconds.toFixed(1)}s.`
  );
}

function rulesTable(r: BacktestResult, paint: Paint): string {
  const rules = reportedRules(r.rules);
  if (!rules.some((x) => x.naive > 0)) return `No alerts fired between ${clean(r.from)} and ${clean(r.to)}.`;
  const cols: Column[] = [
    { title: 'ALERT' },
    { title: 'TIER' },
    ...['NAIVE', 'EPISODES', 'INCIDENTS', 'PAGES', 'WAKEUPS', 'FIRING'].map((title) => ({
      title,
      right: true,
    })),
  ];
  const rows = rules.map((x) => [
    clean(x.alert),
    x.tier,
    ...(x.skipped
      ? ['-', '-', '-', '-', '-', 'skipped']
      : [x.naive, x.episodes, x.incidents, x.pages, x.wakeups]
          .map(formatCount)
          .concat(formatDuration(x.firingSeconds))),
  ]);
  return table(cols, rows, paint, (ri, ci) => (ci === 6 && (rules[ri]?.wakeups ?? 0) > 0 ? 'red' : null));
}

function totalsLine(t: Totals, label: string): string {
  return (
    `${label}: ${plural(t.naive, 'naive alarm')}, ${plural(t.episodes, 'episode')}, ` +
    `${plural(t.incidents, 'incident')}, ${plural(t.pages, 'page')} (T1 ${formatCount(t.pagesT1)}, ` +
    `T2 ${formatCount(t.pagesT2)}), ${plural(t.wakeups, 'wake-up')}. Noise reduction ` +
    `${formatPercent(t.noiseReduction)} (wake-ups ${formatPercent(t.wakeupReduction)}).`
  );
}

function peopleTable(people: readonly PersonResult[], paint: Paint): string {
  if (people.length === 0) return 'Nobody was paged.';
  const cols: Column[] = [
    { title: 'PERSON' },
    { title: 'NAME' },
    ...['PAGES', 'WAKEUPS', 'ON HOURS', 'OFF HOURS'].map((title) => ({ title, right: true })),
  ];
  const sorted = sortedPeople(people);
  const rows = sorted.map((p) => [
    clean(p.person),
    clean(p.name),
    ...[p.pages, p.wakeups, p.onHours, p.offHours].map(formatCount),
  ]);
  return `People:\n${table(cols, rows, paint, (ri, ci) => (ci === 3 && (sorted[ri]?.wakeups ?? 0) > 0 ? 'red' : null))}`;
}

function diffSection(r: BacktestResult, paint: Paint): string[] {
  const b = r.baseline;
  if (b === null) return [];
  const changed = changedDiffs(b.diff);
  const head = totalsLine(b.totals, `Baseline (${clean(b.catalog)})`);
  if (changed.length === 0) return [head, 'No rule pages differently from the baseline.'];
  const cols: Column[] = [
    { title: 'ALERT' },
    { title: 'TIER' },
    { title: 'NOTE' },
    ...['PAGES', '+/-', 'WAKEUPS', '+/-', 'INCIDENTS', '+/-', 'NAIVE'].map((title) => ({
      title,
      right: true,
    })),
  ];
  const rows = changed.map((d) => {
    const [base, cand] = [baselineCounts(d), candidateCounts(d)];
    const note = d.baseline === null ? 'new' : d.candidate === null ? 'removed' : '';
    const pair = (k: 'pages' | 'wakeups' | 'incidents' | 'naive'): string => `${base[k]} -> ${cand[k]}`;
    return [
      clean(d.alert),
      d.tier,
      note,
      pair('pages'),
      signed(d.pagesChange),
      pair('wakeups'),
      signed(d.wakeupsChange),
      pair('incidents'),
      signed(d.incidentsChange),
      pair('naive'),
    ];
  });
  const style = (ri: number, ci: number): 'red' | 'green' | null => {
    const d = changed[ri];
    const v = ci === 4 ? d?.pagesChange : ci === 6 ? d?.wakeupsChange : ci === 8 ? d?.incidentsChange : 0;
    return v === undefined || v === 0 ? null : v > 0 ? 'red' : 'green';
  };
  return [head, `Rules whose counts changed (baseline -> candidate):\n${table(cols, rows, paint, style)}`];
}

/** The whole terminal report; `color` adds ANSI colours (bold headers, red for more pages, green for fewer). */
export function renderText(result: BacktestResult, o: { color?: boolean } = {}): string {
  const paint = painter(o.color ?? false);
  const sections = [summary(result), rulesTable(result, paint), totalsLine(result.totals, 'Total')];
  sections.push(peopleTable(result.people, paint));
  const skipped = result.rules.filter((x) => x.skipped !== null);
  if (skipped.length > 0)
    sections.push(
      `Skipped rules:\n${skipped.map((x) => `  ${clean(x.alert)}: ${clean(x.skipped?.code ?? '')}: ${clean(x.skipped?.message ?? '')}`).join('\n')}`,
    );
  if (result.warnings.length > 0)
    sections.push(`Warnings:\n${result.warnings.map((w) => `  - ${clean(w)}`).join('\n')}`);
  sections.push(...diffSection(result, paint));
  return `${sections.join('\n\n')}\n`;
}
