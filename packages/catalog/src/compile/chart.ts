/**
 * Our rules beside kube-prometheus-stack's default rules (vendored in src/vendor at a pinned chart
 * version): the values that disable exactly the chart alerts the catalog replaces, the alert relabelings
 * that give every kept chart alert a tier, team and service, and the merged rule set a cluster ends up
 * evaluating, which `klaxon check` and the tests hold to "no alertname twice, every alert has a tier".
 */
import type { Problem } from '../check/policy.ts';
import type { Catalog } from '../model/alert.ts';
import type { ChartRuleGroup, KubePrometheusStackMapping } from '../model/chart.ts';
import { TIER_POLICIES } from '../model/tiers.ts';
import { SEED_CHART_MAPPING } from '../seed/chart.ts';
import { KUBE_PROMETHEUS_STACK_RULES } from '../vendor/kube-prometheus-stack.gen.ts';
import { compileRuleGroups } from './rules.ts';

/** The mapping used when the catalog declares none: the seed's. */
export const DEFAULT_CHART_MAPPING: KubePrometheusStackMapping = SEED_CHART_MAPPING;

/** What this file reads of a catalog. */
export type ChartCatalog = Pick<Catalog, 'alerts' | 'kubePrometheusStack'>;

const mappingOf = (catalog: ChartCatalog) => catalog.kubePrometheusStack ?? DEFAULT_CHART_MAPPING;

/** Every alertname of the vendored chart rules (all groups, on by default or not). */
export function chartAlertNames(
  groups: readonly ChartRuleGroup[] = KUBE_PROMETHEUS_STACK_RULES,
): Set<string> {
  return new Set(groups.flatMap((g) => g.alerts.map((a) => a.alert)));
}

/**
 * `defaultRules.disabled`: the chart alerts that share a name with one of ours, that one of ours
 * `replaces`, or that the mapping drops. Example: `{ KubeNodeNotReady: true, Watchdog: true, … }`.
 */
