/**
 * SQLite database files: an online backup that stays consistent while an engine writes (SQLite's backup
 * API), a restore that checks what it is given and swaps it in atomically, and a read-only look at a
 * database's migrations (for `klaxon migrate --dry-run`). PostgreSQL has its own tools for the first two
 * (pg_dump / pg_restore, or base backups with WAL archiving for point-in-time recovery).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { createDatabase, type DatabaseOptions } from './database.ts';
import { assertNotNewer, MIGRATION_TABLE, statusOf, type MigrationStatus } from './version.ts';

/** A problem with a database file, stated with the path and what to do. */
export class DatabaseFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseFileError';
  }
}

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface BackupResult {
  path: string;
  bytes: number;
  pages: number;
  elapsedMs: number;
  /** How often a write by another connection made SQLite start the copy again. */
  restarts: number;
  /** The migrations of the copy. */
  status: MigrationStatus;
}

export interface RestoreResult {
  path: string;
  bytes: number;
  /** An existing database was replaced (--force). */
  replaced: boolean;
  status: MigrationStatus;
}

/** Pages copied per step while no one writes; a step holds the source's read lock only while it runs. */
const STEP_PAGES = 1024;
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the SQLite database `from` into `to` while other processes go on writing to it. The copy is a
 * snapshot of one moment: SQLite restarts a copy that a write interrupted, and after the first restart
 * it copies the rest in one step, so a busy engine cannot keep it from finishing. The copy is written
 * next to `to`, checked, made a single file (no -wal) and renamed into place.
 *
 * @example
 * await backupSqlite({ from: './data/klaxon.db', to: '/backups/klaxon-2026-03-28.db' });
 */
