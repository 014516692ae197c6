/**
 * `klaxon backup` and `klaxon restore`: a consistent copy of the SQLite database while the engine serves
 * (SQLite's online backup), and putting one back. On PostgreSQL both say which PostgreSQL tool to use.
 */
import type { Command } from 'commander';
import {
  backupSqlite,
  DatabaseFileError,
  DatabaseNewerError,
  databaseOptionsFrom,
  restoreSqlite,
  type BackupProgress,
} from '@klaxon/engine';
import { CliError, printJson } from '../output.ts';
import { DB_ENV_HELP } from './migrate.ts';

const PG_BACKUP = `DATABASE_URL points at PostgreSQL: back it up with PostgreSQL's own tools, which copy it consistently while the engines serve:
  pg_dump --format=custom --file=klaxon.dump "$DATABASE_URL"        (a logical copy; restore with pg_restore)
  or base backups with WAL archiving (pg_basebackup, or your provider's snapshots) for point-in-time recovery.
klaxon backup copies the SQLite file: unset DATABASE_URL to use it.`;

const PG_RESTORE = `DATABASE_URL points at PostgreSQL: stop the engines, then restore with PostgreSQL's own tools:
  pg_restore --clean --if-exists --dbname="$DATABASE_URL" klaxon.dump
  or point-in-time recovery from your base backups and WAL archive.
klaxon restore writes a SQLite file: unset DATABASE_URL to use it.`;

function asCliError(err: unknown): unknown {
  if (err instanceof DatabaseNewerError) return new CliError(err.message, 2);
  if (err instanceof DatabaseFileError) return new CliError(err.message, 1);
  return err;
}

/** `42% (1,234 of 2,941 pages)` on one line of a terminal; nothing when stderr is not one. */
function progressLine(json: boolean | undefined): ((p: BackupProgress) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return (p) => {
    const done = p.totalPages - p.remainingPages;
    const pct = p.totalPages === 0 ? 100 : Math.floor((done / p.totalPages) * 100);
    process.stderr.write(
      `\rcopying: ${pct}% (${done.toLocaleString('en')} of ${p.totalPages.toLocaleString('en')} pages)`,
    );
    if (p.remainingPages === 0) process.stderr.write('\n');
  };
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      "Copy the SQLite database to a file while the engine serves (SQLite's online backup: one consistent moment).",
    )
    .requiredOption('-o, --out <file>', 'the backup file to write')
    .option('--db <path>', 'SQLite database file (the one `klaxon serve --db` uses)', './data/klaxon.db')
    .option('--force', 'replace --out if it exists')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${DB_ENV_HELP}\n\nThe file is written next to --out and renamed into place when complete and checked. On PostgreSQL use\npg_dump or base backups with WAL archiving (point-in-time recovery); this command says so and exits 2.`,
    )
    .action(async (opts: { out: string; db: string; force?: boolean; json?: boolean }) => {
      if (databaseOptionsFrom(process.env, opts.db).dialect === 'postgres') throw new CliError(PG_BACKUP, 2);
      const result = await backupSqlite({
        from: opts.db,
        to: opts.out,
        force: opts.force,
        onProgress: progressLine(opts.json),
      }).catch((err: unknown) => {
        throw asCliError(err);
      });
      if (opts.json) printJson({ ...result, from: opts.db });
      else
        process.stdout.write(
          `backed up ${opts.db} to ${result.path}: ${result.bytes.toLocaleString('en')} bytes, ${result.pages.toLocaleString('en')} pages, at migration ${result.status.databaseLatest}, in ${result.elapsedMs} ms\n`,
        );
    });

  program
    .command('restore')
    .description(
      'Replace the SQLite database with a backup that `klaxon backup` wrote (stop the engine first).',
    )
    .requiredOption('-f, --from <file>', 'the backup file')
    .option(
      '--db <path>',
      'SQLite database file to write (the one `klaxon serve --db` uses)',
      './data/klaxon.db',
    )
    .option('--force', 'replace an existing database (it must not be open in a running engine)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${DB_ENV_HELP}\n\nThe backup must be a Klaxon database that passes SQLite's integrity check and is not newer than this\nKlaxon. The new file is written next to --db and renamed over it; the old -wal and -shm files are removed.\nStart the engine afterwards: it migrates the restored database if it is older, and resumes its escalations.`,
    )
    .action(async (opts: { from: string; db: string; force?: boolean; json?: boolean }) => {
      if (databaseOptionsFrom(process.env, opts.db).dialect === 'postgres') throw new CliError(PG_RESTORE, 2);
      const result = await restoreSqlite({ from: opts.from, to: opts.db, force: opts.force }).catch(
        (err: unknown) => {
          throw asCliError(err);
        },
      );
      if (opts.json) printJson({ ...result, from: opts.from });
      else
        process.stdout.write(
          `restored ${opts.from} to ${result.path}${result.replaced ? ' (replacing the database there)' : ''}: ${result.bytes.toLocaleString('en')} bytes, at migration ${result.status.databaseLatest}${result.status.pending.length > 0 ? `; ${result.status.pending.length} migration(s) will run when the engine starts` : ''}\n`,
        );
    });
}
