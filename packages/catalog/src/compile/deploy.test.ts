import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logqlErrors } from '../check/logql.ts';
import { CONTRACT_METRICS } from '../contract.ts';
import { DEFAULT_SELECTORS } from '../model/selectors.ts';
import { seedCatalog } from '../seed/index.ts';
import { compileAlertmanager } from './alertmanager.ts';
import {
  alloyConfig,
  DEFAULT_DEPLOY,
  kubePrometheusStackValues,
  lokiRules,
  serviceMonitors,
  yaceConfig,
} from './deploy.ts';

describe('deployment outputs', () => {
  it('has a ServiceMonitor for every job the rules select on that is not kube-prometheus-stack’s own', () => {
    const jobs = new Set(
      serviceMonitors(DEFAULT_DEPLOY).map((m) => (m as { metadata: { name: string } }).metadata.name),
    );
    const builtIn = new Set([
      'node-exporter',
      'kube-state-metrics',
      'kubelet',
      'prometheus',
      'alertmanager',
      'blackbox',
    ]);
    const selected = Object.values(DEFAULT_SELECTORS).flatMap((sel) =>
      [...sel.matchAll(/job="([^"]+)"/g)].map((m) => m[1]!),
    );
    expect(selected.filter((j) => !builtIn.has(j) && !jobs.has(j))).toEqual([]);
  });

  it('scrapes the engine’s /metrics with the bearer token from a Secret', () => {
    type Monitor = {
      metadata: { name: string };
      spec: { endpoints: { authorization?: unknown; port: string; path: string }[] };
    };
    const monitors = serviceMonitors(DEFAULT_DEPLOY) as Monitor[];
    const engine = monitors.find((m) => m.metadata.name === 'klaxon')!;
    expect(engine.spec.endpoints[0]).toMatchObject({
      port: 'http',
      path: '/metrics',
      authorization: { type: 'Bearer', credentials: { name: 'klaxon-metrics', key: 'token' } },
    });
    const custom = serviceMonitors({ ...DEFAULT_DEPLOY, engineMetricsSecret: 'my-scrape' }) as Monitor[];
    expect(custom.find((m) => m.metadata.name === 'klaxon')!.spec.endpoints[0]!.authorization).toEqual({
      type: 'Bearer',
      credentials: { name: 'my-scrape', key: 'token' },
    });
    // Klaxon's own exporters take a token too (network.test.ts); the third-party exporters none.
    for (const m of monitors.filter((x) => !x.metadata.name.startsWith('klaxon')))
      expect(m.spec.endpoints[0]!.authorization, m.metadata.name).toBeUndefined();
  });

  it('asks YACE for every CloudWatch metric the rules read, under the names the contract expects', () => {
    const yace = yaceConfig(DEFAULT_DEPLOY) as {
      static: { namespace: string; metrics: { name: string; statistics: string[] }[] }[];
      discovery: { jobs: { type: string; metrics: { name: string; statistics: string[] }[] }[] };
    };
    const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const names = new Set<string>();
    const add = (ns: string, metrics: { name: string; statistics: string[] }[]) => {
      for (const m of metrics)
        for (const st of m.statistics)
          names.add(`aws_${ns.replace('AWS/', '').toLowerCase()}_${snake(m.name)}_${st.toLowerCase()}`);
    };
    for (const j of yace.discovery.jobs) add(j.type, j.metrics);
    for (const j of yace.static) add(j.namespace, j.metrics);
    const used = [
      ...new Set(
        seedCatalog()
          .alerts.flatMap((a) => a.metrics)
          .concat(seedCatalog().recordingRules.flatMap(() => [])),
      ),
    ].filter((m) => m.startsWith('aws_') && !m.startsWith('aws_cost') && !m.startsWith('aws_budget'));
    expect(used.filter((m) => !names.has(m))).toEqual([]);
  });

  it('writes Loki rules whose LogQL parses, and catches LogQL that does not', () => {
    for (const r of lokiRules('https://runbooks.example.com').groups[0]!.rules)
      expect(logqlErrors(r.expr)).toEqual([]);
    expect(logqlErrors('sum(count_over_time({app="x"} |= "error" [5m]')).not.toEqual([]);
  });

  it('wires the generated Alertmanager config and selectors into kube-prometheus-stack values, and ships logs with Alloy', () => {
    const am = compileAlertmanager(seedCatalog(), { target: 'klaxon' });
    const values = kubePrometheusStackValues(am) as {
      alertmanager: { config: unknown };
      prometheus: { prometheusSpec: { ruleSelector: unknown } };
    };
    expect(values.alertmanager.config).toBe(am);
    expect(values.prometheus.prometheusSpec.ruleSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/part-of': 'klaxon' },
    });
    expect(alloyConfig(DEFAULT_DEPLOY)).toContain('loki.source.kubernetes "pods"');
  });

  const contract = resolve(import.meta.dirname, '../../../../../shared/reference/metrics.md');
  it.skipIf(!existsSync(contract))('mirrors the metrics contract document exactly', () => {
    const text = readFileSync(contract, 'utf8');
    const documented = new Set<string>();
    for (const [, token] of text.matchAll(/`([a-z][a-z0-9_]*(?:\|_[a-z]+)*)(?:\{[^`]*\})?`/g)) {
      const [base, ...suffixes] = token!.split('|');
      if (suffixes.length === 0) documented.add(base!);
      else {
        const stem = base!.replace(/_(bucket|count|sum)$/, '');
        documented.add(base!);
        for (const s of suffixes) documented.add(`${stem}${s}`);
      }
    }
    // A documented histogram (`…_bucket`) brings its `_count` and `_sum` series with it.
    const implied = (m: string) =>
      /_(count|sum)$/.test(m) && documented.has(m.replace(/_(count|sum)$/, '_bucket'));
    const missing = CONTRACT_METRICS.filter((m) => !documented.has(m) && !implied(m));
    expect(missing, 'names in contract.ts that metrics.md does not list').toEqual([]);
  });
});
