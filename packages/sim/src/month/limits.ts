/**
 * The alert limits a knob is judged by: each rule's threshold in the knob's own unit (from the knob's
 * alert links) joined with the seed catalog's `for:` and the longest range window of its expression (a
 * `rate(...[5m])` keeps a burst visible for 5 minutes after it ends). The month plan sizes its faults
 * with these, so a real incident holds past `for:` and a near-miss provably does not.
 */
import { durationMs, seedCatalog, type Catalog } from '@klaxon/catalog';
import { thresholdOf, type Op, type Tier } from '../model/knob.ts';
import { knobDef } from '../model/knobs.ts';
import type { Labels } from '../model/labels.ts';

export interface Limit {
  alert: string;
  tier: Tier;
  op: Op;
  /** In the knob's unit. */
  value: number;
  forMs: number;
  /** The longest `[range]` in the rule's expression, ms (0 for a plain gauge). */
  windowMs: number;
  /** The rule compares a sum over the knob's instances. */
  aggregate: boolean;
}

const RANGE = /\[(\d+[smhd])\]/g;

let seed: Catalog | undefined;
/** The seed catalog, built once. */
const seedOnce = () => (seed ??= seedCatalog());

function windowOf(expr: string): number {
  let max = 0;
  for (const m of expr.matchAll(RANGE)) max = Math.max(max, durationMs(m[1]!));
  return max;
}

/** The expression with the recording rules it reads, whose range windows count too. */
function withRecorded(expr: string, catalog: Catalog): string {
  return [expr, ...catalog.recordingRules.filter((r) => expr.includes(r.record)).map((r) => r.expr)].join(
    ' ',
  );
}

/** Every limit on one knob instance; throws when the catalog lacks a rule the knob claims to drive. */
export function limitsOf(knob: string, labels: Labels, catalog: Catalog = seedOnce()): Limit[] {
  const def = knobDef(knob);
  if (!def) throw new Error(`unknown knob "${knob}"`);
  return def.alerts
    .filter((a) => !a.relative)
    .map((a) => {
      const rule = catalog.alerts.find((d) => d.name === a.alertname);
      const th = rule?.thresholds.find((t) => t.tier === a.tier);
      if (!rule || !th) throw new Error(`the catalog has no ${a.tier} rule ${a.alertname} for ${knob}`);
      return {
        alert: a.alertname,
        tier: a.tier,
        op: a.op,
        value: thresholdOf(a, labels),
        forMs: durationMs(th.for),
        windowMs: windowOf(withRecorded(rule.expr, catalog)),
        aggregate: a.aggregate === 'sum',
      };
    });
}

/** The one limit of `alert` at `tier` on the knob. */
export function limitOf(knob: string, labels: Labels, alert: string, tier: Tier, catalog?: Catalog): Limit {
  const l = limitsOf(knob, labels, catalog).find((x) => x.alert === alert && x.tier === tier);
  if (!l) throw new Error(`${knob} drives no ${tier} ${alert}`);
  return l;
}

/** Whether a value is past the limit (the rule's comparison). */
export function crosses(l: Limit, v: number): boolean {
  switch (l.op) {
    case '>':
      return v > l.value;
    case '>=':
      return v >= l.value;
    case '<':
      return v < l.value;
    case '<=':
      return v <= l.value;
    case '==':
      return v === l.value;
    case '!=':
      return v !== l.value;
  }
}

/**
 * How long a rule sees a condition that the knob holds for `holdMs`, at the worst: the hold, plus the
 * history's sample step (a sample stays the latest for one step), plus the expression's range window.
 */
export const visibleMs = (l: Limit, holdMs: number, stepMs: number) => holdMs + stepMs + l.windowMs;
