/**
 * The one dialect switch: `createDatabase` returns Kysely over SQLite (the default, one file, one
 * process) or PostgreSQL (for several engine replicas), plus the matching Locker.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.ts';
import { appliedMigrations, assertNotNewer, statusOf, type MigrationStatus } from './version.ts';
import { createLocker, type Locker } from './locker.ts';
import type { Database } from './tables.ts';

export type Dialect = 'sqlite' | 'postgres';

export type DatabaseOptions =
  { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string; poolSize?: number };

export interface KlaxonDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly locker: Locker;
  /**
   * Brings the schema up to date; idempotent. Throws DatabaseNewerError, changing nothing, when a newer
   * engine has migrated the database.
   */
  migrate(): Promise<void>;
  /** Which migrations have run and which are pending; reads only. */
  migrationStatus(): Promise<MigrationStatus>;
  close(): Promise<void>;
}

/**
 * Picks the database from the environment the way `klaxon serve` does: `DATABASE_URL=postgres://…`
 * selects PostgreSQL, anything else the SQLite file at `sqlitePath`.
 */
export function databaseOptionsFrom(env: NodeJS.ProcessEnv, sqlitePath: string): DatabaseOptions {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  return { dialect: 'sqlite', path: sqlitePath };
}

/**
 * Opens the database.
 *
 * @example
 * const store = createDatabase({ dialect: 'sqlite', path: './data/klaxon.db' });
 * await store.migrate();
 */
export function createDatabase(options: DatabaseOptions): KlaxonDatabase {
  const db =
    options.dialect === 'sqlite'
      ? new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(options.path) }) })
      : new Kysely<Database>({
          dialect: new PostgresDialect({
            pool: new pg.Pool({
              connectionString: options.url,
              max: options.poolSize ?? 10,
              // Times are bigint milliseconds; they fit a double exactly for the next 285,000 years.
              types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
            }),
          }),
        });
  return {
    db,
    dialect: options.dialect,
    locker: createLocker(options.dialect),
    migrate: async () => {
      assertNotNewer(statusOf(await appliedMigrations(db as Kysely<unknown>), options.dialect));
      await migrateToLatest(db as Kysely<unknown>, options.dialect);
    },
    migrationStatus: async () => statusOf(await appliedMigrations(db as Kysely<unknown>), options.dialect),
    close: () => db.destroy(),
  };
}

function pgTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === (pg.types.builtins.INT8 as number)) return Number;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/**
 * better-sqlite3 with a cache of prepared statements: Kysely prepares every query it runs, and the ingest
 * path runs the same few dozen SQL texts over and over.
 */
function withStatementCache(db: SQLite.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // re-insert: most recently used last
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before we answer 2xx. Group commit keeps that affordable.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MiB of page cache (SQLite's default is 2 MiB): the indexes that ingest and the API walk stay in
  // memory instead of being read back through the OS, a system call per page, as history grows.
  sqlite.pragma('cache_size = -65536');
  return withStatementCache(sqlite);
}
