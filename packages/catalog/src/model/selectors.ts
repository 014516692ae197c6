/**
 * Where each exporter's series come from, overridable the way the monitoring mixins' `_config` is:
 * `job="kafka-exporter"`, `cluster="prod"`, …
 */
export interface Selectors {
  kafkaExporter: string;
  kafkaJmx: string;
  kafkaBrokerDisks: string;
  yace: string;
  kubeStateMetrics: string;
  kubelet: string;
  blackbox: string;
  bedrockProbe: string;
  apps: string;
  game: string;
  narrative: string;
  cost: string;
  redshiftQueries: string;
  prometheus: string;
  alertmanager: string;
  klaxon: string;
}

export const DEFAULT_SELECTORS: Selectors = {
  kafkaExporter: 'job="kafka-exporter"',
  kafkaJmx: 'job="kafka-jmx"',
  kafkaBrokerDisks: 'job="node-exporter",mountpoint=~"/var/lib/kafka.*"',
  yace: 'job="yace"',
  kubeStateMetrics: 'job="kube-state-metrics"',
  kubelet: 'job="kubelet"',
  blackbox: 'job="blackbox"',
  bedrockProbe: 'probe="bedrock"',
  apps: 'job=~".+"',
  game: 'job="game-backend"',
  narrative: 'job="narrative"',
  cost: 'job="klaxon-cost-exporter"',
  redshiftQueries: 'job="klaxon-redshift-exporter"',
  prometheus: 'job="prometheus"',
  alertmanager: 'job="alertmanager"',
  klaxon: 'job="klaxon"',
};

/** Adds test label values for a selector's equality matchers, e.g. `job="kafka-exporter"` → `job="kafka-exporter"`. */
export function selectorLabels(selector: string): string {
  return [...selector.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => `${k}="${v}"`).join(',');
}
