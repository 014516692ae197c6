/**
 * The seed catalog's side of kube-prometheus-stack (docs/catalog.md, "The chart's default rules"): which
 * chart alerts our definitions replace under another name, what the chart's severities become, and the
 * one chart alert dropped outright. Same-named chart alerts (KubePodCrashLooping, KubeNodeNotReady,
 * KubeHpaMaxedOut, TargetDown, Watchdog) need no entry: they are replaced by name.
 */
import type { AlertDefinition } from '../model/alert.ts';
import type { KubePrometheusStackMapping } from '../model/chart.ts';

/**
 * Chart alerts ours replace under another name, by our alert: each watches the same thing with the same
 * metrics, so keeping the chart's copy would be a second incident for one fault.
 */
export const SEED_CHART_REPLACEMENTS: Readonly<Record<string, readonly string[]>> = {
  // used/capacity per PVC, T2 ≥ 80 % and T1 ≥ 90 %; the chart's is the same ratio (< 3 % free, or
  // predicted full in 4 days).
  KubePersistentVolumeFilling: ['KubePersistentVolumeFillingUp'],
  // prometheus_rule_evaluation_failures_total, like the chart's.
  PrometheusRuleEvaluationFailures: ['PrometheusRuleFailures'],
  // failed/total notifications per integration summed over the Alertmanager cluster: fires whenever the
  // chart's per-instance (> 1 %) or cluster-wide (every instance failing) alert would.
  AlertmanagerNotificationsFailing: [
    'AlertmanagerFailedToSendAlerts',
    'AlertmanagerClusterFailedToSendAlerts',
  ],
};

/**
 * The chart's `critical` (cause-based: an apiserver, etcd or kubelet down) become T2: a push with a
 * 30-minute window, because our own T1s already page on what players feel. `warning`, `info` and `none`
 * become T3 (Slack, business hours): the mixin's ~100 warnings include capacity hints such as
 * CPUThrottlingHigh that must never call a phone. A kept chart alert pages only if the catalog says so.
 */
export const SEED_CHART_MAPPING: KubePrometheusStackMapping = {
  severityTiers: { critical: 'T2', warning: 'T3', info: 'T3', none: 'T3' },
  team: 'platform',
  service: 'kubernetes',
  dropped: {
    InfoInhibitor:
      'tiers replace severity-based inhibition (T3 never pages, so there is nothing to hold back); kept, it would fire for ever as a T3, because the Watchdog always fires with severity="info"',
  },
};

/** `alerts` with SEED_CHART_REPLACEMENTS set as their `replaces`. */
export function withChartReplacements(alerts: AlertDefinition[]): AlertDefinition[] {
  return alerts.map((a) =>
    Object.hasOwn(SEED_CHART_REPLACEMENTS, a.name)
      ? { ...a, replaces: [...(a.replaces ?? []), ...SEED_CHART_REPLACEMENTS[a.name]!] }
      : a,
  );
}
