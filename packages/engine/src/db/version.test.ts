/**
 * Migrations across processes and versions: replicas starting together on a fresh PostgreSQL database
 * migrate once (Kysely's Migrator holds an advisory lock), and an engine refuses a database that a newer
 * engine has migrated, on both dialects, before it changes anything.
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, skipPostgres, testConfig } from '@klaxon/testing';
import { startServer } from '../app/server.ts';
import { createDatabase } from './database.ts';
import { migrateTo, migrationNames } from './migrations.ts';
import { DatabaseNewerError, MIGRATION_TABLE, statusOf } from './version.ts';

describe('statusOf', () => {
  it('splits the migrations into applied, pending and unknown', () => {
    const known = migrationNames('sqlite');
    const s = statusOf([known[1]!, known[0]!, '9999_from_the_future'], 'sqlite');
    expect(s.applied).toEqual([known[0], known[1], '9999_from_the_future']);
    expect(s.pending).toEqual(known.slice(2));
    expect(s.unknown).toEqual(['9999_from_the_future']);
    expect(s.databaseLatest).toBe('9999_from_the_future');
    expect(s.engineLatest).toBe(known.at(-1));
  });
});

describe.skipIf(skipPostgres('postgres'))('replicas starting together on PostgreSQL', () => {
  it('migrate once: four engines start at once on a fresh database, all succeed, each migration runs once', async () => {
    const database = await freshDatabase('postgres');
    if (database.dialect !== 'postgres') throw new Error('unreachable');
    // Two whole engines and two bare migrations, each with its own connection pool, all at once.
    const results = await Promise.allSettled([
      startServer({ config: testConfig(), database, port: 0 }),
      startServer({ config: testConfig(), database, port: 0 }),
      createDatabase(database).migrate(),
      createDatabase(database).migrate(),
    ]);
    const servers = results.flatMap((r) =>
      r.status === 'fulfilled' && r.value && 'close' in r.value ? [r.value] : [],
    );
    try {
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ name: string; n: string }>(
        `select name, count(*) as n from ${MIGRATION_TABLE} group by name order by name`,
      );
      expect(rows.map((r) => r.name)).toEqual(migrationNames('postgres'));
      expect(rows.every((r) => r.n === '1')).toBe(true);
      // The migration lock was given back: no advisory lock is held on this database.
      await Promise.all(servers.map((s) => s.close()));
      servers.length = 0;
      const locks = await client.query(
        `select l.* from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()`,
      );
      expect(locks.rows).toEqual([]);
      await client.end();
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('a migration waits while another process holds the migration lock', async () => {
    const database = await freshDatabase('postgres');
    if (database.dialect !== 'postgres') throw new Error('unreachable');
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    // Kysely's PostgresAdapter migration lock id (node_modules/kysely, postgres-adapter.js).
    await holder.query('select pg_advisory_lock(3853314791062309107)');
    const store = createDatabase(database);
    let done = false;
    const migrating = store.migrate().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 800));
    expect(done, 'migrated while another process held the lock').toBe(false);
    await holder.query('select pg_advisory_unlock(3853314791062309107)');
    await migrating;
    expect((await store.migrationStatus()).pending).toEqual([]);
    await holder.end();
    await store.close();
  });
});

describe.each(DIALECTS)('a database newer than the engine (%s)', (dialect) => {
  it.skipIf(skipPostgres(dialect))(
    'is refused with the database’s and the engine’s latest migration, before anything changes',
    async () => {
      const database = await freshDatabase(dialect);
      const store = createDatabase(database);
      const db = store.db as unknown as Kysely<unknown>;
      // An older schema plus a migration this engine does not know: the refusal must come before the
      // pending migrations run.
      await migrateTo(db, dialect, '0006_live_feed');
      await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values ('0099_from_a_newer_klaxon', '2030-01-01T00:00:00.000Z')`.execute(
        db,
      );
      const error = await store.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseNewerError);
      const message = (error as Error).message;
      expect(message).toContain('0099_from_a_newer_klaxon');
      expect(message).toContain(`this engine's latest is ${migrationNames(dialect).at(-1)}`);
      expect(message).toContain('upgrade this engine');
      expect(message).toContain('restore a backup');
      const status = await store.migrationStatus();
      expect(status.applied).not.toContain('0007_alert_integration');
      expect(status.pending[0]).toBe('0007_alert_integration');
      await store.close();

      await expect(startServer({ config: testConfig(), database, port: 0 })).rejects.toBeInstanceOf(
        DatabaseNewerError,
      );
    },
  );
});
