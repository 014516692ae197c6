/**
 * Real Prometheus and Alertmanager for the demo and the game days: their configuration as plain data,
 * and processes started on loopback ports with their own data directories.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnManaged, waitFor, type ManagedProcess } from './processes.ts';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
  path: string;
  /** The instance label; the simulator's targets keep the one their history was written with. */
  instance?: string;
  honorLabels?: boolean;
  /** Sent as `Authorization: Bearer` (the engine's /metrics needs one). */
  bearerToken?: string;
}

export interface PrometheusConfigInput {
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  ruleFiles: string[];
  alertmanager: string;
  targets: ScrapeTarget[];
}

export function prometheusConfig(o: PrometheusConfigInput): Record<string, unknown> {
  return {
    global: {
      scrape_interval: `${o.scrapeIntervalSeconds}s`,
      scrape_timeout: `${o.scrapeIntervalSeconds}s`,
      evaluation_interval: `${o.evaluationIntervalSeconds}s`,
      external_labels: { cluster: 'demo' },
    },
    rule_files: o.ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] },
    scrape_configs: o.targets.map((t) => ({
      job_name: t.job,
      metrics_path: t.path,
      honor_labels: t.honorLabels ?? false,
      static_configs: [{ targets: [t.address], ...(t.instance ? { labels: { instance: t.instance } } : {}) }],
      ...(t.bearerToken ? { authorization: { type: 'Bearer', credentials: t.bearerToken } } : {}),
    })),
  };
}

export interface RunningService {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Whether `readyUrl` answers 200; a web config file's credentials or CA need a probe of their own. */
export type ReadyProbe = (readyUrl: string) => Promise<boolean>;

const plainProbe: ReadyProbe = async (readyUrl) => (await fetch(readyUrl)).ok;

async function ready(name: string, url: string, proc: ManagedProcess, probe = plainProbe): Promise<void> {
  await waitFor(
    `${name} at ${url} to be ready`,
    async () => {
      if (!proc.running()) throw new Error(`${name} exited: ${proc.log().slice(-2000)}`);
      return probe(`${url}/-/ready`);
    },
    30_000,
  );
}

export async function startPrometheus(o: {
  bin: string;
  dir: string;
  port: number;
  config: Record<string, unknown>;
  args?: string[];
  /** `--storage.tsdb.retention.time`; default 15d (a longer backfilled history needs more). */
  retention?: string;
  /**
   * `--web.config.file`: TLS and basic auth on Prometheus's own HTTP server. `https` when the file has
   * `tls_server_config`; `probe` asks `/-/ready` with the credentials (and CA) the file wants.
   */
  web?: { file: string; https: boolean; probe: ReadyProbe };
}): Promise<RunningService> {
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  const configFile = join(o.dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(o.config, { lineWidth: 0 }));
  const url = `${o.web?.https ? 'https' : 'http'}://127.0.0.1:${o.port}`;
  const proc = spawnManaged('prometheus', o.bin, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(o.dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    `--web.external-url=${url}`,
    `--storage.tsdb.retention.time=${o.retention ?? '15d'}`,
    // The backfilled rule blocks are many 2-hour blocks: leave them as they are rather than spend the
    // demo's CPU compacting them.
    '--storage.tsdb.max-block-duration=2h',
    '--web.enable-lifecycle',
    '--log.level=warn',
    ...(o.web ? [`--web.config.file=${o.web.file}`] : []),
    ...(o.args ?? []),
  ]);
  await ready('Prometheus', url, proc, o.web?.probe);
  return { url, process: proc, stop: () => proc.stop() };
}

export async function startAlertmanager(o: {
  bin: string;
  dir: string;
  port: number;
  config: Record<string, unknown>;
}): Promise<RunningService> {
  mkdirSync(o.dir, { recursive: true });
  const configFile = join(o.dir, 'alertmanager.yml');
  writeFileSync(configFile, stringify(o.config, { lineWidth: 0 }));
  const url = `http://127.0.0.1:${o.port}`;
  const proc = spawnManaged('alertmanager', o.bin, [
    `--config.file=${configFile}`,
    `--storage.path=${o.dir}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  await ready('Alertmanager', url, proc);
  return { url, process: proc, stop: () => proc.stop() };
}
