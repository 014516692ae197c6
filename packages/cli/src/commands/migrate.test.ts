/**
 * `klaxon migrate` as an operator runs it, on SQLite: --dry-run lists what is pending and leaves the
 * database byte for byte (and a missing one uncreated); without it the pending migrations run once; a
 * database a newer Klaxon migrated is refused by `migrate` and by `serve` (exit 2, with what to do).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase, migrateTo, statusOf } from '@klaxon/engine';
import { TEST_CONFIG_YAML } from '@klaxon/testing';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const ALL = statusOf([], 'sqlite').pending;

/** Runs the klaxon command without DATABASE_URL; resolves with its exit code and output. */
function klaxon(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...base, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.on('exit', (status) => r({ status, stdout, stderr })));
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const dir = () => mkdtempSync(join(tmpdir(), 'klaxon-migrate-'));

/** A SQLite database migrated up to `name` (as an older Klaxon left it). */
async function databaseAt(path: string, name: string): Promise<void> {
  const store = createDatabase({ dialect: 'sqlite', path });
  await migrateTo(store.db as unknown as Kysely<unknown>, 'sqlite', name);
  await store.close();
}

describe('klaxon migrate', () => {
  it('--dry-run lists every migration for a missing database and creates nothing', async () => {
    const d = dir();
    const db = join(d, 'data', 'klaxon.db');
    const r = await klaxon(['migrate', '--dry-run', '--json', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, exists: false, applied: [], pending: ALL });
    expect(readdirSync(d)).toEqual([]);
  }, 60_000);

  it('--dry-run on an older database lists only what is pending and changes no byte; then migrate applies it', async () => {
    const d = dir();
    const db = join(d, 'klaxon.db');
    await databaseAt(db, '0006_live_feed');
    const files = readdirSync(d).sort();
    const before = sha(db);
    const dry = await klaxon(['migrate', '--dry-run', '--db', db]);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('6 pending migrations (dry run: nothing applied)');
    expect(dry.stdout).toContain('0007_alert_integration');
    expect(dry.stdout).toContain('0010_responder_self_service');
    expect(dry.stdout).toContain('0011_history_indexes');
    expect(dry.stdout).toContain('0012_advisories');
    expect(dry.stdout).not.toContain('0006_live_feed');
    expect(sha(db), 'the dry run changed the database').toBe(before);
    expect(readdirSync(d).sort()).toEqual(files);

    const run = await klaxon(['migrate', '--json', '--db', db]);
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { ran: string[]; pending: string[]; databaseLatest: string };
    expect(out.ran).toEqual([
      '0007_alert_integration',
      '0008_inbound_replay_sessions',
      '0009_schedule_events',
      '0010_responder_self_service',
      '0011_history_indexes',
      '0012_advisories',
    ]);
    expect(out.pending).toEqual([]);
    const again = await klaxon(['migrate', '--db', db]);
    expect(again.stdout).toContain(`up to date at ${ALL.at(-1)}`);
  }, 60_000);

  it('refuses a database that a newer Klaxon migrated, in migrate and in serve (exit 2)', async () => {
    const d = dir();
    const db = join(d, 'klaxon.db');
    await databaseAt(db, ALL.at(-1)!);
    const raw = new SQLite(db);
    raw
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run('0099_from_a_newer_klaxon', '2030-01-01T00:00:00.000Z');
    raw.close();
    const before = sha(db);
    const m = await klaxon(['migrate', '--db', db]);
    expect(m.status).toBe(2);
    expect(m.stderr).toContain('the database is newer than this engine');
    expect(m.stderr).toContain("The database's latest migration is 0099_from_a_newer_klaxon");
    expect(m.stderr).toContain(`this engine's latest is ${ALL.at(-1)}`);
    expect(m.stderr).not.toContain('unexpected error');
    const config = join(d, 'klaxon.yaml');
    writeFileSync(config, TEST_CONFIG_YAML);
    const s = await klaxon(['serve', '--config', config, '--port', '0', '--db', db]);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('upgrade this engine');
    expect(s.stderr).not.toContain('unexpected error');
    expect(sha(db)).toBe(before);
    expect(existsSync(`${db}-wal`)).toBe(false);
  }, 60_000);
});
