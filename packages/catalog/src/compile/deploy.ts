/**
 * Everything around the rules that kube-prometheus-stack needs: ServiceMonitors for the exporters and
 * app services, a Probe for the 30-second endpoint checks, the blackbox_exporter and YACE configs (the
 * Grafana Alloy config is in alloy.ts), Loki ruler rules for log-based alerts, and a values.yaml that
 * wires it together. Plain objects; the writer makes YAML.
 */
import { DATASOURCES } from '../dashboards/build.ts';
import type { Catalog } from '../model/alert.ts';
import type { AlertmanagerConfig } from './alertmanager.ts';
import { chartValues } from './chart.ts';
import { environmentValues, mergeValues, type Environment } from './environments.ts';
import { DEFAULT_GRAFANA } from './grafana.ts';
import { KLAXON_EXPORTER_JOBS } from './network.ts';

export interface DeployOptions {
  namespace: string;
  awsRegion: string;
  bedrockModels: string[];
  redshiftClusters: string[];
  /** Endpoints probed every 30 s. */
  endpoints: string[];
  lokiUrl: string;
  /**
   * The Secret (in `namespace`, key `token`) holding the bearer token Prometheus sends to the Klaxon
   * engine's /metrics: the engine's `server.metrics.token` or any of its API tokens.
   */
  engineMetricsSecret: string;
  /**
   * The Secret (in `namespace`, key `token`) holding the bearer token Prometheus sends to Klaxon's own
   * exporters; each exporter mounts the same Secret and reads it with `--metrics-token-file`.
   */
  exporterMetricsSecret: string;
}

export const DEFAULT_DEPLOY: DeployOptions = {
  namespace: 'monitoring',
  awsRegion: 'us-east-1',
  bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
  redshiftClusters: ['analytics-prod'],
  endpoints: ['https://api.game.example.com/healthz', 'https://play.game.example.com/'],
  lokiUrl: 'http://loki-gateway.monitoring.svc/loki/api/v1/push',
  engineMetricsSecret: 'klaxon-metrics',
  exporterMetricsSecret: 'klaxon-exporter-metrics',
};

/** The scrape targets, by the job names the metrics contract and the rules use. */
export const SCRAPE_TARGETS = [
  { job: 'kafka-exporter', app: 'kafka-exporter', port: 'metrics', interval: '30s' },
  { job: 'kafka-jmx', app: 'kafka', port: 'jmx-metrics', interval: '30s' },
  { job: 'yace', app: 'yace', port: 'http', interval: '60s' },
  { job: 'game-backend', app: 'game-backend', port: 'metrics', interval: '15s' },
  { job: 'game-api', app: 'game-api', port: 'metrics', interval: '15s' },
  { job: 'narrative', app: 'narrative', port: 'metrics', interval: '15s' },
  { job: 'klaxon-cost-exporter', app: 'klaxon-cost-exporter', port: 'metrics', interval: '60s' },
  { job: 'klaxon-redshift-exporter', app: 'klaxon-redshift-exporter', port: 'metrics', interval: '30s' },
  { job: 'klaxon-bedrock-prober', app: 'klaxon-bedrock-prober', port: 'metrics', interval: '30s' },
  { job: 'klaxon', app: 'klaxon', port: 'http', interval: '30s' },
] as const;

const LABELS = { release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'klaxon' };

/** The job whose /metrics (the Klaxon engine's) needs a bearer token. */
const ENGINE_JOB = 'klaxon';

/** The Secret whose token Prometheus sends to `job`: the engine's, or the Klaxon exporters'. */
function metricsSecret(job: string, o: DeployOptions): string | undefined {
  if (job === ENGINE_JOB) return o.engineMetricsSecret;
  return (KLAXON_EXPORTER_JOBS as readonly string[]).includes(job) ? o.exporterMetricsSecret : undefined;
}

export function serviceMonitors(o: DeployOptions): Record<string, unknown>[] {
  return SCRAPE_TARGETS.map((t) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: t.job, namespace: o.namespace, labels: LABELS },
    spec: {
      jobLabel: 'app.kubernetes.io/name',
      namespaceSelector: { any: true },
      selector: { matchLabels: { 'app.kubernetes.io/name': t.app } },
      endpoints: [
        {
          port: t.port,
          path: '/metrics',
          interval: t.interval,
          // The rules select on job="<name>": pin it, whatever the Service is called.
          relabelings: [{ targetLabel: 'job', replacement: t.job, action: 'replace' }],
          // Klaxon's own /metrics (the engine's names services and people) answer only with a token.
          ...(metricsSecret(t.job, o)
            ? {
                authorization: {
                  type: 'Bearer',
                  credentials: { name: metricsSecret(t.job, o), key: 'token' },
                },
              }
            : {}),
        },
      ],
    },
  }));
}

export function blackboxProbe(o: DeployOptions): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Probe',
    metadata: { name: 'klaxon-endpoints', namespace: o.namespace, labels: LABELS },
    spec: {
      jobName: 'blackbox',
      interval: '30s',
      module: 'http_2xx',
      prober: { url: 'prometheus-blackbox-exporter.monitoring.svc:9115' },
      targets: { staticConfig: { static: o.endpoints } },
    },
  };
}

export function blackboxConfig(): Record<string, unknown> {
  return {
    modules: {
      http_2xx: {
        prober: 'http',
        timeout: '10s',
        http: {
          method: 'GET',
          preferred_ip_protocol: 'ip4',
          follow_redirects: true,
          fail_if_not_ssl: false,
          valid_status_codes: [],
        },
      },
    },
  };
}

