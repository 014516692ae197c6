/** `klaxon exporter cost` and `klaxon exporter redshift`: Klaxon's own exporters, each serving /metrics. */
import { Option, type Command } from 'commander';
import {
  ANOMALY_WINDOW_DEFAULTS,
  COST_REFRESH_DEFAULT_MS,
  CostExporter,
  createCostClients,
  createRedshiftPool,
  REDSHIFT_DEFAULTS,
  REDSHIFT_SOURCES,
  RedshiftExporter,
  type RedshiftSource,
} from '@klaxon/exporters';
import { CliError } from '../output.ts';
import {
  addMetricsAccessOptions,
  exporterLogger,
  metricsAccess,
  regionFrom,
  serveUntilSignal,
  type ServeOptions,
} from './exporter-runtime.ts';
import { durationOption, formatDuration, parseCount, parseHttpUrl, parsePort } from './options.ts';

export const COST_EXPORTER_PORT = 9471;
export const REDSHIFT_EXPORTER_PORT = 9472;

interface CostOpts extends ServeOptions {
  refresh: number;
  region?: string;
  endpoint?: string;
  accountId?: string;
  budgets: boolean;
  anomalyLookback: number;
  anomalyOpen: number;
}

interface RedshiftOpts extends ServeOptions {
  databaseUrl?: string;
  cluster?: string;
  source: RedshiftSource;
  floor: number;
  interval: number;
  maxQueries: number;
}

export function registerExporters(program: Command): void {
  const exporter = program.command('exporter').description("Klaxon's own Prometheus exporters.");
  registerCost(exporter);
  registerRedshift(exporter);
}

