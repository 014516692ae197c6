/**
 * Compiles alert definitions into plain Prometheus rule groups: one rule per tier threshold, with the
 * tier's labels and the required annotations. Plain data in, plain data out; YAML is written elsewhere.
 */
import { durationMs } from './durations.ts';
import type { AlertDefinition, Catalog, Threshold } from '../model/alert.ts';
import { TIER_POLICIES } from '../model/tiers.ts';

export interface PromRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PromRuleGroup {
  name: string;
  rules: PromRule[];
}

export function runbookUrl(
  catalog: Pick<Catalog, 'runbookBaseUrl'>,
  alert: Pick<AlertDefinition, 'name'>,
): string {
  return `${catalog.runbookBaseUrl.replace(/\/$/, '')}/${alert.name}.md`;
}

export function ruleLabels(alert: AlertDefinition, t: Threshold): Record<string, string> {
  return { tier: t.tier, severity: TIER_POLICIES[t.tier].severity, team: alert.team, service: alert.service };
}

export function ruleAnnotations(catalog: Catalog, alert: AlertDefinition): Record<string, string> {
  return { summary: alert.summary, description: alert.description, runbook_url: runbookUrl(catalog, alert) };
}

export function alertRule(catalog: Catalog, alert: AlertDefinition, t: Threshold): PromRule {
  const rule: PromRule = {
    alert: alert.name,
    expr: `(${alert.expr.trim()}) ${t.op} ${t.value}`,
    labels: ruleLabels(alert, t),
    annotations: ruleAnnotations(catalog, alert),
  };
  if (durationMs(t.for) > 0) rule.for = t.for;
  return rule;
}

/** Rule groups by name, recording rules first in each group. */
export function compileRuleGroups(catalog: Catalog): PromRuleGroup[] {
  const groups = new Map<string, PromRule[]>();
  const add = (name: string, rule: PromRule) => groups.set(name, [...(groups.get(name) ?? []), rule]);
  for (const r of catalog.recordingRules) add(r.group, { record: r.record, expr: r.expr });
  for (const a of catalog.alerts) for (const t of a.thresholds) add(a.group, alertRule(catalog, a, t));
  return [...groups.entries()].map(([name, rules]) => ({ name: `klaxon-${name}`, rules }));
}
