/**
 * What the exporter commands share: a JSON logger on stderr, who may scrape (`--web.config.file`,
 * `--metrics-token-file`, `KLAXON_METRICS_TOKEN`, loopback-only without any), the metrics server, and a
 * clean stop.
 */
import type { Command } from 'commander';
import {
  checkToken,
  ConfigFileError,
  createMetricsAuth,
  httpsOptions,
  jsonLogger,
  loadWebConfig,
  readTokenFile,
  startMetricsServer,
  type Logger,
  type MetricsAuthOptions,
  type MetricsServerOptions,
} from '@klaxon/exporters';
import { isLoopbackHost } from '@klaxon/engine';
import { CliError } from '../output.ts';

/** The environment variable that may hold the scrape token itself (a file is preferred). */
export const METRICS_TOKEN_ENV = 'KLAXON_METRICS_TOKEN';

export interface ServeOptions {
  port: number;
  /** Default: 0.0.0.0 when a credential is configured (or the opt-out given), else 127.0.0.1. */
  host?: string;
  'web.config.file'?: string;
  metricsTokenFile?: string;
  allowUnauthenticatedMetrics?: boolean;
}

/** Adds `--host` and the scrape credential flags every exporter command takes. */
export function addMetricsAccessOptions(command: Command): Command {
  return command
    .option(
      '--host <host>',
      'address to listen on (default: 0.0.0.0 with a scrape credential, else 127.0.0.1)',
    )
    .option(
      '--web.config.file <path>',
      "Prometheus's web configuration file (TLS, client certificates, basic_auth_users); the same file works for Prometheus",
    )
    .option(
      '--metrics-token-file <path>',
      `file holding the bearer token scrapes must send (default: $${METRICS_TOKEN_ENV}, the token itself)`,
    )
    .option(
      '--allow-unauthenticated-metrics',
      'serve /metrics without a credential on a non-loopback --host (only behind a NetworkPolicy or proxy that guards it)',
    );
}

/** Who may scrape and where to listen, settled before an exporter starts. */
export interface MetricsAccess {
  auth: MetricsAuthOptions;
  host: string;
}

/**
 * Reads the scrape credentials and picks the listen address (listenHost); every error names the file or
 * flag and the fix, and none shows a secret. Call it first, so bad flags fail before anything starts.
 */
export function metricsAccess(opts: ServeOptions, env: NodeJS.ProcessEnv = process.env): MetricsAccess {
  const auth = metricsAuthFrom(opts, env);
  return { auth, host: listenHost(opts, auth) };
}

/** The scrape credentials the flags and the environment configure; errors name the file and the fix. */
export function metricsAuthFrom(opts: ServeOptions, env: NodeJS.ProcessEnv): MetricsAuthOptions {
  const tokens: string[] = [];
  try {
    if (opts.metricsTokenFile) tokens.push(readTokenFile(opts.metricsTokenFile));
    const fromEnv = env[METRICS_TOKEN_ENV]?.trim();
    if (fromEnv) tokens.push(checkToken(fromEnv, `$${METRICS_TOKEN_ENV}`));
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const file = opts['web.config.file'];
  if (!file) return { tokens };
  let web;
  try {
    web = loadWebConfig(file);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    throw new CliError(`--web.config.file ${file} is invalid:\n  ${err.message.split('\n').join('\n  ')}`, 2);
  }
  // The certificate and key are read now, so a wrong path fails before the exporter starts.
  if (web.tls_server_config) {
    try {
      httpsOptions(web.tls_server_config);
    } catch (err) {
      throw new CliError(`--web.config.file ${file}: ${(err as Error).message}`, 2);
    }
  }
  return { tokens, web };
}

/**
 * Where to listen: an explicit --host, else everywhere when /metrics needs a credential (or the opt-out is
 * given), else loopback. A non-loopback host without a credential is refused with the ways out.
 */
export function listenHost(opts: ServeOptions, auth: MetricsAuthOptions): string {
  const guarded = createMetricsAuth(auth).required;
  const host = opts.host ?? (guarded || opts.allowUnauthenticatedMetrics ? '0.0.0.0' : '127.0.0.1');
  if (!guarded && !opts.allowUnauthenticatedMetrics && !isLoopbackHost(host))
    throw new CliError(
      `--host ${host} would serve /metrics to anyone who can reach it: give scrapes a credential with --metrics-token-file <file> (or $${METRICS_TOKEN_ENV}), or --web.config.file <web.yml> with basic_auth_users or client certificates; or pass --allow-unauthenticated-metrics when a NetworkPolicy or proxy already guards the port.`,
      2,
    );
  return host;
}

/** What guards /metrics, for the start-up log line: kinds only, never a secret. */
function guards(auth: MetricsAuthOptions): string[] {
  const tls = auth.web?.tls_server_config;
  return [
    ...(auth.tokens?.length ? ['bearer'] : []),
    ...(Object.keys(auth.web?.basic_auth_users ?? {}).length > 0 ? ['basic'] : []),
    ...(tls ? ['tls'] : []),
    ...(tls && tls.client_auth_type !== 'NoClientCert' ? [`client-cert:${tls.client_auth_type}`] : []),
  ];
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
  { auth, host }: MetricsAccess,
  logger: Logger,
  stop: () => Promise<void> | void,
): Promise<void> {
  const server = await startMetricsServer({ registry, port: opts.port, host, auth }).catch((err: unknown) => {
    throw new CliError(
      `cannot serve /metrics on ${host}:${opts.port} (${err instanceof Error ? err.message : String(err)}); choose another --port or --host, or fix --web.config.file`,
    );
  });
  logger.info(
    { url: `${server.url}/metrics`, port: server.port, auth: guards(auth) },
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
