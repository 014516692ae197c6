/**
 * The schema's version, as migrations: which ones this engine knows, which ones a database has run,
 * which are pending, and the refusal to run against a database that a newer engine has migrated (its
 * schema may have changed under this engine's queries in ways this engine cannot know).
 */
import type { Kysely } from 'kysely';
import type { Dialect } from './database.ts';
import { migrationNames } from './migrations.ts';

/** The table Kysely's Migrator records each migration it ran in. */
export const MIGRATION_TABLE = 'kysely_migration';

export interface MigrationStatus {
  /** Migrations the database has run, in order. */
  applied: string[];
  /** Migrations this engine knows and the database has not run, in the order they would run. */
  pending: string[];
  /** Migrations the database has run that this engine does not know: a newer engine ran them. */
  unknown: string[];
  /** The database's latest migration; null for an empty database. */
  databaseLatest: string | null;
  /** This engine's latest migration. */
  engineLatest: string;
}

/** Thrown when the database was migrated by a newer engine than this one. */
export class DatabaseNewerError extends Error {
  constructor(readonly status: MigrationStatus) {
    super(
      `the database is newer than this engine: it has run migration${status.unknown.length > 1 ? 's' : ''} ${status.unknown.join(', ')}, which this engine does not know. The database's latest migration is ${status.databaseLatest ?? '(none)'}; this engine's latest is ${status.engineLatest}. Run the newer Klaxon that migrated it (upgrade this engine), or restore a backup taken before that upgrade (klaxon restore; pg_restore or point-in-time recovery on PostgreSQL).`,
    );
    this.name = 'DatabaseNewerError';
  }
}

/**
 * Compares the migrations a database has run with the ones this engine knows.
 *
 * @example
 * statusOf(['0001_incidents_alerts_events'], 'sqlite').pending; // ['0002_oncall_escalation', …]
 */
export function statusOf(applied: readonly string[], dialect: Dialect): MigrationStatus {
  const known = migrationNames(dialect);
  const ran = new Set(applied);
  const sorted = [...applied].sort();
  return {
    applied: sorted,
    pending: known.filter((name) => !ran.has(name)),
    unknown: sorted.filter((name) => !known.includes(name)),
    databaseLatest: sorted.at(-1) ?? null,
    engineLatest: known.at(-1)!,
  };
}

/** Throws DatabaseNewerError when `status` shows migrations this engine does not know. */
export function assertNotNewer(status: MigrationStatus): void {
  if (status.unknown.length > 0) throw new DatabaseNewerError(status);
}

/** The migrations `db` has run (none when it has no migration table); reads only. */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const rows = await (db as Kysely<Record<typeof MIGRATION_TABLE, { name: string }>>)
    .selectFrom(MIGRATION_TABLE)
    .select('name')
    .execute();
  return rows.map((r) => r.name);
}
