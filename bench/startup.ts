/**
 * Start-up (issue 16): `klaxon serve` on the example config, as it ran before the packages were built (the
 * TypeScript sources through tsx, as a repository checkout still runs) and as the published package runs it
 * (the esbuild bundle, packages/cli/dist/klaxon.js). Each run is a fresh process and a fresh SQLite file
 * (the migrations run every time): the time from spawn to the first `200` from /readyz, and the resident
 * memory then. The two ways alternate, so a slower moment of the machine hits both alike. Also the tarball
 * sizes `npm pack` gives.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@klaxon/testing';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const WAYS = [
  {
    id: 'tsx',
    label: 'before: TypeScript sources through tsx (bin/klaxon.js in a checkout)',
    entry: 'packages/cli/bin/klaxon.js',
  },
  {
    id: 'bundle',
    label: 'after: the bundle (dist/klaxon.js, as installed from the tarball)',
    entry: 'packages/cli/dist/klaxon.js',
  },
] as const;

export interface StartupRow {
  id: string;
  label: string;
  /** Spawn → /readyz 200, each run, ms. */
  readyMs: number[];
  /** VmRSS at that moment, each run, MiB. */
  rssMiB: number[];
}

export interface Tarball {
  name: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
}

export interface StartupResult {
  rows: StartupRow[];
  tarballs: Tarball[];
  /** The machine's 1-minute load average when the runs began (other work slows every start alike). */
  load: number;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** One start: spawn, poll /readyz every 10 ms, read the RSS, stop it. */
async function startOnce(entry: string): Promise<{ readyMs: number; rssMiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-bench-startup-'));
  const port = await freePort();
  const args = [
    join(ROOT, entry),
    'serve',
    '--config',
    join(ROOT, 'examples/klaxon.yaml'),
    '--port',
    String(port),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, [...args, '--db', join(dir, 'klaxon.db'), '--log-level', 'error'], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: '', KLAXON_OUTBOX: join(dir, 'outbox.jsonl') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${entry} serve exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error(`${entry} serve: not ready after 60 s`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return { readyMs: performance.now() - started, rssMiB: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup(log: (s: string) => void): Promise<StartupResult> {
  if (!existsSync(join(ROOT, 'packages/web/dist/index.html')))
    throw new Error('packages/web/dist is missing: run `npm run build:web` (or `npm run build`) first');
  log('startup: building the packages (scripts/build-packages.ts)');
  sh(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-packages.ts']);
  const packed = JSON.parse(
    sh('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', '@klaxon/cli', '-w', '@klaxon/sdk']),
  ) as Tarball[];
  const rows: StartupRow[] = WAYS.map((w) => ({ id: w.id, label: w.label, readyMs: [], rssMiB: [] }));
  const load = loadavg()[0]!;
  // One unmeasured start each: the first one pays for a cold file cache.
  for (const w of WAYS) await startOnce(w.entry);
  for (let i = 0; i < RUNS; i++)
    for (const [k, w] of WAYS.entries()) {
      const r = await startOnce(w.entry);
      rows[k]!.readyMs.push(r.readyMs);
      rows[k]!.rssMiB.push(r.rssMiB);
      log(
        `startup: ${w.id} run ${i + 1}: ready in ${r.readyMs.toFixed(0)} ms, RSS ${r.rssMiB.toFixed(1)} MiB`,
      );
    }
  return {
    rows,
    load,
    tarballs: packed.map((p) => ({
      name: p.name,
      size: p.size,
      unpackedSize: p.unpackedSize,
      entryCount: p.entryCount,
    })),
  };
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

export function startupMarkdown({ rows, tarballs, load }: StartupResult): string {
  const [before, after] = rows;
  const ratio = before && after ? median(before.readyMs) / median(after.readyMs) : NaN;
  return [
    `\`klaxon serve --config examples/klaxon.yaml\` on a fresh SQLite file, ${RUNS} runs each, alternating (after one unmeasured`,
    'start each): the time from spawn to the first `200` from `/readyz` (the migrations included), and the resident memory at',
    `that moment. The bundle starts ${ratio.toFixed(1)}× as fast: no TypeScript to transform at start-up and no tsx loader thread.`,
    `The 1-minute load average was ${load.toFixed(1)} on ${cpus().length} cores when the runs began: a busy machine slows both alike.`,
    '',
    '| How it runs | Ready, median (ms) | Ready, min–max (ms) | RSS at ready, median (MiB) |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${median(r.readyMs).toFixed(0)} | ${Math.min(...r.readyMs).toFixed(0)}–${Math.max(...r.readyMs).toFixed(0)} | ${median(r.rssMiB).toFixed(1)} |`,
    ),
    '',
    'The tarballs (`npm pack`; the CLI carries the engine, the catalog compiler, the exporters, the demo and the built web UI;',
    'its third-party dependencies install from the registry):',
    '',
    '| Package | Packed (MiB) | Unpacked (MiB) | Files |',
    '| --- | ---: | ---: | ---: |',
    ...tarballs.map((t) => `| \`${t.name}\` | ${mib(t.size)} | ${mib(t.unpackedSize)} | ${t.entryCount} |`),
  ].join('\n');
}
