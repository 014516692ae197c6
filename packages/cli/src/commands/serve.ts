/** `klaxon serve`: runs the engine until SIGINT or SIGTERM. */
import type { Command } from 'commander';
import { databaseOptionsFrom, loadConfigFile, startServer } from '@klaxon/engine';
import { isWebBuilt, webRoot } from '@klaxon/web';
import { parsePort } from './options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the engine: ingest, incidents, API and background modules.')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option('-p, --port <port>', 'HTTP port', parsePort, 8080)
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option(
      '--db <path>',
      'SQLite database file (ignored when DATABASE_URL=postgres://… is set)',
      './data/klaxon.db',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .addHelpText(
      'after',
      '\nEnvironment:\n  DATABASE_URL=postgres://user:pass@host/db   use PostgreSQL instead of SQLite (required for several replicas)',
    )
    .action(async (opts: { config: string; port: number; host: string; db: string; logLevel: string }) => {
      const config = loadConfigFile(opts.config);
      const database = databaseOptionsFrom(process.env, opts.db);
      const server = await startServer({
        config,
        database,
        port: opts.port,
        host: opts.host,
        logger: { level: opts.logLevel },
        uiRoot: webRoot,
      });
      if (!isWebBuilt())
        server.app.log.warn(`the web UI is not built (${webRoot}): run \`npm run build:web\`, then restart`);
      const where = database.dialect === 'sqlite' ? `SQLite ${database.path}` : 'PostgreSQL';
      server.app.log.info(`klaxon engine listening on ${server.url} (${where})`);
      const shutdown = (signal: string) => {
        server.app.log.info(`${signal}: shutting down`);
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
