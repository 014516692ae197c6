/**
 * `klaxon migrate`: brings the database's schema up to date (what `klaxon serve` does at start), or with
 * --dry-run lists the pending migrations and changes nothing. For upgrades run as a separate step (a
 * Kubernetes Job before the Deployment rolls, or by hand before restarting the replicas).
 */
import type { Command } from 'commander';
import {
  createDatabase,
  DatabaseNewerError,
  databaseOptionsFrom,
  readMigrationStatus,
  type DatabaseOptions,
  type MigrationStatus,
} from '@klaxon/engine';
import { CliError, printJson } from '../output.ts';

export const DB_ENV_HELP =
  '\nEnvironment:\n  DATABASE_URL=postgres://user:pass@host/db   use PostgreSQL instead of the SQLite file (--db is then ignored)';

export function describeDatabase(database: DatabaseOptions): string {
  if (database.dialect === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'Apply the pending database migrations (klaxon serve also does at start), or list them with --dry-run.',
    )
    .option(
      '--db <path>',
      'SQLite database file (ignored when DATABASE_URL=postgres://… is set)',
      './data/klaxon.db',
    )
    .option('--dry-run', 'list the pending migrations; change nothing (a missing SQLite file is not created)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${DB_ENV_HELP}\n\nOn PostgreSQL, replicas and this command take one lock, so the migrations run once. It refuses a database\nthat a newer Klaxon has migrated (exit 2): upgrade this Klaxon, or restore a backup taken before.`,
    )
    .action(async (opts: { db: string; dryRun?: boolean; json?: boolean }) => {
      const database = databaseOptionsFrom(process.env, opts.db);
      const where = describeDatabase(database);
      if (opts.dryRun) {
        const status = await readMigrationStatus(database);
        if (status.unknown.length > 0)
          throw new CliError(`${where}: ${new DatabaseNewerError(status).message}`, 2);
        if (opts.json) printJson({ database: where, dryRun: true, ...status });
        else if (status.pending.length === 0)
          process.stdout.write(`${where}: up to date at ${status.databaseLatest}; nothing to apply\n`);
        else
          process.stdout.write(
            `${where}: ${status.pending.length} pending migration${status.pending.length > 1 ? 's' : ''} (dry run: nothing applied)${status.exists ? '' : '; the database does not exist yet'}\n${status.pending.map((m) => `  ${m}\n`).join('')}`,
          );
        return;
      }
      const store = createDatabase(database);
      let before: MigrationStatus;
      let after: MigrationStatus;
      try {
        before = await store.migrationStatus();
        await store.migrate();
        after = await store.migrationStatus();
      } catch (err) {
        throw err instanceof DatabaseNewerError ? new CliError(`${where}: ${err.message}`, 2) : err;
      } finally {
        await store.close();
      }
      const ran = after.applied.filter((m) => !before.applied.includes(m));
      if (opts.json) printJson({ database: where, dryRun: false, ...after, ran });
      else if (ran.length === 0) process.stdout.write(`${where}: up to date at ${after.databaseLatest}\n`);
      else
        process.stdout.write(
          `${where}: applied ${ran.length} migration${ran.length > 1 ? 's' : ''}, now at ${after.databaseLatest}\n${ran.map((m) => `  ${m}\n`).join('')}`,
        );
    });
}
