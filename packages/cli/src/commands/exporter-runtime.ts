/** What the exporter commands share: a JSON logger on stderr, the metrics server, and a clean stop. */
import { jsonLogger, startMetricsServer, type Logger, type MetricsServerOptions } from '@klaxon/exporters';
import { CliError } from '../output.ts';

export interface ServeOptions {
  port: number;
  host: string;
}

/** One JSON line per log entry on stderr, named after the exporter's scrape job. */
export function exporterLogger(job: string): Logger {
  return jsonLogger((line) => process.stderr.write(line), { name: job });
}

/**
 * Serves `registry` on `/metrics`, then runs until SIGINT or SIGTERM, when it calls `stop` and exits 0.
 */
export async function serveUntilSignal(
  job: string,
  registry: MetricsServerOptions['registry'],
  opts: ServeOptions,
  logger: Logger,
  stop: () => Promise<void> | void,
): Promise<void> {
  const server = await startMetricsServer({ registry, port: opts.port, host: opts.host }).catch(
    (err: unknown) => {
      throw new CliError(
        `cannot listen on ${opts.host}:${opts.port} (${err instanceof Error ? err.message : String(err)}); choose another --port or --host`,
      );
    },
  );
  logger.info(
    { url: `${server.url}/metrics`, port: server.port },
    `${job} listening on ${server.url}/metrics`,
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, `${signal}: shutting down`);
    void Promise.resolve(stop())
      .then(() => server.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** The region from the flag or the environment, or an error that says how to give one. */
export function regionFrom(flag: string | undefined, fallback?: string): string {
  const region = flag ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? fallback;
  if (!region) {
    throw new CliError('--region is required: pass e.g. --region us-east-1, or set AWS_REGION.', 2);
  }
  return region;
}