function registerCost(exporter: Command): void {
  const cost = exporter
    .command('cost')
    .description(
      'Export AWS cost (Cost Explorer, daily by service), budget utilisation and forecast (Budgets) and open cost anomalies (Cost Anomaly Detection). Values are cached: scrapes never call AWS.',
    )
    .addOption(
      durationOption(
        '--refresh <duration>',
        'time between refreshes from AWS (each costs money)',
        COST_REFRESH_DEFAULT_MS,
      ),
    )
    .option('--region <region>', 'region of the Cost Explorer and Budgets endpoints', 'us-east-1')
    .option('--endpoint <url>', 'endpoint override for both APIs, e.g. a local fake', parseHttpUrl)
    .option('--account-id <id>', 'the AWS account id, which DescribeBudgets needs (default: $AWS_ACCOUNT_ID)')
    .option('--no-budgets', 'do not read AWS Budgets (no aws_budget_* metrics)')
    .option(
      '--anomaly-lookback <days>',
      'ask GetAnomalies for this many days back',
      parseCount,
      ANOMALY_WINDOW_DEFAULTS.lookbackDays,
    )
    .option(
      '--anomaly-open <days>',
      'an anomaly last detected longer ago than this is over',
      parseCount,
      ANOMALY_WINDOW_DEFAULTS.openDays,
    )
    .option('-p, --port <port>', 'port for /metrics', parsePort, COST_EXPORTER_PORT);
  addMetricsAccessOptions(cost)
    .addHelpText(
      'after',
      `
Scrapes: with --metrics-token-file (or $KLAXON_METRICS_TOKEN) /metrics needs Authorization: Bearer <token>;
--web.config.file takes Prometheus's web.yml (TLS, client certificates, basic_auth_users). Without any
credential the exporter listens on 127.0.0.1 only. /healthz is always open.

Durations: 30s, 5m, 1h (a bare number is seconds); --refresh defaults to 1h and must be at least 1m.
IAM: ce:GetCostAndUsage, ce:GetAnomalies, budgets:ViewBudget. Cost Explorer bills $0.01 per request.

Example:
  klaxon exporter cost --account-id 123456789012 --metrics-token-file /var/run/secrets/klaxon-metrics/token`,
    )
    .action(async (opts: CostOpts) => {
      if (opts.refresh < 60_000) {
        throw new CliError(
          `--refresh ${formatDuration(opts.refresh)} is too short: Cost Explorer bills every request and its data changes a few times a day; use at least 1m (default 1h).`,
          2,
        );
      }
      const accountId = opts.accountId ?? process.env.AWS_ACCOUNT_ID;
      if (opts.budgets && !accountId) {
        throw new CliError(
          '--account-id is required to read AWS Budgets (DescribeBudgets needs it): pass --account-id 123456789012 or set AWS_ACCOUNT_ID, or pass --no-budgets.',
          2,
        );
      }
      if (opts.budgets && accountId && !/^\d{12}$/.test(accountId)) {
        throw new CliError(
          `--account-id "${accountId}" is not an AWS account id; use the 12 digits, e.g. 123456789012.`,
          2,
        );
      }
      const region = regionFrom(opts.region);
      const access = metricsAccess(opts);
      const logger = exporterLogger('klaxon-cost-exporter');
      const clients = createCostClients({ region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
      const cost = new CostExporter({
        costExplorer: clients.costExplorer,
        ...(opts.budgets && accountId ? { budgets: { client: clients.budgets, accountId } } : {}),
        refreshIntervalMs: opts.refresh,
        anomalyWindow: { lookbackDays: opts.anomalyLookback, openDays: opts.anomalyOpen },
        logger,
      });
      await serveUntilSignal('klaxon-cost-exporter', cost.registry, opts, access, logger, () => cost.stop());
      logger.info({ region, refreshMs: opts.refresh, budgets: opts.budgets }, 'refreshing AWS cost data');
      cost.start();
    });
}

function registerRedshift(exporter: Command): void {
  const redshift = exporter
    .command('redshift')
    .description(
      'Export redshift_running_query_seconds for queries running past a floor, and redshift_running_query_info with the start of their text, from the system tables over the PostgreSQL protocol.',
    )
    .option(
      '--database-url <url>',
      'postgres://user:password@host:5439/db?sslmode=require (default: $REDSHIFT_DATABASE_URL)',
    )
    .option('--cluster <name>', 'the cluster label (default: the first label of the database host name)')
    .addOption(
      new Option('--source <table>', 'system table to read')
        .choices(REDSHIFT_SOURCES)
        .default(REDSHIFT_DEFAULTS.source),
    )
    .addOption(
      durationOption(
        '--floor <duration>',
        'export only queries running at least this long',
        REDSHIFT_DEFAULTS.floorSeconds * 1000,
      ),
    )
    .addOption(
      durationOption(
        '--interval <duration>',
        'time between reads of the system table',
        REDSHIFT_DEFAULTS.intervalMs,
      ),
    )
    .option(
      '--max-queries <n>',
      'export at most this many queries (the longest)',
      parseCount,
      REDSHIFT_DEFAULTS.maxQueries,
    )
    .option('-p, --port <port>', 'port for /metrics', parsePort, REDSHIFT_EXPORTER_PORT);
  addMetricsAccessOptions(redshift)
    .addHelpText(
      'after',
      `
Scrapes: with --metrics-token-file (or $KLAXON_METRICS_TOKEN) /metrics needs Authorization: Bearer <token>;
--web.config.file takes Prometheus's web.yml (TLS, client certificates, basic_auth_users). Without any
credential the exporter listens on 127.0.0.1 only. /healthz is always open.

Durations: 30s, 5m, 1h (a bare number is seconds); --floor defaults to 60s, --interval to 30s.
The database user must see every user's queries: GRANT ROLE sys:monitor TO <user>, or
ALTER USER <user> SYSLOG ACCESS UNRESTRICTED. Prefer $REDSHIFT_DATABASE_URL to keep the password
out of the process list.

Example:
  REDSHIFT_DATABASE_URL=postgres://monitor:…@analytics-prod.abc123.eu-west-1.redshift.amazonaws.com:5439/dev?sslmode=require \\
    klaxon exporter redshift --floor 60s --metrics-token-file /var/run/secrets/klaxon-metrics/token`,
    )
    .action(async (opts: RedshiftOpts) => {
      const url = opts.databaseUrl ?? process.env.REDSHIFT_DATABASE_URL;
      if (!url) {
        throw new CliError(
          '--database-url is required: pass --database-url postgres://user:password@host:5439/db?sslmode=require, or set REDSHIFT_DATABASE_URL.',
          2,
        );
      }
      const cluster = opts.cluster ?? clusterFromUrl(url);
      const access = metricsAccess(opts);
      const logger = exporterLogger('klaxon-redshift-exporter');
      const db = createRedshiftPool(url, { logger });
      const redshift = new RedshiftExporter({
        db,
        cluster,
        source: opts.source,
        floorSeconds: opts.floor / 1000,
        intervalMs: opts.interval,
        maxQueries: opts.maxQueries,
        logger,
      });
      await serveUntilSignal(
        'klaxon-redshift-exporter',
        redshift.registry,
        opts,
        access,
        logger,
        async () => {
          redshift.stop();
          await redshift.idle();
          await db.end();
        },
      );
      logger.info({ cluster, source: opts.source, floorMs: opts.floor }, 'watching running Redshift queries');
      redshift.start();
    });
}

/** `analytics-prod` from `postgres://…@analytics-prod.abc123.eu-west-1.redshift.amazonaws.com:5439/dev`. */
export function clusterFromUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(
      '--database-url is not a URL; use postgres://user:password@host:5439/db?sslmode=require.',
      2,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new CliError(`--database-url must start with postgres:// (got ${parsed.protocol}//).`, 2);
  }
  const host = parsed.hostname;
  const first = host.split('.')[0] ?? '';
  if (!host || /^[\d.]+$/.test(host) || host.startsWith('[') || !host.includes('.') || first === '') {
    throw new CliError(
      `--cluster is required: the database host "${host}" does not name the cluster; pass e.g. --cluster analytics-prod.`,
      2,
    );
  }
  return first;
}
