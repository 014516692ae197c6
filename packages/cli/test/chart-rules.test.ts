/**
 * kube-prometheus-stack's kept default alerts get a tier, proven by real Prometheus: a vendored chart
 * alert (severity only, and the `service` label of a Kubernetes Service) and one of our T1s, evaluated
 * with the alert relabelings exactly as the generated values hold them (the chart copies them verbatim
 * into prometheus.yml), posted to a recording HTTP server standing in for Alertmanager's API.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  compileAlertmanager,
  compileRuleGroups,
  KUBE_PROMETHEUS_STACK_RULES,
  kubePrometheusStackValues,
  relabel,
  seedCatalog,
  type AlertRelabelConfig,
} from '@klaxon/catalog';
import { freePort, startPrometheus, waitFor } from '@klaxon/demo';
import { findBinary, missingBinary, startFake } from '@klaxon/testing';

const skip = missingBinary(['prometheus'], 'prometheus');
const catalog = seedCatalog();
const dirs: string[] = [];
const running: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of running) await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A chart alert kept by the catalog, of `severity`, straight from the vendored rules. */
function chartAlert(severity: string) {
  const a = KUBE_PROMETHEUS_STACK_RULES.filter((g) => g.enabledByDefault)
    .flatMap((g) => g.alerts)
    .find((x) => x.severity === severity);
  if (!a) throw new Error(`no ${severity} alert in the vendored chart rules`);
  return a;
}

describe.skipIf(skip)('kept chart alerts are tiered by the generated relabelings (real Prometheus)', () => {
  it('a critical chart alert arrives as the mapped tier with team and service; our T1 is untouched', async () => {
    const values = kubePrometheusStackValues(
      compileAlertmanager(catalog, { target: 'klaxon' }),
      undefined,
      catalog,
    );
    const spec = (values.prometheus as { prometheusSpec: Record<string, unknown> }).prometheusSpec;
    const relabelings = spec.additionalAlertRelabelConfigs as AlertRelabelConfig[];
    const disabled = (values.defaultRules as { disabled: Record<string, true> }).disabled;
    const chart = chartAlert('critical');
    expect(disabled[chart.alert]).toBeUndefined();
    const ours = compileRuleGroups(catalog)
      .flatMap((g) => g.rules)
      .find((r) => r.alert && r.labels?.tier === 'T1')!;
    const rules = {
      groups: [
        {
          name: 'chart-and-ours',
          rules: [
            {
              alert: chart.alert,
              // The chart's alerts often carry the Service they watch as `service`.
              expr: 'label_replace(vector(1), "service", "kube-prometheus-stack-kubelet", "", "")',
              labels: { severity: chart.severity },
            },
            { alert: ours.alert, expr: 'vector(1)', labels: ours.labels },
          ],
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-chart-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'rules.yml'), stringify(rules));
    const sink = await startFake();
    running.push(() => sink.close());
    const prom = await startPrometheus({
      bin: findBinary(['prometheus'])!,
      dir,
      port: await freePort(),
      config: {
        global: { evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules.yml')],
        alerting: {
          alert_relabel_configs: relabelings,
          alertmanagers: [{ static_configs: [{ targets: [new URL(sink.url).host] }] }],
        },
        scrape_configs: [],
      },
      // The first send can precede Alertmanager discovery and be dropped: resend every second, not minute.
      args: ['--rules.alert.resend-delay=1s'],
    });
    running.push(() => prom.stop());
    const got = await waitFor(
      'Prometheus to post both alerts',
      () => {
        const byName = new Map<string, Record<string, string>>();
        for (const r of sink.requests.filter((q) => q.path === '/api/v2/alerts'))
          for (const a of JSON.parse(r.body) as { labels: Record<string, string> }[])
            byName.set(a.labels.alertname!, a.labels);
        return Promise.resolve(byName.size === 2 ? byName : undefined);
      },
      30_000,
    );
    const mapping = catalog.kubePrometheusStack!;
    expect(got.get(chart.alert)).toEqual({
      alertname: chart.alert,
      severity: 'critical',
      tier: mapping.severityTiers.critical,
      team: mapping.team,
      service: mapping.service,
      kubernetes_service: 'kube-prometheus-stack-kubelet',
    });
    expect(got.get(ours.alert!)).toEqual({ alertname: ours.alert, ...ours.labels });
    // The relabeling model behind mergedRuleSet and `klaxon check` agrees with Prometheus.
    for (const [, labels] of got) {
      const { alertname, ...rest } = labels;
      const before =
        alertname === chart.alert
          ? { severity: 'critical', service: 'kube-prometheus-stack-kubelet' }
          : (ours.labels ?? {});
      expect({ alertname, ...relabel(before, relabelings) }).toEqual({ alertname, ...rest });
    }
  }, 60_000);
});

const ROOT = resolve(import.meta.dirname, '../../..');
const noTools =
  missingBinary(['promtool'], 'prometheus') || missingBinary(['amtool'], 'prometheus-alertmanager');

describe.skipIf(noTools)('klaxon check on the merged rule set', () => {
  it('fails, naming the problem, for a replaces typo and a chart severity without a tier', () => {
    // A user's catalog file lives in their repository, where @klaxon/catalog resolves.
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.tmp', 'chart-catalog-'));
    dirs.push(dir);
    const file = join(dir, 'chart.ts');
    writeFileSync(
      file,
      `import type { Catalog } from '@klaxon/catalog';
export default (seed: Catalog): Catalog => ({
  ...seed,
  alerts: seed.alerts.map((a) => (a.name === 'TargetDown' ? { ...a, replaces: ['TargetDwn'] } : a)),
  kubePrometheusStack: { ...seed.kubePrometheusStack!, severityTiers: { critical: 'T2', info: 'T3' } },
});
`,
    );
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'packages/cli/bin/klaxon.js'), 'check', '--catalog', file, '--out', join(dir, 'out')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('klaxon check: alert TargetDown: replaces: "TargetDwn" is not an alert');
    expect(check.stderr).toMatch(
      /klaxon check: alert KubePodNotReady \(kube-prometheus-stack group kubernetes-apps\): no tier after the alert relabelings \(severity "warning"\)/,
    );
  }, 60_000);
});
