/**
 * Alert definitions as plain data. One definition may carry thresholds for several tiers (Kafka lag: T1
 * above 10k, T2 above 5k); it compiles to one rule per tier, all with the same alertname, plus an
 * inhibition so the T1 silences the matching T2.
 */
import type { DashboardSpec } from '../dashboards/build.ts';
import type { CardinalityBudget } from './cardinality.ts';
import type { KubePrometheusStackMapping } from './chart.ts';
import type { Environment } from './environment.ts';
import type { ScaleOut } from './scale-out.ts';
import type { Tier } from './tiers.ts';

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Threshold {
  tier: Tier;
  op: Comparison;
  value: number;
  /** Prometheus duration, e.g. "5m"; "0m" only with `immediate`. */
  for: string;
}

/** Input series for one promtool test, given the value the alert's expression should evaluate to. */
export interface TestInput {
  series: { series: string; values: string }[];
}

export interface Runbook {
  meaning: string;
  impact: string;
  diagnosis: string[];
  mitigation: string[];
}

export interface AlertDefinition {
  /** The alertname, shared by every tier's rule. CamelCase. */
  name: string;
  /** Rule group (one file per group), e.g. "kafka". */
  group: string;
  service: string;
  team: string;
  /** One line. May use {{ $labels.<name> }} of the expression's output labels; not $value. */
  summary: string;
  description: string;
  /** The signal, without the comparison: the compiled rule is `(<expr>) <op> <value>`. */
  expr: string;
  thresholds: Threshold[];
  /** T1 that fires on the first evaluation (no `for:`), said out loud. */
  immediate?: boolean;
  /** Labels the expression's result carries, as the generated tests expect them. */
  outputLabels: Record<string, string>;
  /** Builds promtool input series so that `expr` evaluates to `value`. */
  input: (value: number) => TestInput;
  /**
   * For baseline (anomaly) alerts: the test's sample interval and evaluation time, e.g. 5m samples and
   * an evaluation after 8 days, so a 7-day baseline exists. `evaluationInterval` (default: `interval`)
   * is how often promtool evaluates the rules over those days: each evaluation runs every rule of the
   * group, so a week at 5m is 2,000 evaluations; a coarser one samples the recorded baseline less often
   * while the input keeps its fine samples (rate windows see what a scrape would give).
   */
  testWindow?: {
    interval: string;
    evalAt: string;
    evaluationInterval?: string;
    /** When the input leaves its baseline: the firing test also expects no alert one evaluation before. */
    shiftAt?: string;
  };
  /** Minutes of input the expression needs before it means anything (e.g. a 1h window). */
  warmupMinutes?: number;
  /** Values to test with where "just above/below the threshold" does not apply (==, !=, baselines). */
  testValues?: { firing: number; quiet: number } | ((t: Threshold) => { firing: number; quiet: number });
  runbook: Runbook;
  /** Metrics the expression reads (checked against the metrics contract). */
  metrics: string[];
  /** Dashboard panel the deep link opens for this alert. */
  panel?: string;
  /**
   * kube-prometheus-stack default alerts this definition replaces under another name (e.g.
   * `['KubePersistentVolumeFillingUp']`): the generated values disable them. Same-named ones are disabled anyway.
   */
  replaces?: string[];
  /**
   * The info series the expression joins for extra labels (`* on (…) group_left (<labels>) <metric>`),
   * e.g. `{ metric: 'kube_pod_info', labels: ['node'] }`. The expression must fall back to the un-joined
   * one (`… or on (<un-joined labels>) …`) and `klaxon test` proves it fires without that series, with
   * `labels` absent from the alert.
   */
  infoJoin?: { metric: string; labels: string[] };
  /** The file the definition came from, for messages (set by the loader). */
  source?: string;
}

export interface RecordingRule {
  group: string;
  record: string;
  expr: string;
}

export interface Catalog {
  alerts: AlertDefinition[];
  recordingRules: RecordingRule[];
  /** Base URL the generated runbooks are published under. */
  runbookBaseUrl: string;
  /**
   * Your own Alertmanager routes and receivers, placed before the tier routes (e.g. a team's Slack).
   * `klaxon check` refuses any that would send T3 to a paging receiver.
   */
  routing?: { routes: Record<string, unknown>[]; receivers: Record<string, unknown>[] };
  /** Grafana dashboards (Foundation SDK models with their folder and purpose); `klaxon build` writes them. */
  dashboards?: DashboardSpec[];
  /**
   * The deployment environments `klaxon build --env` knows (external labels, retention, replicas,
   * intervals, which tiers page). Default: dev, staging and prod of compile/environments.ts.
   */
  environments?: Environment[];
  /**
   * The global view: a global Prometheus federating the recording rules of the local ones, and an
   * optional remote_write to Thanos Receive or Mimir (compile/scale-out.ts).
   */
  scaleOut?: ScaleOut;
  /** The series budget `klaxon cardinality` checks a running Prometheus against. */
  cardinality?: CardinalityBudget;
  /**
   * kube-prometheus-stack's own default rules: the severity → tier mapping, team and service of the
   * chart alerts the catalog keeps (compile/chart.ts). Default: DEFAULT_CHART_MAPPING (the seed's).
   */
  kubePrometheusStack?: KubePrometheusStackMapping;
}

/** Whether `v` is past a threshold: the comparison a rule makes (`(<expr>) <op> <value>`). */
export function holds(op: Comparison, v: number, threshold: number): boolean {
  switch (op) {
    case '>':
      return v > threshold;
    case '>=':
      return v >= threshold;
    case '<':
      return v < threshold;
    case '<=':
      return v <= threshold;
    case '==':
      return v === threshold;
    case '!=':
      return v !== threshold;
  }
}