export function disabledChartRules(
  catalog: ChartCatalog,
  groups: readonly ChartRuleGroup[] = KUBE_PROMETHEUS_STACK_RULES,
): Record<string, true> {
  const chart = chartAlertNames(groups);
  const ours = new Set([
    ...catalog.alerts.flatMap((a) => [a.name, ...(a.replaces ?? [])]),
    ...Object.keys(mappingOf(catalog).dropped ?? {}),
  ]);
  return Object.fromEntries(
    [...chart]
      .filter((n) => ours.has(n))
      .sort()
      .map((n) => [n, true as const]),
  );
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One of prometheus.yml's `alert_relabel_configs`. kube-prometheus-stack copies
 * `prometheus.prometheusSpec.additionalAlertRelabelConfigs` verbatim into a Secret that the operator
 * appends to prometheus.yml, so the values take prometheus.yml's snake_case, not the operator's camelCase.
 */
export interface AlertRelabelConfig {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: string;
}

/**
 * Alert relabelings for the chart alerts kept: only an alert without `tier` (ours always have one) has
 * its Kubernetes `service` label kept as `kubernetes_service`, gets the mapping's `service` and `team`,
 * and last its tier from `severity`. Run before any environment's demotions (environments.ts). The
 * regex `()` matches only the empty value (an empty `regex` would be dropped and mean `(.*)`).
 */
export function chartAlertRelabelings(m: KubePrometheusStackMapping): AlertRelabelConfig[] {
  // A fresh array each time: a shared one would come out of the YAML writer as an anchor and alias.
  const tierless = () => ({ source_labels: ['tier'], regex: '()', action: 'replace' });
  return [
    {
      source_labels: ['tier', 'service'],
      regex: ';(.+)',
      target_label: 'kubernetes_service',
      replacement: '$1',
      action: 'replace',
    },
    { ...tierless(), target_label: 'service', replacement: m.service },
    { ...tierless(), target_label: 'team', replacement: m.team },
    ...Object.entries(m.severityTiers).map(([severity, tier]) => ({
      source_labels: ['tier', 'severity'],
      regex: `;${escapeRegex(severity)}`,
      target_label: 'tier',
      replacement: tier,
      action: 'replace',
    })),
  ];
}

/**
 * The kube-prometheus-stack values of this file, to merge into the rest (deploy.ts). The chart's rule
 * objects get our `app.kubernetes.io/part-of` label, or the generated `ruleSelector` would skip them.
 */
export function chartValues(catalog: ChartCatalog): Record<string, unknown> {
  return {
    defaultRules: {
      create: true,
      labels: { 'app.kubernetes.io/part-of': 'klaxon' },
      disabled: disabledChartRules(catalog),
    },
    prometheus: {
      prometheusSpec: { additionalAlertRelabelConfigs: chartAlertRelabelings(mappingOf(catalog)) },
    },
  };
}

/**
 * Prometheus's `replace` relabeling (the only action used here) applied to one alert's labels: the
 * source labels joined by `separator`, matched by the fully anchored `regex`, `$n` expanded into the
 * target; an empty result removes the label. Throws on any other action.
 */
export function relabel(
  labels: Record<string, string>,
  configs: AlertRelabelConfig[],
): Record<string, string> {
  const out = new Map(Object.entries(labels));
  for (const c of configs) {
    if ((c.action ?? 'replace') !== 'replace') throw new Error(`relabel action ${c.action} is not modelled`);
    const value = (c.source_labels ?? []).map((l) => out.get(l) ?? '').join(c.separator ?? ';');
    const match = new RegExp(`^(?:${c.regex ?? '(.*)'})$`).exec(value);
    if (!match || !c.target_label) continue;
    const result = (c.replacement ?? '$1').replace(
      /\$\{?(\d+)\}?/g,
      (_, i: string) => match[Number(i)] ?? '',
    );
    if (result === '') out.delete(c.target_label);
    else out.set(c.target_label, result);
  }
  return Object.fromEntries(out);
}

export interface MergedAlert {
  alert: string;
  origin: 'klaxon' | 'kube-prometheus-stack';
  /** The rule group (file) the rule is in. */
  group: string;
  /** The labels the alert leaves Prometheus with (rule labels after the alert relabelings). */
  labels: Record<string, string>;
}

/**
 * Every alerting rule a cluster evaluates: ours, plus the chart's default groups that render with the
 * default values minus `disabled` (default: what this catalog's values disable), each with its labels
 * after the generated alert relabelings.
 */
export function mergedRuleSet(
  catalog: Catalog,
  opts: { disabled?: Record<string, true>; groups?: readonly ChartRuleGroup[] } = {},
): MergedAlert[] {
  const groups = opts.groups ?? KUBE_PROMETHEUS_STACK_RULES;
  const disabled = new Set(Object.keys(opts.disabled ?? disabledChartRules(catalog, groups)));
  const relabelings = chartAlertRelabelings(mappingOf(catalog));
  const ours = compileRuleGroups(catalog).flatMap((g) =>
    g.rules.flatMap((r) =>
      r.alert
        ? [
            {
              alert: r.alert,
              origin: 'klaxon' as const,
              group: g.name,
              labels: relabel(r.labels ?? {}, relabelings),
            },
          ]
        : [],
    ),
  );
  const chart = groups
    .filter((g) => g.enabledByDefault)
    .flatMap((g) =>
      g.alerts
        .filter((a) => !disabled.has(a.alert))
        .map((a) => ({
          alert: a.alert,
          origin: 'kube-prometheus-stack' as const,
          group: g.name,
          labels: relabel({ severity: a.severity }, relabelings),
        })),
    );
  return [...ours, ...chart];
}

/**
 * What is wrong with a merged rule set: an alertname defined in two places (ours and the chart's, or two
 * groups; one name with several tiers in one group is one definition), an alert without a known tier.
 */
export function mergedRuleProblems(merged: MergedAlert[]): Problem[] {
  const problems: Problem[] = [];
  const homes = new Map<string, Set<string>>();
  for (const a of merged) {
    const home = `${a.origin} group ${a.group}`;
    homes.set(a.alert, (homes.get(a.alert) ?? new Set()).add(home));
    const tier = a.labels.tier;
    if (!tier || !Object.hasOwn(TIER_POLICIES, tier))
      problems.push({
        subject: `alert ${a.alert} (${home})`,
        message: `no tier after the alert relabelings (severity "${a.labels.severity ?? ''}"); add that severity to kubePrometheusStack.severityTiers`,
      });
  }
  for (const [alert, where] of homes)
    if (where.size > 1)
      problems.push({
        subject: `alert ${alert}`,
        message: `defined ${where.size} times (${[...where].join('; ')}); if ours replaces the chart's under another name, list it in the definition's replaces`,
      });
  return problems;
}

/** `klaxon check`'s part: the merged rule set is clean, and every `replaces`/`dropped` names a chart alert. */
export function chartProblems(catalog: Catalog): Problem[] {
  const chart = chartAlertNames();
  const unknown = (name: string) =>
    `"${name}" is not an alert of kube-prometheus-stack's default rules (vendored in packages/catalog/src/vendor); fix the name or remove it`;
  const problems: Problem[] = [];
  for (const a of catalog.alerts)
    for (const r of a.replaces ?? [])
      if (!chart.has(r)) problems.push({ subject: `alert ${a.name}: replaces`, message: unknown(r) });
  for (const field of ['team', 'service'] as const)
    if (!mappingOf(catalog)[field].trim())
      problems.push({
        subject: `kubePrometheusStack.${field}`,
        message:
          'empty: a kept chart alert would reach no one; name the team (service) that owns the cluster',
      });
  for (const d of Object.keys(mappingOf(catalog).dropped ?? {}))
    if (!chart.has(d)) problems.push({ subject: 'kubePrometheusStack.dropped', message: unknown(d) });
  return [...problems, ...mergedRuleProblems(mergedRuleSet(catalog))];
}
