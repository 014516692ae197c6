/**
 * `klaxon build`'s Kubernetes output, validated offline: every object of every kubernetes/*.yml against
 * its schema (a kind without a model fails, so objects added later are covered), and the
 * kube-prometheus-stack values against the chart's own values.yaml (pinned, vendored), the Prometheus and
 * Alertmanager resource models and promtool; without an environment and with each one. Then the same
 * checks shown to catch a misspelt key, a wrong type and a kind nobody declared.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT_NAMES, environmentNamed, seedCatalog, writeCatalog } from '@klaxon/catalog';
import { findBinary, missingBinary } from '@klaxon/testing';
import { checkValues, unknownKeyPaths } from './kubernetes/chart-values.ts';
import { parseStream, validateObject, type K8sObject } from './kubernetes/manifests.ts';

const noPromtool = missingBinary(['promtool'], 'prometheus');
const promtool = findBinary(['promtool']) ?? undefined;
const catalog = seedCatalog();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function build(env?: string) {
  const dir = mkdtempSync(join(tmpdir(), `klaxon-build-${env ?? 'neutral'}-`));
  dirs.push(dir);
  writeCatalog(catalog, dir, {
    alertmanager: { target: 'klaxon' },
    ...(env ? { environment: environmentNamed(env) } : {}),
  });
  const objects: { file: string; obj: K8sObject }[] = [];
  for (const f of readdirSync(join(dir, 'kubernetes'))
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    const file = join(dir, 'kubernetes', f);
    for (const obj of parseStream(readFileSync(file, 'utf8'), file)) objects.push({ file: f, obj });
  }
  const values = parse(
    readFileSync(join(dir, 'helm', 'kube-prometheus-stack.values.yaml'), 'utf8'),
  ) as Record<string, unknown>;
  return { objects, values };
}

describe.each([undefined, ...ENVIRONMENT_NAMES])('klaxon build (environment: %s)', (env) => {
  const built = build(env);

  it('writes only objects that match their schema', () => {
    expect(built.objects.length).toBeGreaterThan(10);
    for (const { file, obj } of built.objects) validateObject(obj, file);
    const kinds = new Set(built.objects.map((o) => o.obj.kind));
    for (const k of ['PrometheusRule', 'ServiceMonitor', 'Probe', 'ConfigMap']) expect(kinds).toContain(k);
  });

  it.skipIf(noPromtool)(
    'writes kube-prometheus-stack values the chart, the operator and Prometheus accept',
    () => {
      expect(checkValues(built.values, promtool)).toEqual([]);
    },
  );
});

describe('the validation catches', () => {
  const { objects, values } = build('prod');
  const prometheusSpec = (values.prometheus as { prometheusSpec: Record<string, unknown> }).prometheusSpec;
  const withSpec = (spec: Record<string, unknown>) => ({ ...values, prometheus: { prometheusSpec: spec } });

  it('a misspelt key of the values, at any depth the chart lists', () => {
    expect(unknownKeyPaths({ ...values, defaultRule: { create: true } })).toEqual(['defaultRule']);
    const { retention, ...rest } = prometheusSpec;
    expect(unknownKeyPaths(withSpec({ ...rest, retentoin: retention }))).toEqual([
      'prometheus.prometheusSpec.retentoin',
    ]);
  });

  it('a value of the wrong type for the Prometheus resource', () => {
    const problems = checkValues(withSpec({ ...prometheusSpec, replicas: 'two' }));
    expect(problems).toEqual([
      { path: 'prometheus.prometheusSpec', message: expect.stringContaining('replicas must be integer') },
    ]);
  });

  it.skipIf(noPromtool)('alert relabelings in the operator spelling, which prometheus.yml refuses', () => {
    const camel = [{ sourceLabels: ['tier'], regex: 'T1', targetLabel: 'tier', replacement: 'T3' }];
    const problems = checkValues(
      withSpec({ ...prometheusSpec, additionalAlertRelabelConfigs: camel }),
      promtool,
    );
    expect(problems).toEqual([
      {
        path: 'prometheus.prometheusSpec.additionalAlertRelabelConfigs',
        message: expect.stringContaining('field sourceLabels not found'),
      },
    ]);
  });

  it('an object of the wrong shape, and a kind with no schema model', () => {
    const rule = objects.find((o) => o.obj.kind === 'PrometheusRule')!.obj;
    const broken = { ...rule, spec: { groups: [{ name: 'x', rules: [{ alert: 'A', expr: 1, for: 5 }] }] } };
    expect(() => validateObject(broken, 'broken.yml')).toThrow(/does not match its schema/);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x' } };
    expect(() => validateObject(cron, 'new.yml')).toThrow(/has no schema model here/);
  });
});
