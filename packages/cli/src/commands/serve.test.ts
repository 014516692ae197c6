/** `klaxon serve` as an operator runs it: where it listens, and what it refuses (issue #15, finding 11). */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');

/** The environment without any KLAXON_* secret or DATABASE_URL: the example falls back to its demo values. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('KLAXON_') && k !== 'DATABASE_URL') env[k] = v;
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-serve-'));
  env.KLAXON_OUTBOX = join(dir, 'outbox.jsonl');
  return env;
}

const dbArgs = () => ['--db', join(mkdtempSync(join(tmpdir(), 'klaxon-serve-db-')), 'klaxon.db')];

describe('klaxon serve', () => {
  it('refuses to listen on a non-loopback address with the example’s demo secrets, naming each', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'serve', '--config', 'examples/klaxon.yaml', '--host', '0.0.0.0', '--port', '0', ...dbArgs()],
      { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('klaxon: refusing to listen on 0.0.0.0');
    expect(r.stderr).toContain('apiTokens[0] (ops-admin)');
    expect(r.stderr).toContain('KLAXON_ADMIN_TOKEN');
    expect(r.stderr).toContain('integrationKeys[0] (alertmanager)');
    expect(r.stderr).toContain('KLAXON_AM_KEY');
    expect(r.stderr).toContain('users[4] (erin)');
    expect(r.stderr).not.toContain('unexpected error');
  }, 90_000);

  it('listens on loopback by default, where the demo secrets are allowed', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--config', 'examples/klaxon.yaml', '--port', '0', ...dbArgs()],
      { cwd: ROOT, env: cleanEnv() },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on http/.test(out) && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/klaxon engine listening on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
