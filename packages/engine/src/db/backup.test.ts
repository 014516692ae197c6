/**
 * SQLite backup and restore on real files: a backup taken while another connection writes is one
 * consistent moment and finishes; restore checks what it is given, refuses to clobber, never replaces a
 * database that is open, and swaps atomically without the old -wal; the dry-run status changes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupSqlite, DatabaseFileError, readMigrationStatus, restoreSqlite } from './backup.ts';
import { createDatabase } from './database.ts';
import { migrationNames } from './migrations.ts';
import { DatabaseNewerError, MIGRATION_TABLE } from './version.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'klaxon-backup-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A migrated Klaxon database at `path`, closed. */
async function klaxonDb(path: string): Promise<void> {
  const store = createDatabase({ dialect: 'sqlite', path });
  await store.migrate();
  await store.close();
}

/** An open WAL connection like the engine's, with a numbered table to write to. */
function writer(path: string) {
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.exec('create table if not exists ticks (n integer primary key, pad blob)');
  const insert = db.prepare('insert into ticks (n, pad) values (?, randomblob(2000))');
  return { db, insert: (n: number) => insert.run(n) };
}

describe('backupSqlite', () => {
  it('copies one consistent moment while another connection keeps writing, and finishes', async () => {
    const d = dir();
    const path = join(d, 'klaxon.db');
    await klaxonDb(path);
    const w = writer(path);
    // About 4,000 pages: several copy steps, so the writes below interrupt the copy.
    w.db.transaction(() => {
      for (let n = 1; n <= 7000; n++) w.insert(n);
    })();
    let n = 7000;
    const timer = setInterval(() => w.insert(++n), 1);
    const committedBefore = n;
    const progress: number[] = [];
    const result = await backupSqlite({
      from: path,
      to: join(d, 'backup.db'),
      onProgress: (p) => progress.push(p.remainingPages),
    });
    clearInterval(timer);
    const committedAfter = n;
    w.db.close();
    expect(result.restarts, 'writes interrupted the copy at least once').toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(0);
    const copy = new SQLite(result.path, { readonly: true });
    const rows = copy.prepare('select n from ticks order by n').pluck().all() as number[];
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    // A snapshot: every row committed before the backup began, then a gap-free prefix of the rest.
    expect(rows.length).toBeGreaterThanOrEqual(committedBefore);
    expect(rows.length).toBeLessThanOrEqual(committedAfter);
    expect(rows.every((v, i) => v === i + 1)).toBe(true);
    expect(result.status.pending).toEqual([]);
    expect(readdirSync(d).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses to overwrite a file without force, and a file that is not a Klaxon database', async () => {
    const d = dir();
    const path = join(d, 'klaxon.db');
    await klaxonDb(path);
    writeFileSync(join(d, 'taken.db'), 'keep me');
    const refused = await backupSqlite({ from: path, to: join(d, 'taken.db') }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseFileError);
    expect((refused as Error).message).toContain('--force');
    expect(readFileSync(join(d, 'taken.db'), 'utf8')).toBe('keep me');
    await backupSqlite({ from: path, to: join(d, 'taken.db'), force: true });
    expect(sha(join(d, 'taken.db'))).not.toBe(createHash('sha256').update('keep me').digest('hex'));

    const other = join(d, 'other.db');
    const raw = new SQLite(other);
    raw.exec('create table t (x)');
    raw.close();
    await expect(backupSqlite({ from: other, to: join(d, 'o.db') })).rejects.toThrow(/not a Klaxon database/);
    await expect(backupSqlite({ from: join(d, 'missing.db'), to: join(d, 'm.db') })).rejects.toThrow(
      /no file at .*missing\.db/,
    );
  });
});

describe('restoreSqlite', () => {
  it('restores into a new path, and replaces an old database only with force, dropping its -wal', async () => {
    const d = dir();
    const source = join(d, 'klaxon.db');
    await klaxonDb(source);
    const w = writer(source);
    w.insert(1);
    w.db.close();
    const backup = (await backupSqlite({ from: source, to: join(d, 'backup.db') })).path;

    const fresh = join(d, 'restored', 'klaxon.db');
    const r = await restoreSqlite({ from: backup, to: fresh });
    expect(r.replaced).toBe(false);
    const restored = new SQLite(fresh, { readonly: true });
    expect(restored.prepare('select n from ticks').pluck().all()).toEqual([1]);
    restored.close();

    // An old database whose -wal holds a row that must not come back after the restore.
    const old = join(d, 'old.db');
    await klaxonDb(old);
    const o = writer(old);
    o.db.pragma('wal_autocheckpoint = 0');
    o.insert(999);
    const walCopy = readFileSync(`${old}-wal`);
    o.db.close();
    writeFileSync(`${old}-wal`, walCopy);
    await expect(restoreSqlite({ from: backup, to: old })).rejects.toThrow(/already exists: pass --force/);
    const replaced = await restoreSqlite({ from: backup, to: old, force: true });
    expect(replaced.replaced).toBe(true);
    expect(existsSync(`${old}-wal`)).toBe(false);
    const after = createDatabase({ dialect: 'sqlite', path: old });
    await after.migrate();
    const rows = await after.db
      .selectFrom('ticks' as never)
      .select('n' as never)
      .execute();
    expect(rows).toEqual([{ n: 1 }]);
    await after.close();
  });

  it('never replaces a database that a process has open, even with force', async () => {
    const d = dir();
    const source = join(d, 'a.db');
    await klaxonDb(source);
    const backup = (await backupSqlite({ from: source, to: join(d, 'b.db') })).path;
    const target = join(d, 'live.db');
    await klaxonDb(target);
    const engine = createDatabase({ dialect: 'sqlite', path: target });
    await engine.migrationStatus(); // the connection is open, as in a running engine
    const before = sha(target);
    await expect(restoreSqlite({ from: backup, to: target, force: true })).rejects.toThrow(
      /open in another process/,
    );
    await engine.close();
    expect(sha(target)).toBe(before);
  });

  it('refuses a backup newer than this engine, and a file that is not SQLite', async () => {
    const d = dir();
    const newer = join(d, 'newer.db');
    await klaxonDb(newer);
    const raw = new SQLite(newer);
    raw
      .prepare(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`)
      .run('0099_from_a_newer_klaxon', '2030-01-01');
    raw.close();
    const err = await restoreSqlite({ from: newer, to: join(d, 'x.db') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseNewerError);
    expect(existsSync(join(d, 'x.db'))).toBe(false);
    writeFileSync(join(d, 'junk.db'), 'this is not a database at all, just some text '.repeat(100));
    await expect(restoreSqlite({ from: join(d, 'junk.db'), to: join(d, 'y.db') })).rejects.toThrow(
      /not a readable SQLite database/,
    );
  });
});

describe('readMigrationStatus', () => {
  it('creates no file for a missing database and leaves an existing one byte for byte', async () => {
    const d = dir();
    const missing = join(d, 'none', 'klaxon.db');
    const s = await readMigrationStatus({ dialect: 'sqlite', path: missing });
    expect(s).toMatchObject({ exists: false, applied: [], pending: migrationNames('sqlite') });
    expect(existsSync(join(d, 'none'))).toBe(false);

    const path = join(d, 'klaxon.db');
    await klaxonDb(path);
    const files = readdirSync(d).sort();
    const before = sha(path);
    const status = await readMigrationStatus({ dialect: 'sqlite', path });
    expect(status).toMatchObject({ exists: true, pending: [], applied: migrationNames('sqlite') });
    expect(sha(path)).toBe(before);
    expect(readdirSync(d).sort()).toEqual(files);
  });
});
