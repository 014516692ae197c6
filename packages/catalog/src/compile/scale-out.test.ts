/**
 * The global view's outputs: which T1 rules need only recording rules, the federation config and rule
 * file as promtool loads them, and the remote_write values against the prometheus-operator schema.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { missingBinary } from '@klaxon/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkPromql } from '../check/promql.ts';
import { promtoolCheckRules } from '../check/tools.ts';
import { CONTRACT_METRICS } from '../contract.ts';
import { seedCatalog } from '../seed/index.ts';
import { SIGNAL_RECORDS } from '../seed/signals.ts';
import { compressCatalog } from './profile.ts';
import {
  federatedRecords,
  federationMatchers,
  globalRuleGroups,
  recordedOnlyAlerts,
  remoteWriteKeep,
  remoteWriteValues,
} from './scale-out.ts';
import { writeCatalog } from './write.ts';

const skip = missingBinary(['promtool'], 'prometheus');
const catalog = seedCatalog();
const federation = catalog.scaleOut!.federation!;

/** A relabel `regex` as Prometheus applies it: anchored at both ends. */
const fullMatch = (regex: string, s: string) => new RegExp(`^(?:${regex})$`).test(s);

describe('scale-out', () => {
  it('puts in the global rule file exactly the T1 rules whose expressions read recorded series only', () => {
    const records = new Set(catalog.recordingRules.map((r) => r.record));
    // Computed here from each alert's parsed expression, independently of recordedOnlyAlerts.
    const expected = catalog.alerts
      .filter((a) => a.thresholds.some((t) => t.tier === 'T1'))
      .filter((a) => checkPromql(a.expr).metrics.every((m) => records.has(m)))
      .map((a) => a.name);
    expect(expected).toEqual(['HTTP5xxRateHigh', 'GameServerConnectionFailures']);
    const rules = globalRuleGroups(catalog, federation).flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expected);
    expect(rules.every((r) => r.labels?.tier === 'T1' && r.labels.view === 'global')).toBe(true);
    // The T2-only baselines read recorded series too, but the global view pages on T1 only.
    expect(recordedOnlyAlerts(catalog).map((a) => a.name)).toContain('KafkaThroughputAnomaly');
    // Every series a global rule reads is federated; no raw metric is.
    const federated = federationMatchers(catalog).map((m) => /__name__="([^"]+)"/.exec(m)![1]!);
    for (const r of rules) for (const m of checkPromql(r.expr).metrics) expect(federated).toContain(m);
    expect(federated.filter((m) => CONTRACT_METRICS.includes(m))).toEqual([]);
  });

  it('compresses the signal recording rules with their alerts, and leaves the 7-day baselines alone', () => {
    const expr = (c: typeof catalog, record: string) =>
      c.recordingRules.find((r) => r.record === record)!.expr;
    const fast = compressCatalog(catalog, 30);
    for (const record of Object.values(SIGNAL_RECORDS)) {
      expect(expr(catalog, record)).toContain('[5m]');
      expect(expr(fast, record)).toContain('[10s]');
      expect(expr(fast, record)).not.toContain('[5m]');
    }
    expect(expr(fast, 'kafka:topic_messages_in:rate5m')).toBe(
      expr(catalog, 'kafka:topic_messages_in:rate5m'),
    );
  });

  it.skipIf(skip)('writes a global prometheus.yml and rule file that promtool accepts', () => {
    const out = mkdtempSync(join(tmpdir(), 'klaxon-scale-'));
    writeCatalog(catalog, out);
    const config = join(out, 'federation', 'prometheus.yml');
    const rules = join(out, 'federation', 'global.rules.yml');
    const check = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    // check config loads the rule file it names: 2 rules found.
    expect(`${check.stdout}${check.stderr}`).toMatch(/SUCCESS: 2 rules found/);
    const run = promtoolCheckRules([rules]);
    expect(run.ok, run.output).toBe(true);
    const job = (parse(readFileSync(config, 'utf8')) as { scrape_configs: Record<string, unknown>[] })
      .scrape_configs[0]!;
    expect(job).toMatchObject({ job_name: 'federate', metrics_path: '/federate', honor_labels: true });
    expect((job.params as Record<string, string[]>)['match[]']).toHaveLength(
      federatedRecords(catalog).length,
    );
    // Remote write is off unless the catalog names a store.
    const values = readFileSync(join(out, 'helm', 'kube-prometheus-stack.values.yaml'), 'utf8');
    expect(values).not.toContain('remoteWrite');
  });

  it('remote-writes only the recording rules and ALERTS, with the tenant header of the store', () => {
    type Spec = {
      prometheus: {
        prometheusSpec: {
          remoteWrite: {
            url: string;
            headers?: Record<string, string>;
            writeRelabelConfigs: { regex: string }[];
          }[];
        };
      };
    };
    const mimir = remoteWriteValues(catalog, {
      url: 'https://mimir.example/api/v1/push',
      kind: 'mimir',
      tenant: 'game-prod',
    }) as Spec;
    const [rw] = mimir.prometheus.prometheusSpec.remoteWrite;
    expect(rw!.headers).toEqual({ 'X-Scope-OrgID': 'game-prod' });
    const regex = rw!.writeRelabelConfigs[0]!.regex;
    for (const name of remoteWriteKeep(catalog)) expect(fullMatch(regex, name), name).toBe(true);
    for (const name of ['ALERTS_FOR_STATE', 'up', 'http_server_request_duration_seconds_count'])
      expect(fullMatch(regex, name), name).toBe(false);
    // The operator's own schema accepts the remoteWrite spec.
    new Prometheus({ metadata: { name: 'k8s' }, spec: mimir.prometheus.prometheusSpec }).validate();
    const thanos = remoteWriteValues(catalog, {
      url: 'http://thanos-receive:19291/api/v1/receive',
      kind: 'thanos-receive',
    }) as Spec;
    expect(thanos.prometheus.prometheusSpec.remoteWrite[0]!.headers).toBeUndefined();
  });

  it('merges remote_write into the chart values when the catalog sets a store', () => {
    const out = mkdtempSync(join(tmpdir(), 'klaxon-scale-rw-'));
    const remoteWrite = { url: 'https://mimir.example/api/v1/push', kind: 'mimir' as const };
    writeCatalog({ ...catalog, scaleOut: { ...catalog.scaleOut, remoteWrite } }, out);
    const values = parse(readFileSync(join(out, 'helm', 'kube-prometheus-stack.values.yaml'), 'utf8')) as {
      prometheus: { prometheusSpec: Record<string, unknown> };
    };
    expect(values.prometheus.prometheusSpec).toMatchObject({
      ruleSelectorNilUsesHelmValues: false,
      remoteWrite: [{ url: remoteWrite.url, headers: { 'X-Scope-OrgID': 'anonymous' } }],
    });
  });
});
