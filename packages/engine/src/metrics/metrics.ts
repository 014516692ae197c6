/**
 * The engine's own Prometheus metrics (`klaxon_` prefix), on a registry owned by one app instance so
 * tests and several apps in one process never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { TIERS } from '../alerts/tier.ts';

export interface EngineMetrics {
  readonly registry: Registry;
  readonly alertsReceived: Counter<'source' | 'outcome'>;
  readonly ingestRejected: Counter<'source' | 'code'>;
  readonly ingestDuration: Histogram<'source'>;
  readonly incidentsOpened: Counter<'tier' | 'service'>;
  readonly notifications: Counter<'channel' | 'outcome'>;
  readonly notificationLatency: Histogram<'channel'>;
  /** 1 when the last config (re)load was applied, 0 when it was refused (the old config still runs). */
  readonly configReloadSuccessful: Gauge;
  /** When the running config was last loaded, Unix seconds. */
  readonly configReloadTimestamp: Gauge;
  readonly configReloads: Counter<'result'>;
}

export interface MetricsOptions {
  defaultMetrics?: boolean;
}

export function createMetrics(db: Kysely<Database>, opts: MetricsOptions = {}): EngineMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'klaxon_' });
  new Gauge({
    name: 'klaxon_incidents',
    help: 'Incidents by tier and state, read from the database at scrape time.',
    labelNames: ['tier', 'state'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('incidents')
        .select(['tier', 'state', db.fn.countAll<number>().as('n')])
        .groupBy(['tier', 'state'])
        .execute();
      this.reset();
      for (const tier of TIERS)
        for (const state of ['triggered', 'acknowledged', 'resolved']) this.set({ tier, state }, 0);
      for (const r of rows) this.set({ tier: r.tier, state: r.state }, Number(r.n));
    },
  });
  return {
    registry,
    alertsReceived: new Counter({
      name: 'klaxon_alerts_received_total',
      help: 'Alerts received, by source and what they did (opened, added, updated, resolved, …).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    ingestRejected: new Counter({
      name: 'klaxon_ingest_rejected_total',
      help: 'Ingest requests refused, by source and error code.',
      labelNames: ['source', 'code'] as const,
      registers: [registry],
    }),
    ingestDuration: new Histogram({
      name: 'klaxon_ingest_duration_seconds',
      help: 'Time from an ingest request arriving to its alerts being durably stored.',
      labelNames: ['source'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'klaxon_notifications_total',
      help: 'Notification attempts by channel and outcome (sent, failed, retry, rate_limited, canceled).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    notificationLatency: new Histogram({
      name: 'klaxon_notification_latency_seconds',
      help: 'From a notification falling due to its provider accepting it.',
      labelNames: ['channel'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    incidentsOpened: new Counter({
      name: 'klaxon_incidents_opened_total',
      help: 'Incidents opened, by tier and service.',
      labelNames: ['tier', 'service'] as const,
      registers: [registry],
    }),
    configReloadSuccessful: new Gauge({
      name: 'klaxon_config_last_reload_successful',
      help: 'Whether the last config reload was applied (1) or refused, keeping the running config (0).',
      registers: [registry],
    }),
    configReloadTimestamp: new Gauge({
      name: 'klaxon_config_last_reload_success_timestamp_seconds',
      help: 'When the running config was loaded (at start or by the last successful reload), Unix seconds.',
      registers: [registry],
    }),
    configReloads: new Counter({
      name: 'klaxon_config_reloads_total',
      help: 'Config reloads (SIGHUP, POST /-/reload, a watched file change), by result (success, failure).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
