/**
 * The whole system on one machine: the simulated platform, real Prometheus scraping it with the compiled
 * (time-compressed) rules, real Alertmanager routing to the engine, and the engine itself on SQLite with
 * every message going to a local outbox file.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  compileAlertmanager,
  compileRuleGroups,
  compressCatalog,
  scaleDuration,
  seedCatalog,
  type Catalog,
} from '@klaxon/catalog';
import {
  loadConfigFile,
  startServer,
  systemClock,
  type KlaxonConfig,
  type RunningServer,
} from '@klaxon/engine';
import { Platform, startSimServer } from '@klaxon/sim';
import { webRoot } from '@klaxon/web';
import { backfill, seriesBlocks } from './backfill.ts';
import { prometheusConfig, startAlertmanager, startPrometheus, type RunningService } from './monitoring.ts';
import { compressEngineConfig, DEMO_TIME_FACTOR, intervalSeconds } from './profile.ts';
import { freePort, requireBinaries, waitFor } from './processes.ts';

export const DEFAULT_SEED = 42;
const HISTORY_STEP_MS = 120_000;
const GAP_STEP_MS = 15_000;

export interface History {
  /** Prometheus data directory holding the backfilled blocks (copied, never used in place). */
  dataDir: string;
  fromMs: number;
  toMs: number;
  seed: number;
}

/** Backfills `days` of simulated history and the baseline recording rules into `<workDir>/history`. */
export async function prepareHistory(o: {
  workDir: string;
  seed?: number;
  days?: number;
  onProgress?: (m: string) => void;
}): Promise<History> {
  const bins = requireBinaries(['prometheus', 'promtool', 'alertmanager']);
  const seed = o.seed ?? DEFAULT_SEED;
  const toMs = Math.floor(systemClock.now().getTime() / HISTORY_STEP_MS) * HISTORY_STEP_MS;
  const fromMs = toMs - (o.days ?? 8) * 86_400_000;
  const dataDir = join(o.workDir, 'history', 'data');
  rmSync(join(o.workDir, 'history'), { recursive: true, force: true });
  await backfill({
    source: new Platform({ seed, startMs: fromMs }),
    fromMs,
    toMs,
    stepMs: HISTORY_STEP_MS,
    dataDir,
    workDir: join(o.workDir, 'history', 'scratch'),
    recordingRules: compileRuleGroups(seedCatalog())
      .map((g) => ({ name: g.name, rules: g.rules.filter((r) => r.record) }))
      .filter((g) => g.rules.length > 0),
    promtool: bins.promtool,
    prometheus: bins.prometheus,
    onProgress: o.onProgress,
  });
  return { dataDir, fromMs, toMs, seed };
}

export interface StackOptions {
  workDir: string;
  /** The engine configuration (examples/klaxon.yaml); the demo overrides its waits and URLs. */
  configFile: string;
  history: History;
  factor?: number;
  onProgress?: (m: string) => void;
}

export interface Stack {
  factor: number;
  /** Scrape and rule evaluation interval, seconds. */
  interval: number;
  /** Prometheus's `--rules.alert.resend-delay`; a firing alert expires in Alertmanager 4 × this after the last send. */
  resendDelay: string;
  platform: Platform;
  catalog: Catalog;
  config: KlaxonConfig;
  engine: RunningServer;
  prometheus: RunningService;
  alertmanager: RunningService;
  /** `ui` is the web UI on localhost (browsers accept its secure session cookie over plain http there). */
  urls: { engine: string; ui: string; prometheus: string; alertmanager: string; sim: string };
  /**
   * The scrape jobs whose /metrics need a bearer token (the simulator's targets, the engine), and those
   * left open: Prometheus's and Alertmanager's own, on loopback, whose APIs the runner and browsers use.
   */
  scrapeAuth: { secured: string[]; open: string[] };
  outbox: string;
  tokens: { viewer: string; responder: string };
  stop(): Promise<void>;
}

function token(config: KlaxonConfig, role: string): string {
  const t = config.apiTokens.find((x) => x.role === role);
  if (!t) throw new Error(`the demo needs an API token with role ${role} in the engine configuration`);
  return t.token;
}

/**
 * The people who can sign in to the demo's web UI, with the password examples/klaxon.yaml holds a hash
 * of. A demo convenience: a real deployment generates its own hashes (`klaxon hash-password`).
 */
export const DEMO_SIGN_INS = [
  { user: 'alice', password: 'klaxon-demo', role: 'responder', note: 'on the primary rotation' },
  { user: 'erin', password: 'klaxon-demo', role: 'admin', note: 'the engineering lead' },
  { user: 'sam', password: 'klaxon-demo', role: 'viewer', note: 'support, read-only' },
] as const;

