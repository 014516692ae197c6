/**
 * `klaxon check` for label bounds: no alert, recording rule, Loki rule or dashboard query groups by,
 * writes or keeps a label the contract names unbounded (`user_id`, `player_id`, … `query_text`), and no
 * dashboard legend or variable lists one. Exempt, as the sanctioned places for such a value: alert
 * annotation templates (e.g. the Redshift alert's `query` over `redshift_running_query_info` for the
 * query text) and Grafana annotation queries, which render one event's text; and, in dashboards only, a
 * whole query under `topk`/`bottomk`/`limitk` with a number for k, legend included (a "top N" table shows
 * k series). In rules a top-N is no exemption: each new member of the top becomes a new series or alert.
 */
import { parser as logql } from '@grafana/lezer-logql';
import { UNBOUNDED_LABELS, UNBOUNDED_LABELS_OF } from '../contract.ts';
import type { DashboardSpec } from '../dashboards/build.ts';
import type { AlertDefinition, Catalog } from '../model/alert.ts';
import { substituteVariables } from './dashboards.ts';
import { isBoundedPick, unboundedLabelUses, type LabelBounds } from './label-flow.ts';
import type { Problem } from './policy.ts';

export const CONTRACT_BOUNDS: LabelBounds = {
  unbounded: new Set(UNBOUNDED_LABELS),
  labelsOf: UNBOUNDED_LABELS_OF,
};

const FIX = 'aggregate it away, or put it in an exemplar, a log line or an info series';

const describeUse = (label: string, how: string) =>
  `${how}, and ${label} is unbounded (metrics.md, "Label bounds"): ${FIX}`;

/** The label names a LogQL query groups by (`sum by (…)`, `… by (…)`). */
function logqlGroupBy(expr: string): string[] {
  const out: string[] = [];
  logql.parse(expr).iterate({
    enter(n) {
      if (n.name !== 'Identifier') return;
      let p = n.node.parent;
      while (p?.name === 'Labels') p = p.parent;
      if (p?.name === 'Grouping' && p.firstChild?.name === 'By') out.push(expr.slice(n.from, n.to));
    },
  });
  return out;
}

interface TargetJson {
  expr?: string;
  refId?: string;
  legendFormat?: string;
}
interface PanelJson {
  title?: string;
  targets?: TargetJson[];
  panels?: PanelJson[];
}

/** Every panel target of a dashboard (rows included), with the path used in messages. */
function targets(s: DashboardSpec): { where: string; target: TargetJson }[] {
  const out: { where: string; target: TargetJson }[] = [];
  const visit = (p: PanelJson) => {
    for (const t of p.targets ?? [])
      out.push({
        where: `dashboard ${s.uid}: panel "${p.title ?? '(untitled)'}", target ${t.refId ?? '?'}`,
        target: t,
      });
    for (const c of p.panels ?? []) visit(c);
  };
  for (const p of (s.dashboard.panels ?? []) as PanelJson[]) visit(p);
  return out;
}

export function checkDashboardCardinality(
  specs: readonly DashboardSpec[],
  bounds: LabelBounds = CONTRACT_BOUNDS,
): Problem[] {
  const problems: Problem[] = [];
  const query = (subject: string, expr: string) => {
    for (const u of unboundedLabelUses(substituteVariables(expr), bounds))
      problems.push({ subject, message: describeUse(u.label, u.how) });
  };
  for (const s of specs) {
    const vars = (s.dashboard.templating?.list ?? []) as { name?: string; query?: unknown }[];
    for (const v of vars) {
      const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
      const m = q ? /^label_values\((?:(.*),\s*)?(\w+)\)$/.exec(q) : null;
      if (!m) continue;
      const subject = `dashboard ${s.uid}: variable ${v.name ?? ''}`;
      if (bounds.unbounded.has(m[2]!))
        problems.push({
          subject,
          message: describeUse(m[2]!, `lists every value of ${m[2]!} (label_values)`),
        });
      if (m[1]) query(subject, m[1]);
    }
    for (const { where, target } of targets(s)) {
      // A top-N query shows at most k series, legend included.
      if (target.expr && isBoundedPick(substituteVariables(target.expr))) continue;
      if (target.expr) query(where, target.expr);
      for (const [, label] of (target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g))
        if (bounds.unbounded.has(label!))
          problems.push({
            subject: where,
            message: describeUse(label!, `shows ${label!} in the legend ({{${label}}}), one line per value`),
          });
    }
  }
  return problems;
}

const sourceOf = (a: AlertDefinition) => a.source ?? `packages/catalog/src/seed/${a.group}.ts`;

export interface CardinalityInput {
  catalog: Pick<Catalog, 'alerts' | 'recordingRules' | 'dashboards'>;
  /** The Loki ruler's rules (compile/deploy.ts `lokiRules`). */
  lokiRules?: readonly { alert: string; expr: string }[];
  bounds?: LabelBounds;
}

/** Every rule and dashboard query that groups by, writes or keeps an unbounded label. */
export function checkCardinality({
  catalog,
  lokiRules = [],
  bounds = CONTRACT_BOUNDS,
}: CardinalityInput): Problem[] {
  const problems: Problem[] = [];
  for (const a of catalog.alerts) {
    const subject = `${sourceOf(a)}: alert ${a.name}, expr (thresholds ${a.thresholds.map((t) => t.tier).join(', ')})`;
    for (const u of unboundedLabelUses(a.expr, bounds))
      problems.push({ subject, message: describeUse(u.label, u.how) });
  }
  for (const r of catalog.recordingRules)
    for (const u of unboundedLabelUses(r.expr, bounds))
      problems.push({
        subject: `recording rule ${r.record} (group ${r.group})`,
        message: describeUse(u.label, u.how),
      });
  for (const r of lokiRules)
    for (const label of logqlGroupBy(r.expr))
      if (bounds.unbounded.has(label))
        problems.push({ subject: `Loki rule ${r.alert}`, message: describeUse(label, `groups by ${label}`) });
  problems.push(...checkDashboardCardinality(catalog.dashboards ?? [], bounds));
  return problems;
}