/** YACE: Bedrock and Billing as static jobs (models are not taggable resources), Redshift by discovery. */
export function yaceConfig(o: DeployOptions): Record<string, unknown> {
  const stat = (name: string, statistics: string[]) => ({ name, statistics, period: 60, length: 300 });
  return {
    apiVersion: 'v1alpha1',
    sts: { region: o.awsRegion },
    discovery: {
      exportedTagsOnMetrics: { 'AWS/Redshift': ['Name'] },
      jobs: [
        {
          type: 'AWS/Redshift',
          regions: [o.awsRegion],
          period: 300,
          length: 600,
          metrics: [
            stat('PercentageDiskSpaceUsed', ['Average']),
            stat('HealthStatus', ['Average']),
            stat('QueryDuration', ['Average']),
            stat('WLMQueueLength', ['Average']),
            stat('WLMQueueWaitTime', ['Average']),
            stat('CPUUtilization', ['Average']),
          ],
        },
      ],
    },
    static: [
      ...o.bedrockModels.map((model) => ({
        name: `bedrock-${model.replace(/[^a-z0-9]+/gi, '-')}`,
        namespace: 'AWS/Bedrock',
        regions: [o.awsRegion],
        dimensions: [{ name: 'ModelId', value: model }],
        metrics: [
          stat('Invocations', ['Sum']),
          stat('InvocationLatency', ['Average', 'p95']),
          stat('InvocationClientErrors', ['Sum']),
          stat('InvocationServerErrors', ['Sum']),
          stat('InvocationThrottles', ['Sum']),
          stat('InputTokenCount', ['Sum']),
          stat('OutputTokenCount', ['Sum']),
          stat('TimeToFirstToken', ['Average']),
        ],
      })),
      {
        name: 'billing',
        namespace: 'AWS/Billing',
        regions: ['us-east-1'],
        dimensions: [{ name: 'Currency', value: 'USD' }],
        metrics: [{ name: 'EstimatedCharges', statistics: ['Maximum'], period: 21600, length: 43200 }],
      },
    ],
  };
}

/** The Grafana Alloy config moved to alloy.ts (a typed block model); re-exported for the writer. */
export { alloyConfig } from './alloy.ts';

export interface LokiRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Log-based alerts for the Loki ruler: error-log bursts per service. */
export function lokiRules(runbookBaseUrl: string): { groups: { name: string; rules: LokiRule[] }[] } {
  const rule = (alert: string, tier: 'T2' | 'T3', threshold: number, severity: string): LokiRule => ({
    alert,
    expr: `sum by (namespace, service) (count_over_time({namespace=~".+"} | logfmt | level=~"error|fatal" [5m])) > ${threshold}`,
    for: '10m',
    labels: { tier, severity, team: 'platform', service: 'logs' },
    annotations: {
      summary: 'Error-log burst in {{ $labels.namespace }}/{{ $labels.service }}',
      description: `More than ${threshold} error lines in 5 minutes from {{ $labels.service }}.`,
      runbook_url: `${runbookBaseUrl.replace(/\/$/, '')}/${alert}.md`,
    },
  });
  return {
    groups: [
      {
        name: 'klaxon-logs',
        rules: [rule('ErrorLogBurst', 'T3', 100, 'info'), rule('ErrorLogStorm', 'T2', 1000, 'warning')],
      },
    ],
  };
}

/**
 * kube-prometheus-stack values that pick up everything above and run the generated Alertmanager config;
 * with an environment (environments.ts), its retention, storage, replicas and external labels too; with
 * the catalog, the chart's default rules minus those it replaces, tiered (chart.ts). Without the catalog
 * the chart's rules stay off: there is nothing to tell duplicates by.
 */
export function kubePrometheusStackValues(
  am: AlertmanagerConfig,
  env?: Environment,
  catalog?: Pick<Catalog, 'alerts' | 'kubePrometheusStack'>,
): Record<string, unknown> {
  const values = {
    prometheus: {
      prometheusSpec: {
        ruleSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        ruleSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'klaxon' } },
        evaluationInterval: '30s',
        scrapeInterval: '30s',
        retention: '15d',
      },
    },
    alertmanager: {
      config: am,
      alertmanagerSpec: { secrets: ['klaxon-alertmanager-secrets'] },
    },
    grafana: {
      sidecar: {
        dashboards: {
          enabled: true,
          label: 'grafana_dashboard',
          searchNamespace: 'ALL',
          // The Operations / ML / Product folders come from each ConfigMap's grafana_folder annotation.
          folderAnnotation: 'grafana_folder',
          provider: { foldersFromFilesStructure: true },
        },
        datasources: {
          enabled: true,
          // The SDK's histogram exemplars carry `trace_id`: each opens its trace in Tempo.
          exemplarTraceIdDestinations: { datasourceUid: DATASOURCES.tempo, traceIdLabelName: 'trace_id' },
        },
      },
      // Tempo beside the chart's Prometheus (a Tempo service `tempo` in the same namespace, port 3200).
      additionalDataSources: [
        {
          name: 'Tempo',
          uid: DATASOURCES.tempo,
          type: 'tempo',
          access: 'proxy',
          url: DEFAULT_GRAFANA.tempoUrl,
        },
      ],
    },
    defaultRules: { create: false },
  };
  const withChart = catalog ? mergeValues(values, chartValues(catalog)) : values;
  return env ? mergeValues(withChart, environmentValues(env)) : withChart;
}

/**
 * The ServiceMonitors for an environment of deploy/kubernetes: all but the engine's, which the engine's
 * manifests bring themselves (on its own metrics port), so that it is not scraped twice.
 */
export function environmentServiceMonitors(o: DeployOptions): Record<string, unknown>[] {
  return serviceMonitors(o).filter((m) => (m.metadata as { name: string }).name !== ENGINE_JOB);
}
