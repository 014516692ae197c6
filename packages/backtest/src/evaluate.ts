/**
 * Prometheus's alerting state machine, replayed over the steps at which a rule's expression had a value:
 * pending when the condition first holds, firing once it has held for `for:`, resolved at the first
 * evaluation without it, or `keep_firing_for:` later (a return within that time continues the episode).
 * Also the naive count: every time the bare condition became true, per series.
 */
import type { Episode } from './types.ts';

export interface AlertingRule {
  alert: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
}

export interface RuleEvaluation {
  /** Rising edges of the condition at evaluations in [fromMs, toMs]. */
  naive: number;
  /** Naive edges, their times (ms). */
  naiveTimes: number[];
  /** Episodes that became firing in [fromMs, toMs]. */
  episodes: Episode[];
  /** Episodes already firing at fromMs: replayed for resolution and inhibition, never counted. */
  carriedIn: Episode[];
}

/**
 * The alert's labels: the series' without `__name__`, then the rule's (an empty value removes the label,
 * as labels.Builder.Set does), then `alertname` (Prometheus's order).
 */
export function alertLabels(series: Record<string, string>, rule: AlertingRule): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(series)) if (k !== '__name__') out[k] = v;
  for (const [k, v] of Object.entries(rule.labels))
    if (v === '') delete out[k];
    else out[k] = v;
  out.alertname = rule.alert;
  return { ...out };
}

/**
 * Evaluations run at `startMs + i × stepMs` up to `toMs`; `startMs` may be before `fromMs` (a warm-up, so an
 * alert pending before the range fires on time). `times` are the evaluations at which the series had a value.
 */
export function evaluateSeries(
  rule: AlertingRule,
  seriesLabels: Record<string, string>,
  times: readonly number[],
  o: { startMs: number; fromMs: number; toMs: number; stepMs: number },
  into: RuleEvaluation,
): void {
  const labels = alertLabels(seriesLabels, rule);
  const step = o.stepMs;
  const idx = [...new Set(times.map((t) => Math.round((t - o.startMs) / step)))].sort((a, b) => a - b);
  const at = (i: number) => o.startMs + i * step;
  const last = Math.floor((o.toMs - o.startMs) / step);
  // Runs of consecutive evaluations where the condition held.
  const runs: [number, number][] = [];
  for (const i of idx) {
    const r = runs[runs.length - 1];
    if (r && i === r[1] + 1) r[1] = i;
    else runs.push([i, i]);
  }
  for (const [a] of runs) {
    if (a > 0 && at(a) >= o.fromMs && at(a) <= o.toMs) {
      into.naive++;
      into.naiveTimes.push(at(a));
    }
  }
  // Steps absent before a firing alert resolves: the first absent evaluation t with t − since ≥ keep_firing_for.
  const graceSteps = Math.ceil(rule.keepFiringForMs / step);
  const forSteps = Math.ceil(rule.forMs / step);
  let open: Episode | null = null;
  let carried = false;
  for (let k = 0; k < runs.length; k++) {
    const [a, b] = runs[k]!;
    if (!open) {
      const fire = a + forSteps;
      if (fire > b) continue; // stayed pending: deleted at the first evaluation without it
      open = { labels, activeAtMs: at(a), firingAtMs: at(fire), resolvedAtMs: null };
      // Already true at the first evaluation: it began before the window, so it is never counted.
      carried = a === 0;
    }
    const next = runs[k + 1];
    const resolveAt = b + 1 + graceSteps;
    if (next && next[0] <= resolveAt) continue; // back before keep_firing_for ran out: the same episode
    open.resolvedAtMs = resolveAt <= last ? at(resolveAt) : null;
    if (!carried) push(open, o, into);
    else if (open.resolvedAtMs === null || open.resolvedAtMs > o.fromMs) into.carriedIn.push(open);
    open = null;
  }
}

function push(e: Episode, o: { fromMs: number; toMs: number }, into: RuleEvaluation): void {
  if (e.firingAtMs > o.toMs) return;
  if (e.firingAtMs >= o.fromMs) into.episodes.push(e);
  else if (e.resolvedAtMs === null || e.resolvedAtMs > o.fromMs) into.carriedIn.push(e);
}
