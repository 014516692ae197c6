/**
 * How the catalog lives beside kube-prometheus-stack's own default rules: the shape of the vendored chart
 * rules (src/vendor, generated) and the mapping the catalog declares for the chart alerts it keeps.
 */
import type { Tier } from './tiers.ts';

/** Where vendored chart data came from: enough to fetch the very same files again. */
export interface ChartSource {
  chart: string;
  version: string;
  appVersion: string;
  repo: string;
  commit: string;
  /** The rule templates' folder and the values file, inside the repository. */
  rules: string;
  values: string;
}

export interface ChartAlertRule {
  alert: string;
  /** The chart's default `severity` label: critical, warning, info or none. */
  severity: string;
  for?: string;
  expr: string;
}

export interface ChartRuleGroup {
  /** `defaultRules.rules.<valuesKey>` turns the group on or off. */
  valuesKey: string;
  name: string;
  file: string;
  /** Other values the group needs, e.g. `kubeEtcd.enabled`. */
  requires: string[];
  /** Whether the group renders with the chart's default values. */
  enabledByDefault: boolean;
  alerts: ChartAlertRule[];
}

/**
 * The catalog's side of kube-prometheus-stack. The chart alerts the catalog replaces (same alertname, or
 * an alert's `replaces`) are disabled in the values; every other chart alert is kept and gets `tier`
 * from its `severity` (only when it has no tier, so the catalog's own rules are never touched), with
 * `team` and `service` so it routes to someone.
 *
 * @example
 * const kps: KubePrometheusStackMapping = {
 *   severityTiers: { critical: 'T2', warning: 'T3', info: 'T3', none: 'T3' },
 *   team: 'platform',
 *   service: 'kubernetes',
 *   dropped: { InfoInhibitor: 'tiers replace severity inhibition' },
 * };
 */
export interface KubePrometheusStackMapping {
  /** The chart's severity → the tier a kept chart alert gets. */
  severityTiers: Record<string, Tier>;
  team: string;
  service: string;
  /**
   * Chart alerts turned off with no alert of ours replacing them, each with the reason (docs/catalog.md
   * shows it). Keep it short: a kept chart alert is the safer default.
   */
  dropped?: Record<string, string>;
}
