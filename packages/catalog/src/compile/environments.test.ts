import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { seedCatalog } from '../seed/index.ts';
import { compileAlertmanager } from './alertmanager.ts';
import { relabel, type AlertRelabelConfig } from './chart.ts';
import { kubePrometheusStackValues } from './deploy.ts';
import {
  checkEnvironments,
  demotionRelabelings,
  ENVIRONMENT_NAMES,
  ENVIRONMENTS,
  environmentNamed,
  environmentsOf,
  mergeValues,
  pagingTiers,
  UnknownEnvironmentError,
  type Environment,
} from './environments.ts';
import { writeCatalog } from './write.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');

interface Values {
  prometheus: {
    prometheusSpec: Record<string, unknown> & {
      storageSpec?: { volumeClaimTemplate: { spec: { resources: { requests: { storage: string } } } } };
    };
  };
  alertmanager: { config: unknown; alertmanagerSpec: Record<string, unknown> };
}

const bytes = (q: string) => {
  const m = /^(\d+(?:\.\d+)?)(GB|Gi|MB|Mi)$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  const unit = { GB: 1e9, MB: 1e6, Gi: 2 ** 30, Mi: 2 ** 20 }[m[2] as 'GB'];
  return Number(m[1]) * unit;
};

describe('deployment environments', () => {
  const am = compileAlertmanager(seedCatalog(), { target: 'klaxon' });

  it('gives prod its retention, replicas and external labels in the kube-prometheus-stack values', () => {
    const values = kubePrometheusStackValues(am, environmentNamed('prod')) as unknown as Values;
    expect(values.prometheus.prometheusSpec).toMatchObject({
      retention: '30d',
      retentionSize: '170GB',
      replicas: 2,
      externalLabels: { cluster: 'klaxon-prod', environment: 'prod' },
      // The environment-neutral settings stay.
      ruleSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'klaxon' } },
      evaluationInterval: '30s',
    });
    expect(values.prometheus.prometheusSpec.storageSpec!.volumeClaimTemplate.spec.resources.requests).toEqual(
      {
        storage: '200Gi',
      },
    );
    expect(values.alertmanager.alertmanagerSpec).toEqual({
      secrets: ['klaxon-alertmanager-secrets'],
      replicas: 3,
    });
    expect(values.alertmanager.config).toBe(am);
    const dev = kubePrometheusStackValues(am, ENVIRONMENTS.dev) as unknown as Values;
    expect(dev.prometheus.prometheusSpec).toMatchObject({ retention: '2d', replicas: 1 });
  });

  it('leaves the values environment-neutral without an environment', () => {
    const values = kubePrometheusStackValues(am) as unknown as Values;
    expect(values.prometheus.prometheusSpec.retention).toBe('15d');
    for (const key of ['retentionSize', 'replicas', 'externalLabels', 'storageSpec'])
      expect(values.prometheus.prometheusSpec, key).not.toHaveProperty(key);
    expect(values.alertmanager.alertmanagerSpec).toEqual({ secrets: ['klaxon-alertmanager-secrets'] });
  });

  it('keeps each environment’s retentionSize below its volume, and the list in step with the overlays', () => {
    for (const env of Object.values(ENVIRONMENTS) as Environment[]) {
      expect(bytes(env.prometheus.retentionSize), env.name).toBeLessThan(bytes(env.prometheus.storage));
      expect(env.prometheus.replicas).toBeGreaterThanOrEqual(1);
    }
    expect(ENVIRONMENTS.prod.alertmanager.replicas % 2, 'an odd Alertmanager cluster').toBe(1);
    expect(readdirSync(join(ROOT, 'deploy/kubernetes/overlays')).sort()).toEqual(
      [...ENVIRONMENT_NAMES].sort(),
    );
  });

  it('sets the intervals, and lowers the tiers that must not page: dev pages nobody, staging calls nobody', () => {
    const spec = (env: Environment) =>
      (kubePrometheusStackValues(am, env) as unknown as Values).prometheus.prometheusSpec;
    expect(spec(ENVIRONMENTS.dev)).toMatchObject({ scrapeInterval: '60s', evaluationInterval: '60s' });
    expect(pagingTiers(ENVIRONMENTS.dev)).toEqual([]);
    expect(pagingTiers(ENVIRONMENTS.staging)).toEqual(['T1', 'T2']);
    expect(pagingTiers(ENVIRONMENTS.prod)).toEqual(['T1', 'T2']);
    const lowered = (env: Environment) =>
      demotionRelabelings(env)
        .filter((r) => r.target_label === 'tier')
        .map((r) => `${r.regex}→${r.replacement}`);
    // T2 first, so that a T1 lowered to T2 is not lowered again.
    expect(lowered(ENVIRONMENTS.dev)).toEqual(['T2→T3', 'T1→T3']);
    expect(lowered(ENVIRONMENTS.staging)).toEqual(['T1→T2']);
    expect(spec(ENVIRONMENTS.prod)).not.toHaveProperty('additionalAlertRelabelConfigs');
    expect(spec(ENVIRONMENTS.dev).additionalAlertRelabelConfigs).toEqual(
      demotionRelabelings(ENVIRONMENTS.dev),
    );
    // Relabelings the neutral values already carry run first; the environment's are appended.
    const merged = mergeValues(
      { p: { additionalAlertRelabelConfigs: [{ target_label: 'a' }] } },
      { p: { additionalAlertRelabelConfigs: [{ target_label: 'b' }] } },
    );
    expect(merged).toEqual({
      p: { additionalAlertRelabelConfigs: [{ target_label: 'a' }, { target_label: 'b' }] },
    });
  });

  it('lowers a chart alert after the severity mapping gave it a tier, and leaves prod alone', () => {
    const { prometheus } = kubePrometheusStackValues(am, ENVIRONMENTS.dev, seedCatalog()) as unknown as {
      prometheus: { prometheusSpec: { additionalAlertRelabelConfigs: AlertRelabelConfig[] } };
    };
    const chartCritical = { alertname: 'KubeAPIDown', severity: 'critical' };
    expect(relabel(chartCritical, prometheus.prometheusSpec.additionalAlertRelabelConfigs)).toMatchObject({
      tier: 'T3',
      severity: 'info',
      demoted_from: 'T2',
    });
    const prod = kubePrometheusStackValues(am, ENVIRONMENTS.prod, seedCatalog()) as unknown as {
      prometheus: { prometheusSpec: { additionalAlertRelabelConfigs: AlertRelabelConfig[] } };
    };
    const ours = { alertname: 'KafkaConsumerLag', tier: 'T1', severity: 'critical' };
    expect(relabel(ours, prod.prometheus.prometheusSpec.additionalAlertRelabelConfigs)).toEqual(ours);
  });

  it('checks declared environments: unique names, durations, and tiers only lowered', () => {
    expect(checkEnvironments(Object.values(ENVIRONMENTS))).toEqual([]);
    const bad: Environment = {
      ...ENVIRONMENTS.prod,
      prometheus: { ...ENVIRONMENTS.prod.prometheus, scrapeInterval: 'often' },
      demote: { T2: 'T1' },
    };
    const problems = checkEnvironments([ENVIRONMENTS.prod, bad]);
    expect(problems).toEqual([
      'environments[1] (prod): the name is declared twice; names must be unique',
      'environments[1] (prod): prometheus.scrapeInterval "often" is not a duration like "30s"',
      'environments[1] (prod): demote.T2 is T1: a tier can only be lowered (T1 → T2 or T3, T2 → T3)',
    ]);
    const catalog = { ...seedCatalog(), environments: [{ ...ENVIRONMENTS.prod, name: 'eu-prod' }] };
    expect(environmentNamed('eu-prod', environmentsOf(catalog)).cluster).toBe('klaxon-prod');
    expect(() => environmentNamed('prod', environmentsOf(catalog))).toThrow(
      'unknown environment "prod": use one of eu-prod',
    );
  });

  it('refuses an unknown environment, listing the known ones', () => {
    expect(() => environmentNamed('qa')).toThrow(UnknownEnvironmentError);
    expect(() => environmentNamed('qa')).toThrow('unknown environment "qa": use one of dev, staging, prod');
    expect(() => environmentNamed('toString')).toThrow(UnknownEnvironmentError);
  });

  it('writes the environment’s values, and leaves the engine’s ServiceMonitor to deploy/kubernetes', () => {
    const monitors = (dir: string) =>
      parseAllDocuments(readFileSync(join(dir, 'kubernetes/servicemonitors.yml'), 'utf8')).map(
        (d) => (d.toJS() as { metadata: { name: string } }).metadata.name,
      );
    const values = (dir: string) =>
      parse(readFileSync(join(dir, 'helm/kube-prometheus-stack.values.yaml'), 'utf8')) as Values;

    const neutral = mkdtempSync(join(tmpdir(), 'klaxon-env-'));
    writeCatalog(seedCatalog(), neutral);
    expect(monitors(neutral)).toContain('klaxon');
    expect(values(neutral).prometheus.prometheusSpec).not.toHaveProperty('externalLabels');

    const prod = mkdtempSync(join(tmpdir(), 'klaxon-env-'));
    writeCatalog(seedCatalog(), prod, { alertmanager: { target: 'klaxon' }, environment: ENVIRONMENTS.prod });
    expect(monitors(prod)).not.toContain('klaxon');
    expect(monitors(prod)).toEqual(monitors(neutral).filter((m) => m !== 'klaxon'));
    expect(values(prod).prometheus.prometheusSpec).toMatchObject({
      retention: '30d',
      externalLabels: { cluster: 'klaxon-prod', environment: 'prod' },
    });
  });
});
