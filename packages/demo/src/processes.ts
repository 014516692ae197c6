/**
 * The real binaries the demo runs (Debian's `prometheus` and `prometheus-alertmanager` packages), started
 * as child processes that never outlive us: Ctrl-C, an error or a normal exit stops every one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface BinarySpec {
  /** Names to look for on PATH, in order. */
  names: string[];
  /** The Debian 12 package that installs it. */
  debianPackage: string;
}

export const BINARIES = {
  prometheus: { names: ['prometheus'], debianPackage: 'prometheus' },
  promtool: { names: ['promtool'], debianPackage: 'prometheus' },
  alertmanager: {
    names: ['alertmanager', 'prometheus-alertmanager'],
    debianPackage: 'prometheus-alertmanager',
  },
} as const satisfies Record<string, BinarySpec>;

export type BinaryName = keyof typeof BINARIES;

export function findBinary(names: readonly string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const full = join(dir, name);
      if (existsSync(full)) return full;
    }
  }
  return null;
}

/** A binary the demo needs is not installed; the message says exactly what to install. */
export class MissingBinaryError extends Error {
  readonly missing: BinaryName[];
  constructor(missing: BinaryName[]) {
    const pkgs = [...new Set(missing.map((m) => BINARIES[m].debianPackage))];
    super(
      `${missing.join(', ')} not found on PATH. Install ${pkgs.length > 1 ? 'them' : 'it'} with ` +
        `\`apt-get install -y ${pkgs.join(' ')}\` (Debian 12; or run scripts/install-deps.sh), ` +
        `or put the binaries on PATH.`,
    );
    this.name = 'MissingBinaryError';
    this.missing = missing;
  }
}

/** Every binary's path, or one error naming all the missing ones and their packages. */
export function requireBinaries<K extends BinaryName>(names: readonly K[]): Record<K, string> {
  const found = {} as Record<K, string>;
  const missing: BinaryName[] = [];
  for (const n of names) {
    const path = findBinary(BINARIES[n].names);
    if (path) found[n] = path;
    else missing.push(n);
  }
  if (missing.length > 0) throw new MissingBinaryError(missing);
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns something truthy; the error names what we waited for and the last failure. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  everyMs = 100,
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
    await sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed (the last 64 kB). */
  log(): string;
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

/** Last resort: whatever is still running when Node exits is killed. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

export function spawnManaged(name: string, bin: string, args: string[]): ManagedProcess {
  hookExit();
  // detached: a Ctrl-C in the terminal reaches only us, and we stop the children in order.
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  child.once('error', (err) => {
    keep(Buffer.from(`\n${name} could not start: ${err.message}\n`));
    live.delete(child);
  });
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    name,
    child,
    log: () => log,
    running,
    async stop(graceMs = 5000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** SIGKILLs every child still running, at once (a second Ctrl-C, a closed terminal). */
export function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Number of child processes started here that are still running (the demo checks it is 0 at the end). */
export const liveProcesses = (): number => live.size;
