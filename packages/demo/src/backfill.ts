/**
 * History before the first scrape, so the 7-day anomaly rules work from the first minute:
 * 1. the simulator writes 8 days of OpenMetrics, `promtool tsdb create-blocks-from openmetrics` turns it
 *    into TSDB blocks in Prometheus's data directory;
 * 2. a Prometheus on that directory answers queries while `promtool tsdb create-blocks-from rules`
 *    evaluates the baseline recording rules over the same 8 days; its blocks join the others.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startPrometheus } from './monitoring.ts';
import { freePort } from './processes.ts';

export interface HistorySource {
  history(o: { fromMs: number; toMs: number; stepMs: number; write: (chunk: string) => void }): void;
}

export interface BackfillOptions {
  source: HistorySource;
  fromMs: number;
  toMs: number;
  stepMs: number;
  /** Prometheus's `--storage.tsdb.path`. */
  dataDir: string;
  /** Scratch space. */
  workDir: string;
  /** Recording rule groups to backfill (alerting rules are ignored by promtool). */
  recordingRules: { name: string; rules: { record?: string; expr: string }[] }[];
  promtool: string;
  prometheus: string;
  /** Retention of the Prometheus that answers the recording rules' queries (default 15d: a longer history needs more). */
  retention?: string;
  onProgress?: (message: string) => void;
}

export interface BackfillResult {
  bytes: number;
  blocks: number;
  seconds: { history: number; blocks: number; rules: number };
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${bin} ${args.join(' ')} failed (${code}): ${out.slice(-3000)}`)),
    );
  });
}

const since = (t: number) => (performance.now() - t) / 1000;

/**
 * Writes the source's series from `fromMs` to `toMs` as OpenMetrics and turns them into TSDB blocks in
 * `dataDir` with promtool. Also used to close the gap between a shared history and a stack's start.
 */
export async function seriesBlocks(o: {
  source: HistorySource;
  fromMs: number;
  toMs: number;
  stepMs: number;
  dataDir: string;
  workDir: string;
  promtool: string;
}): Promise<{ bytes: number; writeSeconds: number; blockSeconds: number }> {
  mkdirSync(o.workDir, { recursive: true });
  mkdirSync(o.dataDir, { recursive: true });
  const file = join(o.workDir, `history-${o.fromMs}.om`);
  let t = performance.now();
  const fd = openSync(file, 'w');
  let bytes = 0;
  let buf: string[] = [];
  let buffered = 0;
  const flush = () => {
    if (buffered === 0) return;
    bytes += writeSync(fd, buf.join(''));
    buf = [];
    buffered = 0;
  };
  try {
    o.source.history({
      fromMs: o.fromMs,
      toMs: o.toMs,
      stepMs: o.stepMs,
      write: (chunk) => {
        buf.push(chunk);
        buffered += chunk.length;
        if (buffered > 1 << 20) flush();
      },
    });
    flush();
  } finally {
    closeSync(fd);
  }
  const writeSeconds = since(t);
  t = performance.now();
  await run(o.promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--max-block-duration=240h',
    file,
    o.dataDir,
  ]);
  rmSync(file, { force: true });
  return { bytes, writeSeconds, blockSeconds: since(t) };
}

export async function backfill(o: BackfillOptions): Promise<BackfillResult> {
  const say = o.onProgress ?? (() => {});
  mkdirSync(o.workDir, { recursive: true });
  mkdirSync(o.dataDir, { recursive: true });
  const days = ((o.toMs - o.fromMs) / 86_400_000).toFixed(0);
  say(`writing ${days} days of simulated history (one sample every ${o.stepMs / 1000} s)`);
  const series = await seriesBlocks(o);
  say(
    `history: ${(series.bytes / 1e6).toFixed(0)} MB of OpenMetrics in ${series.writeSeconds.toFixed(1)} s, TSDB blocks in ${series.blockSeconds.toFixed(1)} s; backfilling the baseline recording rules`,
  );
  const t = performance.now();
  const rulesFile = join(o.workDir, 'baselines.rules.yml');
  writeFileSync(rulesFile, stringify({ groups: o.recordingRules }));
  const ruleBlocks = join(o.workDir, 'rule-blocks');
  rmSync(ruleBlocks, { recursive: true, force: true });
  const port = await freePort();
  const tmpDir = join(o.workDir, 'backfill-prometheus');
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  // The query side: a Prometheus on the history blocks, scraping nothing.
  renameSync(o.dataDir, join(tmpDir, 'data'));
  const prom = await startPrometheus({
    bin: o.prometheus,
    dir: tmpDir,
    port,
    config: { global: { evaluation_interval: '1m' } },
    retention: o.retention,
  });
  try {
    await run(o.promtool, [
      'tsdb',
      'create-blocks-from',
      'rules',
      `--start=${Math.ceil(o.fromMs / 1000) + 600}`,
      `--end=${Math.floor(o.toMs / 1000)}`,
      `--url=${prom.url}`,
      '--eval-interval=60s',
      `--output-dir=${ruleBlocks}`,
      rulesFile,
    ]);
  } finally {
    await prom.stop();
    renameSync(join(tmpDir, 'data'), o.dataDir);
  }
  // Prometheus's own files from the query run (WAL, lock) are not history: keep only the blocks.
  for (const f of readdirSync(o.dataDir))
    if (!/^[0-9A-Z]{26}$/.test(f)) rmSync(join(o.dataDir, f), { recursive: true, force: true });
  for (const b of readdirSync(ruleBlocks).filter((f) => /^[0-9A-Z]{26}$/.test(f)))
    renameSync(join(ruleBlocks, b), join(o.dataDir, b));
  const blocks = readdirSync(o.dataDir).filter((f) => /^[0-9A-Z]{26}$/.test(f)).length;
  const rulesSeconds = since(t);
  say(`baselines backfilled in ${rulesSeconds.toFixed(1)} s (${blocks} blocks)`);
  return {
    bytes: series.bytes,
    blocks,
    seconds: { history: series.writeSeconds, blocks: series.blockSeconds, rules: rulesSeconds },
  };
}
