/**
 * The engine's own Prometheus metrics (`klaxon_` prefix), on a registry owned by one app instance so
 * tests and several apps in one process never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Kysely } from 'kysely';
import type { Analytics, Figures } from '../analytics/analytics.ts';
import type { Database } from '../db/tables.ts';

export interface EngineMetrics {
  readonly registry: Registry;
  readonly alertsReceived: Counter<'source' | 'outcome'>;
  readonly ingestRejected: Counter<'source' | 'code'>;
  readonly ingestDuration: Histogram<'source'>;
  readonly incidentsOpened: Counter<'tier' | 'service'>;
  readonly notifications: Counter<'channel' | 'outcome'>;
  readonly notificationLatency: Histogram<'channel'>;
}

export interface MetricsOptions {
  defaultMetrics?: boolean;
  /** The last 7 days' on-call figures, published as klaxon_oncall_* gauges. */
  analytics?: () => Promise<Analytics>;
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
      for (const tier of ['T1', 'T2', 'T3'])
        for (const state of ['triggered', 'acknowledged', 'resolved']) this.set({ tier, state }, 0);
      for (const r of rows) this.set({ tier: r.tier, state: r.state }, Number(r.n));
    },
  });
  if (opts.analytics) registerAnalytics(registry, opts.analytics);
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
  };
}

/** The analytics figures as gauges; one computation per scrape serves them all. */
function registerAnalytics(registry: Registry, compute: () => Promise<Analytics>): void {
  let pending: Promise<Analytics> | null = null;
  const current = () => {
    pending ??= compute().finally(() => setTimeout(() => (pending = null), 1000).unref());
    return pending;
  };
  const byTier = (name: string, help: string, pick: (f: Figures) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['tier'] as const,
      registers: [registry],
      async collect() {
        const a = await current();
        this.reset();
        for (const [tier, f] of Object.entries(a.byTier)) {
          const v = pick(f);
          if (v !== null) this.set({ tier }, v);
        }
      },
    });
  byTier(
    'klaxon_oncall_mtta_seconds',
    'Mean time to acknowledge over the last 7 days, by tier.',
    (f) => f.mttaSeconds,
  );
  byTier(
    'klaxon_oncall_mttr_seconds',
    'Mean time to resolve over the last 7 days, by tier.',
    (f) => f.mttrSeconds,
  );
  byTier('klaxon_oncall_pages', 'Pages sent over the last 7 days, by tier.', (f) => f.pagesSent);
  byTier('klaxon_oncall_noise_ratio', 'Alerts per page over the last 7 days, by tier.', (f) => f.noiseRatio);
  new Gauge({
    name: 'klaxon_oncall_t1_acked_within_5m_ratio',
    help: 'Share of T1 incidents acknowledged within 5 minutes, over the last 7 days.',
    registers: [registry],
    async collect() {
      const v = (await current()).total.t1AckedWithin5m;
      this.set(v ?? 0);
    },
  });
  new Gauge({
    name: 'klaxon_oncall_offhours_pages',
    help: 'Pages outside 09:00-18:00 Mon-Fri in the person’s own zone, over the last 7 days.',
    labelNames: ['user'] as const,
    registers: [registry],
    async collect() {
      const a = await current();
      this.reset();
      for (const o of a.offHoursPages) this.set({ user: o.user }, o.pages);
    },
  });
}