export async function startStack(o: StackOptions): Promise<Stack> {
  const say = o.onProgress ?? (() => {});
  const bins = requireBinaries(['prometheus', 'promtool', 'alertmanager']);
  const factor = o.factor ?? DEMO_TIME_FACTOR;
  const interval = intervalSeconds(factor);
  const resendDelay = scaleDuration('1m', factor);
  rmSync(o.workDir, { recursive: true, force: true });
  mkdirSync(o.workDir, { recursive: true });
  const [enginePort, promPort, amPort, simPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const uiUrl = `http://localhost:${enginePort}`;
  const promUrl = `http://127.0.0.1:${promPort}`;
  const amUrl = `http://127.0.0.1:${amPort}`;
  const outbox = join(o.workDir, 'outbox.jsonl');
  writeFileSync(outbox, '');

  const loaded = loadConfigFile(o.configFile, { ...process.env, KLAXON_OUTBOX: outbox });
  const config = compressEngineConfig(loaded, factor);
  // Links in messages open the UI, so they use its host (the session cookie belongs to localhost).
  // Prometheus scrapes the engine's /metrics with a token of this run's own.
  const scrapeToken = randomBytes(24).toString('hex');
  // The simulator's targets are secured exporters too, with a token of their own.
  const simToken = randomBytes(24).toString('hex');
  config.server = { ...config.server, publicUrl: uiUrl, metrics: { public: false, token: scrapeToken } };
  config.links = { ...config.links, alertmanagerUrl: amUrl };
  const amKey = config.integrationKeys.find((k) => k.source === 'alertmanager');
  if (!amKey) throw new Error(`${o.configFile}: the demo needs an integration key with source: alertmanager`);

  const stopping: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stopping.reverse()) await s().catch(() => {});
    stopping.length = 0;
  };
  try {
    const platform = new Platform({ seed: o.history.seed, startMs: o.history.fromMs });
    platform.advanceTo(o.history.toMs, HISTORY_STEP_MS);
    const sim = await startSimServer({
      platform,
      now: () => systemClock.now().getTime(),
      host: '127.0.0.1',
      port: simPort,
      token: simToken,
    });
    stopping.push(() => sim.close());

    const catalog = compressCatalog(seedCatalog(), factor);
    const rulesDir = join(o.workDir, 'rules');
    mkdirSync(rulesDir, { recursive: true });
    const ruleFiles = compileRuleGroups(catalog).map((g) => {
      const file = join(rulesDir, `${g.name}.rules.yml`);
      writeFileSync(file, stringify({ groups: [g] }, { lineWidth: 0 }));
      return file;
    });

    say('starting Alertmanager');
    const alertmanager = await startAlertmanager({
      bin: bins.alertmanager,
      dir: join(o.workDir, 'alertmanager'),
      port: amPort,
      config: compileAlertmanager(catalog, {
        target: 'klaxon',
        klaxonUrl: engineUrl,
        klaxonKey: amKey.key,
        timeFactor: factor,
      }) as unknown as Record<string, unknown>,
    });
    stopping.push(() => alertmanager.stop());

    say('starting Prometheus on the backfilled history');
    const promDir = join(o.workDir, 'prometheus');
    mkdirSync(promDir, { recursive: true });
    cpSync(o.history.dataDir, join(promDir, 'data'), { recursive: true });
    // A shared history may be minutes old: fill the gap so rate windows see no hole at the start.
    const gapFrom = o.history.toMs + GAP_STEP_MS;
    const gapTo = Math.floor(systemClock.now().getTime() / GAP_STEP_MS) * GAP_STEP_MS;
    if (gapTo > gapFrom) {
      await seriesBlocks({
        source: new Platform({ seed: o.history.seed, startMs: o.history.fromMs }),
        fromMs: gapFrom,
        toMs: gapTo,
        stepMs: GAP_STEP_MS,
        dataDir: join(promDir, 'data'),
        workDir: join(o.workDir, 'gap'),
        promtool: bins.promtool,
      });
    }
    const simHost = new URL(sim.url).host;
    const prometheus = await startPrometheus({
      bin: bins.prometheus,
      dir: promDir,
      port: promPort,
      args: [`--rules.alert.resend-delay=${resendDelay}`],
      config: prometheusConfig({
        scrapeIntervalSeconds: interval,
        evaluationIntervalSeconds: interval,
        ruleFiles,
        alertmanager: `127.0.0.1:${amPort}`,
        targets: [
          ...sim.targets.map((t) => ({
            job: t.job,
            address: simHost,
            path: t.path,
            instance: `sim:${t.job}`,
            honorLabels: true,
            bearerToken: simToken,
          })),
          { job: 'prometheus', address: `127.0.0.1:${promPort}`, path: '/metrics' },
          { job: 'alertmanager', address: `127.0.0.1:${amPort}`, path: '/metrics' },
          {
            job: 'klaxon',
            address: `127.0.0.1:${enginePort}`,
            path: '/metrics',
            bearerToken: scrapeToken,
          },
        ],
      }),
    });
    stopping.push(() => prometheus.stop());
    // The engine starts last: its heartbeat clock starts now, and Alertmanager retries until it answers.
    say(`starting the engine (SQLite, time factor ${factor})`);
    const engine = await startServer({
      config,
      database: { dialect: 'sqlite', path: join(o.workDir, 'klaxon.db') },
      port: enginePort,
      host: '127.0.0.1',
      logger: false,
      uiRoot: webRoot,
    });
    stopping.push(() => engine.close());

    await waitFor(
      'the first Watchdog to reach the engine',
      async () =>
        /^klaxon_alerts_received_total\{[^}]*\} [1-9]/m.test(
          await (
            await fetch(`${engineUrl}/metrics`, { headers: { authorization: `Bearer ${scrapeToken}` } })
          ).text(),
        ),
      30_000,
    );

    return {
      factor,
      interval,
      resendDelay,
      platform,
      catalog,
      config,
      engine,
      prometheus,
      alertmanager,
      urls: { engine: engineUrl, ui: uiUrl, prometheus: promUrl, alertmanager: amUrl, sim: sim.url },
      scrapeAuth: {
        secured: [...sim.targets.map((t) => t.job), 'klaxon'],
        open: ['prometheus', 'alertmanager'],
      },
      outbox,
      tokens: { viewer: token(config, 'viewer'), responder: token(config, 'responder') },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