export async function backupSqlite(o: {
  from: string;
  to: string;
  force?: boolean;
  onProgress?: (p: BackupProgress) => void;
}): Promise<BackupResult> {
  const started = performance.now();
  const to = resolve(o.to);
  if (resolve(o.from) === to)
    throw new DatabaseFileError(`the backup would overwrite its own database ${to}: choose another --out`);
  if (existsSync(to) && !o.force)
    throw new DatabaseFileError(`${to} already exists: choose another --out, or pass --force to replace it`);
  const source = openExisting(o.from, 'the database to back up');
  const temp = `${to}.partial-${process.pid}`;
  let restarts = 0;
  let pages: number;
  try {
    if (!hasMigrationTable(source))
      throw new DatabaseFileError(
        `${resolve(o.from)} is not a Klaxon database (no ${MIGRATION_TABLE} table): pass --db with the file \`klaxon serve --db\` uses`,
      );
    mkdirSync(dirname(to), { recursive: true });
    rmSync(temp, { force: true });
    let lastRemaining = Infinity;
    let step = STEP_PAGES;
    const result = await source.backup(temp, {
      progress: (p) => {
        if (p.remainingPages > lastRemaining) {
          restarts++;
          step = ALL_PAGES;
        }
        lastRemaining = p.remainingPages;
        o.onProgress?.(p);
        return step;
      },
    });
    pages = result.totalPages;
    o.onProgress?.({ totalPages: pages, remainingPages: 0 });
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  } finally {
    source.close();
  }
  let status: MigrationStatus;
  try {
    status = finishFile(temp);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  renameSync(temp, to);
  syncDir(dirname(to));
  return {
    path: to,
    bytes: statSync(to).size,
    pages,
    elapsedMs: Math.round(performance.now() - started),
    restarts,
    status,
  };
}

/**
 * Replaces the SQLite database `to` with the backup `from`, after checking that the backup is a Klaxon
 * database that passes SQLite's integrity check and is not newer than this engine. It refuses to replace
 * an existing database without `force`, and always refuses one that a process (an engine) has open. The
 * new file is written next to `to` and renamed over it; the old database's -wal and -shm go first, so
 * SQLite cannot replay them into the restored one.
 *
 * @example
 * await restoreSqlite({ from: '/backups/klaxon-2026-03-28.db', to: './data/klaxon.db', force: true });
 */
export async function restoreSqlite(o: {
  from: string;
  to: string;
  force?: boolean;
}): Promise<RestoreResult> {
  const to = resolve(o.to);
  const from = resolve(o.from);
  if (from === to) throw new DatabaseFileError(`--from and --db are the same file (${to})`);
  const source = openExisting(from, 'the backup');
  const temp = `${to}.restore-${process.pid}`;
  let status: MigrationStatus;
  const replaced = existsSync(to);
  try {
    status = checkKlaxonFile(source, from);
    if (replaced && !o.force)
      throw new DatabaseFileError(
        `${to} already exists: pass --force to replace it with ${from} (stop every engine using it first)`,
      );
    if (replaced && inUse(to))
      throw new DatabaseFileError(
        `${to} is open in another process (a running engine?): stop it, then restore again`,
      );
    mkdirSync(dirname(to), { recursive: true });
    rmSync(temp, { force: true });
    await source.backup(temp, { progress: () => ALL_PAGES });
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  } finally {
    source.close();
  }
  try {
    finishFile(temp);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${to}${suffix}`, { force: true });
  renameSync(temp, to);
  syncDir(dirname(to));
  return { path: to, bytes: statSync(to).size, replaced, status };
}

/**
 * The migrations a database has run and the ones pending, changing nothing: a SQLite file is opened
 * read-only, and a missing one is not created (every migration is pending).
 */
export async function readMigrationStatus(
  options: DatabaseOptions,
): Promise<MigrationStatus & { exists: boolean }> {
  if (options.dialect === 'postgres') {
    const store = createDatabase(options);
    try {
      return { ...(await store.migrationStatus()), exists: true };
    } finally {
      await store.close();
    }
  }
  if (!existsSync(options.path)) return { ...statusOf([], 'sqlite'), exists: false };
  const db = openExisting(options.path, 'the database');
  try {
    return { ...statusOf(migrationsIn(db), 'sqlite'), exists: true };
  } finally {
    db.close();
  }
}

/**
 * Opens an existing file without changing it. Not SQLite's read-only mode: that cannot remove the -wal and
 * -shm files it creates next to a WAL database, so they would stay behind; `query_only` refuses writes,
 * and closing the last connection leaves the files as a cleanly stopped engine does.
 */
function openExisting(path: string, what: string): SQLite.Database {
  if (!existsSync(path)) throw new DatabaseFileError(`no file at ${resolve(path)} (${what}): check the path`);
  try {
    const db = new SQLite(path, { fileMustExist: true, timeout: 5000 });
    db.pragma('query_only = ON');
    db.pragma('schema_version'); // reads the header: fails here on a file that is not SQLite
    return db;
  } catch (err) {
    throw new DatabaseFileError(
      `${resolve(path)} (${what}) is not a readable SQLite database: ${(err as Error).message}`,
    );
  }
}

function hasMigrationTable(db: SQLite.Database): boolean {
  return !!db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
}

function migrationsIn(db: SQLite.Database): string[] {
  if (!hasMigrationTable(db)) return [];
  return (db.prepare(`select name from ${MIGRATION_TABLE}`).all() as { name: string }[]).map((r) => r.name);
}

/** A Klaxon database this engine can run: its migration table, SQLite's quick check, not newer. */
function checkKlaxonFile(db: SQLite.Database, path: string): MigrationStatus {
  if (!hasMigrationTable(db))
    throw new DatabaseFileError(
      `${path} is not a Klaxon database (no ${MIGRATION_TABLE} table): pass a file \`klaxon backup\` wrote`,
    );
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok')
    throw new DatabaseFileError(
      `${path} fails SQLite's integrity check (${String(check)}): use another backup`,
    );
  const status = statusOf(migrationsIn(db), 'sqlite');
  assertNotNewer(status);
  return status;
}

/** Checks a fresh copy, makes it one self-contained file and puts it on disk. */
function finishFile(path: string): MigrationStatus {
  const db = new SQLite(path, { fileMustExist: true });
  let status: MigrationStatus;
  try {
    db.pragma('journal_mode = DELETE');
    status = checkKlaxonFile(db, path);
  } finally {
    db.close();
  }
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return status;
}

/** Whether another connection has `path` open (in WAL mode every open connection holds a shared lock). */
function inUse(path: string): boolean {
  const db = new SQLite(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    // Anything else (a damaged file, which is what a restore is for) is not a sign of another process.
    return (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
  } finally {
    db.close();
  }
}

/** Makes a rename durable. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
