/** `klaxon serve`: runs the engine until SIGINT or SIGTERM. */
import type { Command } from 'commander';
import { databaseOptionsFrom, loadConfigFile, startServer, UnsafeListenError } from '@klaxon/engine';
import { isWebBuilt, webRoot } from '@klaxon/web';
import { CliError } from '../output.ts';
import { parsePort } from './options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the engine: ingest, incidents, API and background modules.')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option('-p, --port <port>', 'HTTP port', parsePort, 8080)
    .option(
      '--host <host>',
      'address to listen on (default: server.host from the config, else 127.0.0.1; 0.0.0.0 in a container or on Kubernetes)',
    )
    .option(
      '--db <path>',
      'SQLite database file (ignored when DATABASE_URL=postgres://… is set)',
      './data/klaxon.db',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace', 'info')
    .addHelpText(
      'after',
      '\nEnvironment:\n  DATABASE_URL=postgres://user:pass@host/db   use PostgreSQL instead of SQLite (required for several replicas)\n\nIt refuses to listen beyond loopback while the config uses a public demo secret of examples/klaxon.yaml.',
    )
    .action(async (opts: { config: string; port: number; host?: string; db: string; logLevel: string }) => {
      const config = loadConfigFile(opts.config);
      const database = databaseOptionsFrom(process.env, opts.db);
      const server = await startServer({
        config,
        database,
        port: opts.port,
        ...(opts.host !== undefined ? { host: opts.host } : {}),
        logger: { level: opts.logLevel },
        uiRoot: webRoot,
      }).catch((err: unknown) => {
        throw err instanceof UnsafeListenError ? new CliError(err.message, 2) : err;
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
