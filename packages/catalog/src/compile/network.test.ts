/**
 * Secured scrapes in the generated Kubernetes objects: every Klaxon /metrics (the exporters' and the
 * engine's) is scraped with a token from a Secret, and each exporter's NetworkPolicy admits only the
 * monitoring namespace's Prometheus to the port its ServiceMonitor scrapes; all valid against the schemas.
 */
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPLOY, SCRAPE_TARGETS, serviceMonitors } from './deploy.ts';
import { exporterNetworkPolicies, KLAXON_EXPORTER_JOBS } from './network.ts';

type Endpoint = {
  port: string;
  authorization?: { type: string; credentials: { name: string; key: string } };
};
type Monitor = { metadata: { name: string }; spec: { endpoints: Endpoint[] } };
type Policy = {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    ingress: {
      from: { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: unknown }[];
      ports: { port: string }[];
    }[];
  };
};

const deploy = { ...DEFAULT_DEPLOY, namespace: 'observability', exporterMetricsSecret: 'exporter-scrape' };

describe('secured scrapes in the generated Kubernetes objects', () => {
  it('sends a token from a Secret to every Klaxon /metrics, and to nothing else', () => {
    const monitors = serviceMonitors(deploy) as unknown as Monitor[];
    for (const m of monitors) new ServiceMonitor(m as never).validate();
    const secretOf = new Map(
      monitors.map((m) => [m.metadata.name, m.spec.endpoints[0]!.authorization?.credentials.name]),
    );
    for (const job of KLAXON_EXPORTER_JOBS) expect(secretOf.get(job), job).toBe('exporter-scrape');
    expect(secretOf.get('klaxon')).toBe(DEFAULT_DEPLOY.engineMetricsSecret);
    const others = SCRAPE_TARGETS.map((t) => t.job).filter(
      (j) => j !== 'klaxon' && !(KLAXON_EXPORTER_JOBS as readonly string[]).includes(j),
    );
    expect(others.length).toBeGreaterThan(0);
    for (const job of others) expect(secretOf.get(job), job).toBeUndefined();
    for (const m of monitors.filter((x) => secretOf.get(x.metadata.name)))
      expect(m.spec.endpoints[0]!.authorization).toMatchObject({
        type: 'Bearer',
        credentials: { key: 'token' },
      });
  });

  it("admits only the monitoring namespace's Prometheus to each exporter's scraped port", () => {
    const policies = exporterNetworkPolicies(deploy) as unknown as Policy[];
    for (const p of policies) new NetworkPolicy(p as never).validate();
    const monitors = new Map(
      (serviceMonitors(deploy) as unknown as Monitor[]).map((m) => [m.metadata.name, m.spec.endpoints[0]!]),
    );
    expect(policies.map((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'])).toEqual([
      ...KLAXON_EXPORTER_JOBS,
    ]);
    for (const p of policies) {
      const job = p.spec.podSelector.matchLabels['app.kubernetes.io/name']!;
      expect(p.metadata.namespace).toBe('observability');
      expect(p.spec.ingress).toHaveLength(1);
      const [rule] = p.spec.ingress;
      expect(rule!.from).toEqual([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
        },
      ]);
      // The port the policy opens is the one Prometheus scrapes, from the ServiceMonitor itself.
      expect(rule!.ports.map((x) => x.port)).toEqual([monitors.get(job)!.port]);
    }
  });

  it('the schema check catches a broken policy (the validation can fail)', () => {
    const [policy] = exporterNetworkPolicies(deploy) as unknown as Policy[];
    const broken = { ...policy!, spec: { ...policy!.spec, policyTypes: 'Ingress' } };
    expect(() => new NetworkPolicy(broken as never).validate()).toThrow();
  });
});
