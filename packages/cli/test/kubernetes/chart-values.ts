/**
 * Test support: checks generated kube-prometheus-stack values offline. Every key path must exist in the
 * chart's own values.yaml (vendored at the pinned version in packages/catalog/test-data), except the
 * free-form maps declared below; `prometheusSpec` and `alertmanagerSpec` are turned into the Prometheus
 * and Alertmanager custom resources the chart renders from them and validated against the
 * prometheus-operator models; the alert relabelings go through `promtool check config`, the way the
 * chart hands them to prometheus.yml.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Alertmanager, Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { KUBE_PROMETHEUS_STACK_SOURCE } from '@klaxon/catalog';
import { ROOT } from './manifests.ts';

export const CHART_VALUES_FILE = join(
  ROOT,
  'packages/catalog/test-data',
  `kube-prometheus-stack-${KUBE_PROMETHEUS_STACK_SOURCE.version}`,
  'values.yaml',
);

/** Key paths whose keys are ours to choose (or belong to a subchart), and what checks them instead. */
export const FREE_FORM: ReadonlyMap<string, string> = new Map([
  ['alertmanager.config', 'the whole Alertmanager config: amtool check-config (klaxon check)'],
  ['prometheus.prometheusSpec.externalLabels', 'label names of our choosing'],
  ['defaultRules.disabled', 'chart alertnames: checked against the vendored rules (catalog chart.test.ts)'],
  ['defaultRules.labels', 'labels of our choosing'],
  ['defaultRules.additionalRuleLabels', 'labels of our choosing'],
  [
    'prometheus.prometheusSpec.additionalAlertRelabelConfigs',
    'prometheus.yml relabelings: promtool check config',
  ],
  [
    'grafana.sidecar.dashboards.folderAnnotation',
    'a key of the grafana subchart (12.11.1), not listed by kps',
  ],
  ['grafana.sidecar.dashboards.provider', 'keys of the grafana subchart (12.11.1), not listed by kps'],
]);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

let chartValues: Record<string, unknown> | undefined;
const vendored = () =>
  (chartValues ??= parse(readFileSync(CHART_VALUES_FILE, 'utf8')) as Record<string, unknown>);

/**
 * Key paths of `values` that the chart's values.yaml does not have. Below a key whose chart default is
 * an empty map (e.g. `storageSpec: {}`) the chart passes the value through: the custom resource check
 * covers those under prometheusSpec and alertmanagerSpec.
 */
export function unknownKeyPaths(values: Record<string, unknown>, chart = vendored()): string[] {
  const out: string[] = [];
  const walk = (ours: Record<string, unknown>, theirs: Record<string, unknown>, path: string) => {
    for (const [k, v] of Object.entries(ours)) {
      const p = path ? `${path}.${k}` : k;
      if (FREE_FORM.has(p)) continue;
      if (!Object.hasOwn(theirs, k)) {
        out.push(p);
        continue;
      }
      const t = theirs[k];
      if (isMap(v) && isMap(t) && Object.keys(t).length > 0) walk(v, t, p);
    }
  };
  walk(values, chart, '');
  return out;
}

/** prometheusSpec keys the chart renders under another name, or not into the custom resource at all. */
const RENAMED: Record<string, string> = { storageSpec: 'storage' };
const CHART_ONLY = /NilUsesHelmValues$/;
const AS_SECRET: Record<string, { name: string; key: string }> = {
  additionalAlertRelabelConfigs: {
    name: 'kube-prometheus-stack-prometheus-am-relabel-confg',
    key: 'additional-alert-relabel-configs.yaml',
  },
  additionalScrapeConfigs: {
    name: 'kube-prometheus-stack-prometheus-scrape-confg',
    key: 'additional-scrape-configs.yaml',
  },
};

/** The Prometheus resource's spec as the chart renders it from `prometheusSpec`. */
export function prometheusResourceSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (CHART_ONLY.test(k)) continue;
    out[Object.hasOwn(RENAMED, k) ? RENAMED[k]! : k] = Object.hasOwn(AS_SECRET, k) ? AS_SECRET[k] : v;
  }
  return withModelQuirks(out);
}

/**
 * The one place the model is stricter than the CRD: @kubernetes-models/prometheus-operator generates
 * EmbeddedPersistentVolumeClaim (`storage.volumeClaimTemplate`) as if it were a kind of its own, requiring
 * `apiVersion: monitoring.coreos.com/v1` and `kind: EmbeddedPersistentVolumeClaim`, which the chart's CRDs
 * (crd-prometheuses.yaml, crd-alertmanagers.yaml at the pinned commit) leave optional and a real manifest
 * never carries. They are added to the copy being validated, never to the values.
 */
function withModelQuirks(spec: Record<string, unknown>): Record<string, unknown> {
  const storage = spec.storage as { volumeClaimTemplate?: Record<string, unknown> } | undefined;
  if (!storage?.volumeClaimTemplate) return spec;
  const volumeClaimTemplate = {
    ...storage.volumeClaimTemplate,
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'EmbeddedPersistentVolumeClaim',
  };
  return { ...spec, storage: { ...storage, volumeClaimTemplate } };
}

export interface ValuesProblem {
  path: string;
  message: string;
}

/** `promtool check config` on a prometheus.yml holding `relabelings` as its alert_relabel_configs. */
export function promtoolAlertRelabel(promtool: string, relabelings: unknown): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-relabel-'));
  try {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, stringify({ alerting: { alert_relabel_configs: relabelings } }));
    const r = spawnSync(promtool, ['check', 'config', '--syntax-only', file], { encoding: 'utf8' });
    return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every problem of generated values; `promtool` is the binary's path (the relabelings are skipped without it). */
export function checkValues(values: Record<string, unknown>, promtool?: string): ValuesProblem[] {
  const problems: ValuesProblem[] = unknownKeyPaths(values).map((path) => ({
    path,
    message: `not a key of kube-prometheus-stack ${KUBE_PROMETHEUS_STACK_SOURCE.version}'s values.yaml`,
  }));
  const prometheusSpec = (values.prometheus as { prometheusSpec?: Record<string, unknown> } | undefined)
    ?.prometheusSpec;
  const alertmanagerSpec = (values.alertmanager as { alertmanagerSpec?: Record<string, unknown> } | undefined)
    ?.alertmanagerSpec;
  const resource = (path: string, build: () => { validate(): void }) => {
    try {
      build().validate();
    } catch (err) {
      problems.push({ path, message: String(err) });
    }
  };
  if (prometheusSpec) {
    resource('prometheus.prometheusSpec', () => {
      const spec = prometheusResourceSpec(prometheusSpec) as never;
      return new Prometheus({ metadata: { name: 'kube-prometheus-stack-prometheus' }, spec });
    });
    const relabel = prometheusSpec.additionalAlertRelabelConfigs;
    const failed = relabel && promtool ? promtoolAlertRelabel(promtool, relabel) : undefined;
    if (failed)
      problems.push({ path: 'prometheus.prometheusSpec.additionalAlertRelabelConfigs', message: failed });
  }
  if (alertmanagerSpec)
    resource('alertmanager.alertmanagerSpec', () => {
      const spec = withModelQuirks(alertmanagerSpec) as never;
      return new Alertmanager({ metadata: { name: 'kube-prometheus-stack-alertmanager' }, spec });
    });
  return problems;
}
