/** `klaxon serve`: runs the engine until SIGINT or SIGTERM; SIGHUP reloads the config file. */
import type { Command } from 'commander';
import {
  DatabaseNewerError,
  databaseOptionsFrom,
  loadConfigFile,
  startServer,
  UnsafeListenError,
} from '@klaxon/engine';
import { isWebBuilt, webRoot } from '@klaxon/web';
import { CliError } from '../output.ts';
import { parsePort } from './options.ts';

interface ServeOptions {
  config: string;
  port: number;
  host?: string;
  db: string;
  logLevel: string;
  watchConfig?: boolean;
}

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
    .option(
      '--watch-config',
      'reload the config file when it changes (its folder is watched, so a Kubernetes ConfigMap update is seen)',
    )
    .addHelpText(
      'after',
      '\nEnvironment:\n  DATABASE_URL=postgres://user:pass@host/db   use PostgreSQL instead of SQLite (required for several replicas)\n\nReload: SIGHUP, POST /-/reload (admin) or, with --watch-config, a change of the file reloads the config without dropping a request; an invalid file keeps the running config and logs each problem (file:line:col). The listen address, socket limits and database need a restart.\n\nIt refuses to listen beyond loopback while the config uses a public demo secret of examples/klaxon.yaml.',
    )
    .action(async (opts: ServeOptions) => {
      const config = loadConfigFile(opts.config);
      const database = databaseOptionsFrom(process.env, opts.db);
      const server = await startServer({
        config,
        database,
        port: opts.port,
        ...(opts.host !== undefined ? { host: opts.host } : {}),
        logger: { level: opts.logLevel },
        uiRoot: webRoot,
        configFile: opts.config,
        watchConfig: opts.watchConfig === true,
      }).catch((err: unknown) => {
        throw err instanceof UnsafeListenError || err instanceof DatabaseNewerError
          ? new CliError(err.message, 2)
          : err;
      });
      if (!isWebBuilt())
        server.app.log.warn(`the web UI is not built (${webRoot}): run \`npm run build:web\`, then restart`);
      const where = database.dialect === 'sqlite' ? `SQLite ${database.path}` : 'PostgreSQL';
      server.app.log.info(`klaxon engine listening on ${server.url} (${where})`);
      // SIGTERM (Kubernetes, systemd) or Ctrl-C: drain within server.shutdownTimeoutSeconds, exit 0; past
      // it, say what was abandoned and exit 1. A second signal exits at once.
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) {
          server.app.log.warn(`${signal} again: exiting now, without waiting for the shutdown`);
          process.exit(1);
        }
        stopping = true;
        server.app.log.info(`${signal}: shutting down (/readyz now answers 503)`);
        void server.shutdown().then((report) => {
          if (report.ok) {
            server.app.log.info(`shut down in ${report.elapsedMs} ms`);
            process.exit(0);
          }
          server.app.log.error(
            { abandoned: report.abandoned, failed: report.failed },
            `shutdown incomplete after ${report.elapsedMs} ms (server.shutdownTimeoutSeconds ${server.config.server.shutdownTimeoutSeconds}): abandoned ${report.abandoned.join(', ') || 'nothing'}${report.failed.length > 0 ? `; failed ${report.failed.join('; ')}` : ''}`,
          );
          process.exit(1);
        });
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      // The reload logs its outcome (each problem of an invalid file, with file:line:col).
      process.on('SIGHUP', () => {
        if (!stopping) void server.reload('signal');
      });
    });
}
