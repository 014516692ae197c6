/**
 * The Redshift long-running query exporter. On its own schedule it reads the queries running past a
 * floor and replaces two gauge families with them, so finished queries disappear and the series stay
 * bounded: `redshift_running_query_seconds{cluster,query_id,user_name,database}` and
 * `redshift_running_query_info{cluster,query_id,pid,query_text} 1`, which carries the start of the text
 * for alert bodies.
 */
import pg from 'pg';
import { Gauge, Registry } from 'prom-client';
import { defined } from '../shared/defined.ts';
import { errorFields, silentLogger, type Logger } from '../shared/logger.ts';
import { RefreshStatus, SingleFlight } from '../shared/refresh.ts';
import { every, systemTime, type Time } from '../shared/time.ts';
import { QUERY_TEXT_LENGTH, sanitizeQueryText } from './query-text.ts';
import {
  readRunningQueries,
  type RedshiftSource,
  type RunningQuery,
  type SqlClient,
} from './running-queries.ts';

export interface RedshiftExporterOptions {
  db: SqlClient;
  /** The `cluster` label, e.g. the cluster identifier `analytics-prod`. */
  cluster: string;
  /** Default `sys_query_history`. */
  source?: RedshiftSource;
  /** Queries running for less than this are not exported. Default 60. */
  floorSeconds?: number;
  /** At most this many queries (the longest) are exported. Default 200. */
  maxQueries?: number;
  /** Default 30 000. */
  intervalMs?: number;
  /** Characters of query text in the info metric. Default 80. */
  queryTextLength?: number;
  registry?: Registry;
  time?: Time;
  logger?: Logger;
}

type Settings = Required<Omit<RedshiftExporterOptions, 'registry'>>;

export const REDSHIFT_DEFAULTS = {
  source: 'sys_query_history' as RedshiftSource,
  floorSeconds: 60,
  maxQueries: 200,
  intervalMs: 30_000,
  queryTextLength: QUERY_TEXT_LENGTH,
};

/**
 * A one-connection pool for the exporter: it never holds more than one query open, and a query that
 * hangs is abandoned after `queryTimeoutMs`.
 *
 * @example
 * const db = createRedshiftPool('postgres://monitor:…@analytics-prod.abc.eu-west-1.redshift.amazonaws.com:5439/dev?sslmode=require');
 */
export function createRedshiftPool(
  connectionString: string,
  opts: { queryTimeoutMs?: number; logger?: Logger } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 1,
    application_name: 'klaxon-redshift-exporter',
    query_timeout: opts.queryTimeoutMs ?? 20_000,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 60_000,
  });
  // An idle connection the server closes must not crash the process; the next query reconnects.
  pool.on('error', (err) => (opts.logger ?? silentLogger).warn(errorFields(err), 'redshift connection lost'));
  return pool;
}

/**
 * @example
 * const exporter = new RedshiftExporter({ db: createRedshiftPool(url), cluster: 'analytics-prod' });
 * exporter.start();
 * await startMetricsServer({ registry: exporter.registry, port: 9472 });
 */
export class RedshiftExporter {
  readonly registry: Registry;
  readonly #o: Settings;
  readonly #status: RefreshStatus;
  readonly #flight = new SingleFlight();
  readonly #seconds: Gauge<'cluster' | 'query_id' | 'user_name' | 'database'>;
  readonly #info: Gauge<'cluster' | 'query_id' | 'pid' | 'query_text'>;
  #loop: { stop(): void } | undefined;

  constructor(opts: RedshiftExporterOptions) {
    this.#o = { ...REDSHIFT_DEFAULTS, time: systemTime, logger: silentLogger, ...defined(opts) } as Settings;
    this.registry = opts.registry ?? new Registry();
    this.#seconds = new Gauge({
      name: 'redshift_running_query_seconds',
      help: 'How long each query running past the floor has been running.',
      labelNames: ['cluster', 'query_id', 'user_name', 'database'],
      registers: [this.registry],
    });
    this.#info = new Gauge({
      name: 'redshift_running_query_info',
      help: 'Always 1: the session pid and the start of the text (literals masked) of each exported running query.',
      labelNames: ['cluster', 'query_id', 'pid', 'query_text'],
      registers: [this.registry],
    });
    this.#status = new RefreshStatus(this.registry, 'redshift', [this.#o.source], this.#o.time);
  }

  /** Collects now and then every `intervalMs`, until `stop()`. */
  start(): void {
    this.#loop ??= every(this.#o.time, this.#o.intervalMs, () => void this.collect());
  }

  stop(): void {
    this.#loop?.stop();
    this.#loop = undefined;
  }

  idle(): Promise<void> {
    return this.#flight.idle();
  }

  /**
   * Reads the running queries once and replaces the exported set. On failure the previous set stays (a
   * lost connection is not a sign the queries finished) and the error is counted and logged. Returns
   * `undefined` when a collection is already running.
   */
  collect(): Promise<RunningQuery[] | undefined> | undefined {
    return this.#flight.run(() => this.#collect());
  }

  async #collect(): Promise<RunningQuery[] | undefined> {
    const { db, cluster, source, floorSeconds, maxQueries, queryTextLength, logger } = this.#o;
    let queries: RunningQuery[];
    try {
      queries = await readRunningQueries(db, source, floorSeconds, maxQueries);
    } catch (err) {
      this.#status.failed(source);
      logger.warn(
        { exporter: 'redshift', cluster, source, ...errorFields(err) },
        'reading running queries failed',
      );
      return undefined;
    }
    this.#seconds.reset();
    this.#info.reset();
    for (const q of queries) {
      this.#seconds.set(
        { cluster, query_id: q.queryId, user_name: q.userName, database: q.database },
        q.seconds,
      );
      const query_text = sanitizeQueryText(q.text, queryTextLength);
      this.#info.set({ cluster, query_id: q.queryId, pid: q.pid, query_text }, 1);
    }
    if (queries.length >= maxQueries) {
      logger.warn(
        { exporter: 'redshift', cluster, maxQueries },
        'more running queries than --max-queries; exporting the longest',
      );
    }
    this.#status.succeeded(source);
    return queries;
  }
}
