/**
 * The packaging test's moving parts: child processes with their output and time, `npm pack` of the two
 * published packages, and an empty npm project outside this repository that installs the tarballs.
 */
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../../..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment of a child that must behave as on a user's machine: nothing from the npm script that runs
 * the tests (npm_* variables name this repository), nor vitest's (NODE_ENV=test would build the web UI in
 * development mode), and none of Klaxon's own variables.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(npm_|KLAXON_|VITEST|DATABASE_URL$|INIT_CWD$|NODE_OPTIONS$|NODE_ENV$)/.test(name))
      env[name] = value;
  return { ...env, ...extra };
}

/** Runs `cmd` to its end; never throws on a non-zero exit (the caller asserts on `code` with the output). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Run> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** What the test and its report need from one `npm pack --json` entry. */
export interface Packed {
  name: string;
  filename: string;
  /** The tarball's size, bytes. */
  size: number;
  unpackedSize: number;
  files: string[];
}

/**
 * `npm pack` of @klaxon/cli and @klaxon/sdk into `dest`. Their `prepack` scripts build them first (the web UI,
 * the CLI bundle, the SDK's tsc output), so this is what `npm publish` would upload.
 */
export async function packPublished(dest: string): Promise<{ packed: Packed[]; run: Run }> {
  mkdirSync(dest, { recursive: true });
  const packRun = await run(
    'npm',
    ['pack', '-w', '@klaxon/cli', '-w', '@klaxon/sdk', '--pack-destination', dest, '--json'],
    { cwd: ROOT, env: cleanEnv({ CI: process.env.CI ?? '' }) },
  );
  if (packRun.code !== 0)
    throw new Error(`npm pack failed (${packRun.code}):\n${packRun.stdout}\n${packRun.stderr}`);
  // The build's own output comes first on stdout; npm's JSON report is the last top-level array.
  const at = packRun.stdout.lastIndexOf('\n[\n');
  const report = JSON.parse(packRun.stdout.slice(at + 1)) as (Omit<Packed, 'files'> & {
    files: { path: string }[];
  })[];
  const packed = report.map((p) => ({ ...p, files: p.files.map((f) => f.path) }));
  return { packed, run: packRun };
}

/** An empty ESM project in `dir` (outside this repository), ready for `npm install`. */
export function emptyProject(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'klaxon-install-check', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
}

/** Every regular file under `dir`, following no symbolic link. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = join(dir, entry);
    if (lstatSync(full).isFile()) out.push(full);
  }
  return out;
}

/** Bytes of every file under `dir`. */
export function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((sum, f) => sum + lstatSync(f).size, 0);
}

/** The files under `dir` whose text contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  return filesUnder(dir).filter((f) => readFileSync(f).includes(needle));
}

/**
 * The public demo fallback of `${NAME:-value}` in the example config: the test uses the example's own key and
 * token, as someone following the README would.
 */
export function exampleDefault(configText: string, name: string): string {
  const m = new RegExp(`\\$\\{${name}:-([^}]+)\\}`).exec(configText);
  if (!m) throw new Error(`examples/klaxon.yaml has no \${${name}:-…} fallback`);
  return m[1]!;
}

export const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
