/**
 * @klaxon/exporters: Klaxon's own exporters for signals no off-the-shelf exporter provides: the Bedrock
 * model prober, the AWS cost exporter and the Redshift long-running query exporter. Each owns one
 * prom-client `Registry`; `startMetricsServer` serves it, behind a scrape token, basic auth or HTTPS from
 * Prometheus's web configuration file when asked (metrics-auth.ts). See docs/exporters.md.
 */
export {
  BedrockProber,
  BEDROCK_PROBE_DEFAULTS,
  createBedrockClient,
  type BedrockProberOptions,
  type ConverseClient,
  type ProbeResult,
} from './prober/bedrock.ts';
export {
  CostExporter,
  COST_REFRESH_DEFAULT_MS,
  createCostClients,
  type CostExporterOptions,
  type CostSource,
  type RefreshOutcome,
} from './cost/exporter.ts';
export { ANOMALY_WINDOW_DEFAULTS, type AnomalyWindow, type OpenAnomaly } from './cost/anomalies.ts';
export type { BudgetRatio } from './cost/budgets.ts';
export type { ServiceCost } from './cost/daily-cost.ts';
export {
  createRedshiftPool,
  RedshiftExporter,
  REDSHIFT_DEFAULTS,
  type RedshiftExporterOptions,
} from './redshift/exporter.ts';
export {
  REDSHIFT_SOURCES,
  RUNNING_QUERIES_SQL,
  type RedshiftSource,
  type RunningQuery,
  type SqlClient,
} from './redshift/running-queries.ts';
export { QUERY_TEXT_LENGTH, sanitizeQueryText } from './redshift/query-text.ts';
export type { AwsClientOptions } from './shared/aws.ts';
export { jsonLogger, MemoryLogger, silentLogger, type LogFields, type Logger } from './shared/logger.ts';
export { REFRESH_ERRORS, REFRESH_TIMESTAMP } from './shared/refresh.ts';
export {
  checkToken,
  createMetricsAuth,
  MIN_TOKEN_LENGTH,
  readTokenFile,
  type MetricsAuth,
  type MetricsAuthOptions,
} from './shared/metrics-auth.ts';
// The web configuration file's reader, for the commands that take --web.config.file.
export { ConfigFileError, httpsOptions, loadWebConfig, type WebConfig } from '@klaxon/config-file';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './shared/server.ts';
export {
  every,
  ManualTime,
  systemTime,
  type Clock,
  type ScheduledTask,
  type Scheduler,
  type Time,
} from './shared/time.ts';
