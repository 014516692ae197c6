/**
 * Schema migrations, one list for both dialects. The only dialect difference is how an
 * auto-incrementing id is spelled, which `idColumn` hides.
 */
import { sql, type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Dialect } from './database.ts';

type AnyDb = Kysely<unknown>;

function migrations(dialect: Dialect): Record<string, Migration> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const id = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_incidents_alerts_events': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('incidents')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('group_ref', 'text', (c) => c.notNull())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .addColumn('acknowledged_at', ms)
          .addColumn('acknowledged_by', 'text')
          .addColumn('resolved_at', ms)
          .addColumn('resolved_by', 'text')
          .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // At most one open incident per alert group; concurrent writers collide here, never silently.
        await db.schema
          .createIndex('incidents_open_group')
          .on('incidents')
          .column('group_ref')
          .unique()
          .where(sql.ref('state'), '<>', 'resolved')
          .execute();
        await db.schema
          .createIndex('incidents_group_recent')
          .on('incidents')
          .columns(['group_ref', 'id'])
          .execute();
        await db.schema
          .createIndex('incidents_state_tier')
          .on('incidents')
          .columns(['state', 'tier', 'id'])
          .execute();
        await db.schema
          .createIndex('incidents_service')
          .on('incidents')
          .columns(['service_id', 'id'])
          .execute();

        await db.schema
          .createTable('alerts')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('alert_key', 'text', (c) => c.notNull().unique())
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('dedup_key', 'text', (c) => c.notNull())
          .addColumn('incident_id', ms)
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('annotations', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('generator_url', 'text')
          .addColumn('starts_at', ms)
          .addColumn('ends_at', ms)
          .addColumn('first_seen_at', ms, (c) => c.notNull())
          .addColumn('last_seen_at', ms, (c) => c.notNull())
          .addColumn('fire_count', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('alerts_incident')
          .on('alerts')
          .columns(['incident_id', 'status'])
          .execute();

        await db.schema
          .createTable('incident_events')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('incident_id', ms, (c) => c.notNull())
          .addColumn('at', ms, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('incident_events_incident')
          .on('incident_events')
          .columns(['incident_id', 'id'])
          .execute();
      },
    },
  };
}

/** Brings the schema up to date. Safe to call from several processes at once on PostgreSQL. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations(dialect)) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
}
