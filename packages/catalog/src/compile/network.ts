/**
 * Who may reach Klaxon's own exporters: one NetworkPolicy per exporter (cost, Redshift, Bedrock prober)
 * admitting only the Prometheus pods of the monitoring namespace, and only to the metrics port. The
 * exporters run in that namespace, where their ServiceMonitors and the scrape-token Secret are (a pod can
 * mount only a Secret of its own namespace). The engine's policy comes with its manifests
 * (deploy/kubernetes/base/networkpolicy.yaml), since its main port must stay open to the ingress. Plain
 * objects; write.ts makes kubernetes/networkpolicies.yml.
 */
import type { DeployOptions } from './deploy.ts';

/** The scrape jobs of Klaxon's own exporters: `app.kubernetes.io/name` of their pods too. */
export const KLAXON_EXPORTER_JOBS = [
  'klaxon-cost-exporter',
  'klaxon-redshift-exporter',
  'klaxon-bedrock-prober',
] as const;

/** The label kube-prometheus-stack's Prometheus pods carry (set by the operator). */
export const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' } as const;

/** The port name of every Klaxon exporter's /metrics in its pod and Service. */
export const EXPORTER_METRICS_PORT = 'metrics';

/**
 * The NetworkPolicies of Klaxon's exporters: each selects its exporter's pods, so every other inbound
 * connection is refused, and admits Prometheus from `o.namespace` to the metrics port.
 *
 * @example
 * const [cost] = exporterNetworkPolicies(DEFAULT_DEPLOY);
 * // cost.spec.ingress[0].ports → [{ port: 'metrics', protocol: 'TCP' }]
 */
export function exporterNetworkPolicies(o: DeployOptions): Record<string, unknown>[] {
  return KLAXON_EXPORTER_JOBS.map((job) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: `${job}-metrics`,
      namespace: o.namespace,
      labels: { 'app.kubernetes.io/name': job, 'app.kubernetes.io/part-of': 'klaxon' },
    },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': job } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': o.namespace } },
              podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } },
            },
          ],
          ports: [{ port: EXPORTER_METRICS_PORT, protocol: 'TCP' }],
        },
      ],
    },
  }));
}
