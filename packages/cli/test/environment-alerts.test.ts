/**
 * The environments' tier demotion, proven by real Prometheus: an alert rule labelled like the catalog's
 * (a T1 and a T2) is evaluated with an environment's alert relabelings (from the generated values, turned
 * into prometheus.yml's spelling), and what Prometheus posts to Alertmanager's API is recorded. In dev both
 * arrive as advisories; in staging the T1 arrives as a T2; in prod nothing changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ENVIRONMENTS, environmentValues, type Environment } from '@klaxon/catalog';
import { freePort, requireBinaries, startPrometheus, waitFor, type RunningService } from '@klaxon/demo';
import { startFake, type FakeServer } from '@klaxon/testing';

interface PostedAlert {
  labels: Record<string, string>;
}

const RULES = {
  groups: [
    {
      name: 'env',
      rules: [
        {
          alert: 'ApiDown',
          expr: 'vector(1)',
          labels: { tier: 'T1', severity: 'critical', service: 'game-api' },
        },
        {
          alert: 'ApiSlow',
          expr: 'vector(1)',
          labels: { tier: 'T2', severity: 'warning', service: 'game-api' },
        },
        { alert: 'CostUp', expr: 'vector(1)', labels: { tier: 'T3', severity: 'info', service: 'cost' } },
      ],
    },
  ],
};

const dirs: string[] = [];
const running: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What Prometheus sends to Alertmanager for the three rules under `env`'s relabelings, by alert name. */
async function posted(env: Environment): Promise<Map<string, Record<string, string>>> {
  const bins = requireBinaries(['prometheus']);
  const dir = mkdtempSync(join(tmpdir(), `klaxon-env-${env.name}-`));
  dirs.push(dir);
  const sink: FakeServer = await startFake();
  running.push({ stop: () => sink.close() });
  const spec = (environmentValues(env).prometheus as { prometheusSpec: Record<string, unknown> })
    .prometheusSpec;
  // In prometheus.yml's spelling already: the chart copies them as they are.
  const relabel = (spec.additionalAlertRelabelConfigs ?? []) as Record<string, unknown>[];
  writeFileSync(join(dir, 'env.rules.yml'), stringify(RULES));
  const prom: RunningService = await startPrometheus({
    bin: bins.prometheus,
    dir,
    port: await freePort(),
    // Alerts that fire before the Alertmanager list is discovered (~5 s) would wait a minute otherwise.
    args: ['--rules.alert.resend-delay=2s'],
    config: {
      global: { evaluation_interval: '1s' },
      rule_files: [join(dir, 'env.rules.yml')],
      alerting: {
        alert_relabel_configs: relabel,
        alertmanagers: [{ static_configs: [{ targets: [new URL(sink.url).host] }] }],
      },
      scrape_configs: [],
    },
  });
  running.push(prom);
  return waitFor(
    `Prometheus (${env.name}) to post the three alerts`,
    () => {
      const byName = new Map<string, Record<string, string>>();
      for (const r of sink.requests.filter((q) => q.path === '/api/v2/alerts'))
        for (const a of JSON.parse(r.body) as PostedAlert[]) byName.set(a.labels.alertname!, a.labels);
      return Promise.resolve(byName.size === 3 ? byName : undefined);
    },
    30_000,
  );
}

describe('environments lower the tiers that must not page there (real Prometheus)', () => {
  it('dev: the T1 and the T2 arrive as advisories, keeping their tier in demoted_from', async () => {
    const got = await posted(ENVIRONMENTS.dev);
    expect(got.get('ApiDown')).toMatchObject({ tier: 'T3', severity: 'info', demoted_from: 'T1' });
    expect(got.get('ApiSlow')).toMatchObject({ tier: 'T3', severity: 'info', demoted_from: 'T2' });
    expect(got.get('CostUp')).toMatchObject({ tier: 'T3', severity: 'info' });
    expect(got.get('CostUp')).not.toHaveProperty('demoted_from');
  }, 60_000);

  it('staging: the T1 pushes (T2) and is not lowered again; prod: every tier as it is', async () => {
    const staging = await posted(ENVIRONMENTS.staging);
    expect(staging.get('ApiDown')).toMatchObject({ tier: 'T2', severity: 'warning', demoted_from: 'T1' });
    expect(staging.get('ApiSlow')).toMatchObject({ tier: 'T2', severity: 'warning' });
    expect(staging.get('ApiSlow')).not.toHaveProperty('demoted_from');
    const prod = await posted(ENVIRONMENTS.prod);
    expect(prod.get('ApiDown')).toMatchObject({ tier: 'T1', severity: 'critical' });
    expect(prod.get('ApiDown')).not.toHaveProperty('demoted_from');
  }, 90_000);
});
