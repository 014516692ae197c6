/**
 * `promtool test rules` over many test files, fast: the files are batched into about one promtool
 * process per core (balanced by an estimate of their cost), and a file that passed before with the same
 * content, the same rule files and the same promtool is not run again when a cache folder is given.
 * Each file still gets its own result: a batch that fails is re-run file by file for its failures, so a
 * failure reads exactly as when each file ran alone. Failures are never cached.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ToolRun } from './tools.ts';

export interface PromtoolTestOptions {
  /** Folder of passed results, keyed by content; without it every file runs. */
  cacheDir?: string;
  /** promtool processes at once (default: the machine's available parallelism). */
  parallel?: number;
}

/** A test file and what its result depends on. */
interface TestFile {
  path: string;
  /** The cache key, or null when a rule file cannot be read (a glob, a missing file): always run. */
  key: string | null;
  /** Estimated cost: rule evaluations promtool will run. */
  weight: number;
}

/** Runs each promtool test file (a batch per core), reusing cached passes; one result per file, by name. */
export async function promtoolTest(files: string[], opts: PromtoolTestOptions = {}): Promise<ToolRun[]> {
  const version = opts.cacheDir === undefined ? '' : promtoolVersion();
  const described = files.map((f) => describeFile(resolve(f), version));
  const results: ToolRun[] = [];
  const pending: TestFile[] = [];
  for (const f of described) {
    const hit = opts.cacheDir !== undefined && f.key !== null ? cached(opts.cacheDir, f.key) : null;
    if (hit === null) pending.push(f);
    else results.push({ ...singleRun(f.path, true, hit), cached: true });
  }
  const parallel = Math.max(1, opts.parallel ?? availableParallelism());
  const batches = balance(pending, parallel).map((batch) => () => runBatch(batch));
  for (const batch of await pool(batches, parallel)) results.push(...batch);
  if (opts.cacheDir !== undefined) {
    for (const r of results.filter((x) => x.ok && !x.cached)) {
      const f = described.find((d) => d.path === r.file);
      if (f?.key) store(opts.cacheDir, f.key, r.output);
    }
    prune(opts.cacheDir, new Set(described.map((d) => `${d.key}.pass`)));
  }
  return results.sort((a, b) => a.args[2]!.localeCompare(b.args[2]!));
}

const singleRun = (path: string, ok: boolean, output: string): ToolRun => ({
  tool: 'promtool',
  args: ['test', 'rules', basename(path)],
  ok,
  output,
  file: path,
});

/** One promtool over the batch (from their folder, so relative rule_files resolve); then re-runs of failures. */
async function runBatch(batch: TestFile[]): Promise<ToolRun[]> {
  const cwd = dirname(batch[0]!.path);
  const run = await promtool(
    batch.map((f) => basename(f.path)),
    cwd,
  );
  if (run.error) return batch.map((f) => singleRun(f.path, false, run.error!));
  if (batch.length === 1) return [singleRun(batch[0]!.path, run.code === 0, run.output)];
  const passed = passedIn(run.stdout);
  const results: ToolRun[] = [];
  for (const f of batch) {
    const name = basename(f.path);
    if (run.code === 0 || passed.has(name))
      results.push(singleRun(f.path, true, `Unit Testing:  ${name}\n  SUCCESS`));
    else {
      // Alone, as before batching: its own exit status and its own, uninterleaved output.
      const alone = await promtool([name], cwd);
      results.push(singleRun(f.path, alone.code === 0 && !alone.error, alone.error ?? alone.output));
    }
  }
  return results;
}

/** The files promtool reported SUCCESS for (stdout only: failures go to stderr, interleaved). */
export function passedIn(stdout: string): Set<string> {
  const passed = new Set<string>();
  const re = /^Unit Testing: +(.+?)\s*\n\s*SUCCESS\s*$/gm;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) passed.add(m[1]!);
  return passed;
}

interface PromtoolRun {
  code: number | null;
  stdout: string;
  output: string;
  error?: string;
}

/**
 * Go's collector would spend a fifth of promtool's CPU on a short-lived test process: collect only past
 * 128 MiB of heap instead (about 150 MiB peak for all the seed's files in one process). Your own GOGC
 * or GOMEMLIMIT wins.
 */
