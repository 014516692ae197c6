/**
 * Finds and runs the real monitoring binaries (Debian's prometheus and prometheus-alertmanager
 * packages) for integration tests. Under CI=true a missing binary fails the test instead of skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findBinary(names: string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const full = join(dir, name);
      if (existsSync(full)) return full;
    }
  }
  return null;
}

export const ALERTMANAGER_NAMES = ['alertmanager', 'prometheus-alertmanager'];

/** True when a test needing `names` should be skipped; throws under CI=true. */
export function missingBinary(names: string[], pkg: string): boolean {
  if (findBinary(names)) return false;
  if (process.env.CI === 'true')
    throw new Error(
      `${names[0]} is not installed; CI needs the Debian package ${pkg} (scripts/install-deps.sh).`,
    );
  console.warn(
    `[klaxon tests] ${names[0]} not found: its tests are SKIPPED. Install the Debian package ${pkg}.`,
  );
  return true;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

export interface RunningAlertmanager {
  url: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** Starts a real Alertmanager with `configYaml`, clustering off, on a free loopback port. */
export async function startAlertmanager(configYaml: string): Promise<RunningAlertmanager> {
  const bin = findBinary(ALERTMANAGER_NAMES);
  if (!bin) throw new Error('alertmanager not found');
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-am-'));
  writeFileSync(join(dir, 'alertmanager.yml'), configYaml);
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `alertmanager to be ready (log: ${log})`,
    async () => (await fetch(`${url}/-/ready`)).ok,
    15_000,
  );
  return {
    url,
    process: child,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const CLI = fileURLToPath(new URL('../../cli/bin/klaxon.js', import.meta.url));

export interface EngineProcess {
  url: string;
  child: ChildProcess;
  /** Resolves once the engine answers /readyz. */
  ready(): Promise<void>;
  /** SIGKILL, resolved when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, resolved when the process is gone. */
  stop(): Promise<void>;
}

/**
 * Runs `klaxon serve` as a separate process, as an operator would. `database` is a SQLite path or a
 * PostgreSQL URL.
 */
export function spawnEngine(opts: {
  configFile: string;
  port: number;
  database: string;
  logLevel?: string;
}): EngineProcess {
  const pg = /^postgres(ql)?:\/\//.test(opts.database);
  const args = [
    CLI,
    'serve',
    '--config',
    opts.configFile,
    '--port',
    String(opts.port),
    '--host',
    '127.0.0.1',
    '--log-level',
    opts.logLevel ?? 'error',
  ];
  if (!pg) args.push('--db', opts.database);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: pg ? opts.database : '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    return exited;
  };
  return {
    url,
    child,
    ready: () =>
      waitFor(`engine on ${url}`, async () => (await fetch(`${url}/readyz`)).ok, 30_000).then(
        () => undefined,
      ),
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}
