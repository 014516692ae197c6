/**
 * The global view with real servers: a local Prometheus scrapes the simulator in a T1 fault and evaluates
 * only the catalog's recording rules; a global Prometheus federates it with the generated config and
 * evaluates the generated global rule file, and fires the T1s. A third Prometheus receives the local
 * one's remote_write with the generated write relabeling. Compressed time (factor 30) keeps it short.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compileRuleGroups,
  compressCatalog,
  globalPrometheusConfig,
  globalRuleGroups,
  GLOBAL_RULES_FILE,
  remoteWriteValues,
  seedCatalog,
} from '@klaxon/catalog';
import { Platform, startSimServer } from '@klaxon/sim';
import { missingBinary } from '@klaxon/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { prometheusConfig, startPrometheus, type RunningService } from './monitoring.ts';
import { findBinary, freePort, waitFor } from './processes.ts';

const skip = missingBinary(['prometheus'], 'prometheus');

interface Alert {
  labels: Record<string, string>;
  state: string;
}

async function query(url: string, promql: string): Promise<{ metric: Record<string, string> }[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
  return body.data.result;
}

async function firing(url: string): Promise<Alert[]> {
  const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
  return body.data.alerts.filter((a) => a.state === 'firing');
}

/** The operator's camelCase relabel fields in prometheus.yml's spelling. */
const snake = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`), v]),
  );

describe.skipIf(skip)('federation and remote_write between real Prometheus servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-federation-'));
  const running: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of running.reverse()) await s.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('the global Prometheus fires the T1s from recording rules alone; raw series stay local', async () => {
    const bin = findBinary(['prometheus'])!;
    const catalog = compressCatalog(seedCatalog(), 30);
    const now = Date.now();
    const platform = new Platform({ seed: 42, startMs: now - 60_000 });
    platform.advanceTo(now);
    platform.addFault({
      knob: 'game.connection_failure_ratio',
      labels: { region: 'ap-southeast-1' },
      set: 0.35,
      startMs: now,
    });
    platform.addFault({ knob: 'http.error_ratio', labels: { service: 'game-api' }, set: 0.25, startMs: now });
    const sim = await startSimServer({ platform, now: () => Date.now() });
    running.push({ stop: () => sim.close() });

    const [localPort, globalPort, storePort] = [await freePort(), await freePort(), await freePort()];
    const store: RunningService = await startPrometheus({
      bin,
      dir: join(dir, 'store'),
      port: storePort,
      config: { global: { scrape_interval: '1s' } },
      args: ['--web.enable-remote-write-receiver'],
    });
    running.push(store);

    // The local Prometheus: the simulator's game targets, the catalog's recording rules and nothing else.
    const localDir = join(dir, 'local');
    mkdirSync(localDir, { recursive: true });
    const recordingFile = join(localDir, 'recording.rules.yml');
    const groups = compileRuleGroups(catalog)
      .map((g) => ({ ...g, rules: g.rules.filter((r) => r.record) }))
      .filter((g) => g.rules.length > 0);
    writeFileSync(recordingFile, stringify({ groups }, { lineWidth: 0 }));
    const local = prometheusConfig({
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
      ruleFiles: [recordingFile],
      alertmanager: '127.0.0.1:9',
      targets: sim.targets
        .filter((t) => ['game-backend', 'game-api'].includes(t.job))
        .map((t) => ({
          job: t.job,
          address: new URL(sim.url).host,
          path: t.path,
          instance: `sim:${t.job}`,
          honorLabels: true,
        })),
    });
    const rw = remoteWriteValues(catalog, {
      url: `http://127.0.0.1:${storePort}/api/v1/write`,
      kind: 'thanos-receive',
    }) as {
      prometheus: {
        prometheusSpec: { remoteWrite: { url: string; writeRelabelConfigs: Record<string, unknown>[] }[] };
      };
    };
    const [spec] = rw.prometheus.prometheusSpec.remoteWrite;
    const localProm = await startPrometheus({
      bin,
      dir: localDir,
      port: localPort,
      config: {
        ...local,
        global: { ...(local.global as object), external_labels: { cluster: 'local-a' } },
        remote_write: [{ url: spec!.url, write_relabel_configs: spec!.writeRelabelConfigs.map(snake) }],
      },
    });
    running.push(localProm);

    // The global Prometheus: the generated config and rule file, pointed at the local one.
    const globalDir = join(dir, 'global');
    mkdirSync(globalDir, { recursive: true });
    const federation = {
      targets: [`127.0.0.1:${localPort}`],
      interval: '1s',
      externalLabels: { prometheus: 'global' },
    };
    writeFileSync(
      join(globalDir, GLOBAL_RULES_FILE),
      stringify({ groups: globalRuleGroups(catalog, federation) }, { lineWidth: 0 }),
    );
    const globalProm = await startPrometheus({
      bin,
      dir: globalDir,
      port: globalPort,
      config: globalPrometheusConfig(catalog, federation),
    });
    running.push(globalProm);

    const alerts = await waitFor(
      'the global Prometheus to fire GameServerConnectionFailures and HTTP5xxRateHigh',
      async () => {
        const a = await firing(globalProm.url);
        const names = new Set(a.map((x) => x.labels.alertname));
        return names.has('GameServerConnectionFailures') && names.has('HTTP5xxRateHigh') ? a : undefined;
      },
      90_000,
    );
    const connections = alerts.find((a) => a.labels.alertname === 'GameServerConnectionFailures')!;
    expect(connections.labels).toMatchObject({
      tier: 'T1',
      view: 'global',
      region: 'ap-southeast-1',
      cluster: 'local-a',
    });
    const http = alerts.find((a) => a.labels.alertname === 'HTTP5xxRateHigh')!;
    expect(http.labels).toMatchObject({ tier: 'T1', service_name: 'game-api' });
    expect(alerts.every((a) => a.labels.tier === 'T1')).toBe(true);
    // Healthy regions stay quiet globally too.
    expect(alerts.filter((a) => a.labels.region && a.labels.region !== 'ap-southeast-1')).toEqual([]);

    // The raw series are in the local Prometheus and in neither the global one nor the store.
    const raw =
      '{__name__=~"game_server_connection_attempts_total|http_server_request_duration_seconds_count"}';
    expect((await query(localProm.url, raw)).length).toBeGreaterThan(0);
    expect(await query(globalProm.url, raw)).toEqual([]);
    const recorded = 'region:game_server_connection_failures:ratio_rate5m';
    await waitFor(
      'the store to receive the recorded series',
      async () => (await query(store.url, recorded)).length > 0,
      30_000,
    );
    expect(await query(store.url, raw)).toEqual([]);
  }, 150_000);
});
