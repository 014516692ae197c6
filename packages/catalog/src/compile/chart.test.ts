/**
 * The merged rule set (ours plus kube-prometheus-stack's vendored default rules): no alertname twice and
 * every alert tiered, computed from the values we generate, and shown to fail without
 * `defaultRules.disabled` or without the severity mapping.
 */
import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../seed/index.ts';
import {
  KUBE_PROMETHEUS_STACK_RULES,
  KUBE_PROMETHEUS_STACK_SOURCE,
} from '../vendor/kube-prometheus-stack.gen.ts';
import {
  chartAlertNames,
  chartAlertRelabelings,
  chartProblems,
  chartValues,
  disabledChartRules,
  mergedRuleProblems,
  mergedRuleSet,
  relabel,
} from './chart.ts';
import { compileRuleGroups } from './rules.ts';
import { kubePrometheusStackValues } from './deploy.ts';
import { compileAlertmanager } from './alertmanager.ts';

const catalog = seedCatalog();
const duplicatesOf = (problems: { subject: string; message: string }[]) =>
  problems.filter((p) => p.message.startsWith('defined ')).map((p) => p.subject.replace(/^alert /, ''));

describe('the vendored chart rules', () => {
  it('name their source and hold the mixin alerts', () => {
    expect(KUBE_PROMETHEUS_STACK_SOURCE.chart).toBe('kube-prometheus-stack');
    expect(KUBE_PROMETHEUS_STACK_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(chartAlertNames().size).toBeGreaterThan(100);
    for (const g of KUBE_PROMETHEUS_STACK_RULES)
      for (const a of g.alerts) {
        expect(a.expr, `${a.alert} has templating left`).not.toMatch(/\{\{|\.Values/);
        expect(['critical', 'warning', 'info', 'none']).toContain(a.severity);
      }
  });
});

describe('the merged rule set', () => {
  it('defines no alertname twice and gives every alert a tier', () => {
    const merged = mergedRuleSet(catalog);
    expect(mergedRuleProblems(merged)).toEqual([]);
    expect(merged.filter((a) => a.origin === 'kube-prometheus-stack').length).toBeGreaterThan(100);
    expect(chartProblems(catalog)).toEqual([]);
  });

  it('has the duplicates when defaultRules.disabled is left out', () => {
    const dupes = duplicatesOf(mergedRuleProblems(mergedRuleSet(catalog, { disabled: {} })));
    expect(dupes).toEqual(
      expect.arrayContaining(['KubePodCrashLooping', 'KubeNodeNotReady', 'KubeHpaMaxedOut']),
    );
    // Exactly the same-named ones that are on by default: the computed list, not a hand-written one.
    const ours = new Set(catalog.alerts.map((a) => a.name));
    const onByDefault = new Set(
      KUBE_PROMETHEUS_STACK_RULES.filter((g) => g.enabledByDefault).flatMap((g) =>
        g.alerts.map((a) => a.alert),
      ),
    );
    expect(dupes.sort()).toEqual([...ours].filter((n) => onByDefault.has(n)).sort());
  });

  it('has tierless chart alerts without the severity mapping', () => {
    const unmapped = {
      ...catalog,
      kubePrometheusStack: { severityTiers: {}, team: 'platform', service: 'k8s' },
    };
    const tierless = mergedRuleProblems(mergedRuleSet(unmapped)).filter((p) =>
      p.message.startsWith('no tier'),
    );
    expect(tierless.length).toBeGreaterThan(100);
  });

  it('disables only alerts the vendored chart has, including every replaced one', () => {
    const disabled = disabledChartRules(catalog);
    const chart = chartAlertNames();
    for (const name of Object.keys(disabled)) expect(chart.has(name), name).toBe(true);
    for (const a of catalog.alerts)
      for (const r of [a.name, ...(a.replaces ?? [])]) if (chart.has(r)) expect(disabled[r], r).toBe(true);
    expect(Object.keys(disabled)).toEqual(
      expect.arrayContaining(['Watchdog', 'KubePersistentVolumeFillingUp']),
    );
  });

  it('refuses a replaces that names no chart alert', () => {
    const bad = {
      ...catalog,
      alerts: catalog.alerts.map((a) => (a.name === 'TargetDown' ? { ...a, replaces: ['TargetDwn'] } : a)),
    };
    expect(chartProblems(bad).map((p) => p.message)).toEqual([
      expect.stringContaining('"TargetDwn" is not an alert'),
    ]);
  });
});

describe('the alert relabelings', () => {
  const configs = chartAlertRelabelings(catalog.kubePrometheusStack!);

  it('tier a chart alert by severity and keep its Kubernetes service', () => {
    expect(relabel({ alertname: 'KubeletDown', severity: 'critical', service: 'kubelet' }, configs)).toEqual({
      alertname: 'KubeletDown',
      severity: 'critical',
      tier: 'T2',
      team: 'platform',
      service: 'kubernetes',
      kubernetes_service: 'kubelet',
    });
  });

  it('leave every one of our rules exactly as compiled', () => {
    for (const r of compileRuleGroups(catalog).flatMap((g) => g.rules))
      if (r.alert) expect(relabel(r.labels ?? {}, configs)).toEqual(r.labels);
  });

  it('are in the values, after the chart rules are switched on with the label our ruleSelector selects', () => {
    const am = compileAlertmanager(catalog, { target: 'klaxon' });
    const values = kubePrometheusStackValues(am, undefined, catalog) as {
      defaultRules: { create: boolean; labels: Record<string, string>; disabled: Record<string, true> };
      prometheus: { prometheusSpec: { additionalAlertRelabelConfigs: unknown[]; ruleSelector: unknown } };
    };
    expect(values.defaultRules).toEqual((chartValues(catalog) as { defaultRules: unknown }).defaultRules);
    expect(values.prometheus.prometheusSpec.ruleSelector).toEqual({
      matchLabels: values.defaultRules.labels,
    });
    expect(values.prometheus.prometheusSpec.additionalAlertRelabelConfigs).toEqual(configs);
    const without = kubePrometheusStackValues(am) as { defaultRules: { create: boolean } };
    expect(without.defaultRules.create).toBe(false);
  });
});