const PROMTOOL_ENV = { GOGC: 'off', GOMEMLIMIT: '128MiB', ...process.env };

function promtool(names: string[], cwd: string): Promise<PromtoolRun> {
  return new Promise((done) => {
    const child = spawn('promtool', ['test', 'rules', ...names], { cwd, env: PROMTOOL_ENV });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) =>
      done({
        code: null,
        stdout,
        output,
        error: `promtool could not run: ${err.message}. Install the Debian package prometheus.`,
      }),
    );
    child.on('close', (code) => done({ code, stdout, output: output.trim() }));
  });
}

/**
 * Splits files into at most `n` batches of about equal cost, the costliest first (longest processing
 * time first); files of different folders never share a batch.
 */
export function balance<T extends { path: string; weight: number }>(files: T[], n: number): T[][] {
  const byDir = new Map<string, T[]>();
  for (const f of files) byDir.set(dirname(f.path), [...(byDir.get(dirname(f.path)) ?? []), f]);
  const batches: T[][] = [];
  for (const group of byDir.values()) {
    const bins = Array.from({ length: Math.min(n, group.length) }, () => ({ cost: 0, files: [] as T[] }));
    for (const f of [...group].sort((a, b) => b.weight - a.weight)) {
      const bin = bins.reduce((min, b) => (b.cost < min.cost ? b : min));
      bin.cost += f.weight;
      bin.files.push(f);
    }
    batches.push(...bins.map((b) => b.files));
  }
  const cost = (b: T[]) => b.reduce((s, f) => s + f.weight, 0);
  return batches.sort((a, b) => cost(b) - cost(a));
}

/** Runs the tasks, `n` at a time, in order; results in task order. */
async function pool<R>(tasks: (() => Promise<R>)[], n: number): Promise<R[]> {
  const results: R[] = new Array<R>(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await tasks[i]!();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return results;
}

interface TestFileYaml {
  rule_files?: string[];
  evaluation_interval?: string;
  tests?: { alert_rule_test?: { eval_time?: string }[]; promql_expr_test?: { eval_time?: string }[] }[];
}

/** A Prometheus duration such as 5m, 1h30m or 10200m, in ms (0 when it is not one). */
function ms(d: string | undefined): number {
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, y: 31536e6 };
  let total = 0;
  for (const m of (d ?? '').matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

function describeFile(path: string, version: string): TestFile {
  try {
    return describeParsed(path, version, readFileSync(path, 'utf8'));
  } catch {
    // promtool reports the missing file, the syntax error or the odd shape; such a file is not cached.
    return { path, key: null, weight: 1 };
  }
}

function describeParsed(path: string, version: string, text: string): TestFile {
  const doc = (parse(text) as TestFileYaml | null) ?? {};
  const every = ms(doc.evaluation_interval) || 6e4;
  // Per test group: a fixed cost (a fresh TSDB) plus one evaluation of the rule group per step.
  const weight = (doc.tests ?? []).reduce((sum, t) => {
    const times = [...(t.alert_rule_test ?? []), ...(t.promql_expr_test ?? [])].map((x) => ms(x.eval_time));
    return sum + 20 + Math.max(0, ...times) / every;
  }, 0);
  const hash = createHash('sha256').update(`promtool ${version}\0${basename(path)}\0${text}`);
  for (const rule of doc.rule_files ?? []) {
    const file = resolve(dirname(path), rule);
    if (/[*?[]/.test(rule) || !existsSync(file)) return { path, key: null, weight };
    hash.update(`\0${rule}\0`).update(readFileSync(file));
  }
  return { path, key: hash.digest('hex'), weight };
}

function promtoolVersion(): string {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0] ?? '';
}

function cached(dir: string, key: string): string | null {
  const file = join(dir, `${key}.pass`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Forgets the passes of files this run no longer has (older versions of them): the cache stays small. */
function prune(dir: string, keep: Set<string>): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir))
    if (name.endsWith('.pass') && !keep.has(name)) rmSync(join(dir, name), { force: true });
}

function store(dir: string, key: string, output: string): void {
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed: a concurrent run never reads half an entry.
  const tmp = join(dir, `${key}.${process.pid}.tmp`);
  writeFileSync(tmp, output);
  renameSync(tmp, join(dir, `${key}.pass`));
}
