/**
 * `klaxon backup` and `klaxon restore` at the edges an operator meets first: on PostgreSQL they name
 * PostgreSQL's tools and exit 2 (no stack trace); neither overwrites a file without --force. The backup
 * under load and the restored engine resuming its escalations: packages/engine/test/backup-restore.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '@klaxon/engine';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');

function klaxon(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...base, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((r) =>
    child.on('exit', (status) => r({ status, stdout, stderr })),
  );
}

describe('klaxon backup and restore', () => {
  it('on PostgreSQL, name pg_dump / pg_restore and point-in-time recovery, and exit 2', async () => {
    const env = { DATABASE_URL: 'postgres://klaxon@db.internal/klaxon' };
    const [backup, restore] = await Promise.all([
      klaxon(['backup', '--out', join(tmpdir(), 'never-written.db')], env),
      klaxon(['restore', '--from', join(tmpdir(), 'never-read.db')], env),
    ]);
    expect(backup.status).toBe(2);
    expect(backup.stderr).toContain('pg_dump --format=custom');
    expect(backup.stderr).toContain('point-in-time recovery');
    expect(restore.status).toBe(2);
    expect(restore.stderr).toContain('pg_restore');
    for (const r of [backup, restore]) expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  }, 60_000);

  it('refuse to overwrite without --force, saying which file and how', async () => {
    const d = mkdtempSync(join(tmpdir(), 'klaxon-backup-cli-'));
    const db = join(d, 'klaxon.db');
    const store = createDatabase({ dialect: 'sqlite', path: db });
    await store.migrate();
    await store.close();
    const out = join(d, 'backup.db');
    writeFileSync(out, 'an older backup');
    const [backup, restore] = await Promise.all([
      klaxon(['backup', '--db', db, '--out', out]),
      klaxon(['restore', '--from', db, '--db', join(d, 'klaxon-copy.db')]).then(() =>
        klaxon(['restore', '--from', db, '--db', join(d, 'klaxon-copy.db')]),
      ),
    ]);
    expect(backup.status).toBe(1);
    expect(backup.stderr).toContain(`${out} already exists: choose another --out, or pass --force`);
    expect(readFileSync(out, 'utf8')).toBe('an older backup');
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain('already exists: pass --force');
    const forced = await klaxon(['backup', '--db', db, '--out', out, '--force', '--json']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ path: out, restarts: 0 });
  }, 90_000);
});
