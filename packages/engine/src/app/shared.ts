/**
 * What outlives a config reload: the metrics registry and its series, the ingest queue (its batches and
 * commit listeners), the live feed and the logger. Each config generation's routes use these, while what
 * is built from the config (credentials, the on-call directory, providers, the route tree, the engine
 * modules) is built again for each generation (app/runtime.ts).
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import { computeAnalytics } from '../analytics/analytics.ts';
import { AnalyticsCache } from '../analytics/cache.ts';
import { registerAnalyticsGauges } from '../analytics/gauges.ts';
import { registerAdvisoryGauges } from '../analytics/gauges.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { createLogger } from '../http/server.ts';
import { IngestQueue } from '../ingest/queue.ts';
import { createMetrics, type EngineMetrics } from '../metrics/metrics.ts';
import { IncidentFeed } from '../stream/feed.ts';

export interface SharedParts {
  readonly metrics: EngineMetrics;
  /** The queue that batches and commits; each generation submits through `queue.withConfig(config)`. */
  readonly queue: IngestQueue;
  readonly feed: IncidentFeed;
  /** Every generation's Fastify logs through it; undefined when logging is off. */
  readonly logger: FastifyBaseLogger | undefined;
  /** The running config: the config-derived gauges read it, setRunningConfig() replaces it. */
  readonly config: KlaxonConfig;
}

export interface SharedOptions {
  config: KlaxonConfig;
  store: KlaxonDatabase;
  clock: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Collect Node process metrics too (off in tests that build many apps). */
  processMetrics?: boolean;
  /** How often the live feed looks for changes, in ms. */
  feedIntervalMs?: number | undefined;
}

export function createShared(o: SharedOptions): SharedParts {
  const { store, clock } = o;
  const metrics = createMetrics(store.db, { defaultMetrics: o.processMetrics ?? true });
  const logger = createLogger(o.logger);
  const queue = new IngestQueue(store, clock, {
    reopenWindowMs: o.config.incidents.reopenWindowMinutes * 60_000,
    config: o.config,
  });
  queue.onCommit((items, results) => {
    results.forEach((r, i) => {
      if (r.outcome === 'opened' && r.tier)
        metrics.incidentsOpened.inc({ tier: r.tier, service: items[i]!.serviceId });
    });
  });
  const feed = new IncidentFeed(store.db, {
    intervalMs: o.feedIntervalMs,
    onError: (err) => logger?.warn({ err }, 'live incident feed poll failed'),
  });
  const shared: SharedParts = { metrics, queue, feed, logger, config: o.config };
  const analytics = new AnalyticsCache(
    () => {
      const now = clock.now().getTime();
      return computeAnalytics(store.db, shared.config, now - 7 * 86_400_000, now);
    },
    { clock, onError: (err) => logger?.warn({ err }, 'refreshing the on-call analytics gauges failed') },
  );
  registerAnalyticsGauges(metrics.registry, () => analytics.get());
  registerAdvisoryGauges(metrics.registry, store.db, () => shared.config.teams.map((t) => t.id));
  // The config it starts with was loaded: a reload that fails later sets 0.
  metrics.configReloadSuccessful.set(1);
  metrics.configReloadTimestamp.set(clock.now().getTime() / 1000);
  return shared;
}

/** Makes `config` the running one for what outlives a reload: gauges, and ingest submitted directly. */
export function setRunningConfig(shared: SharedParts, config: KlaxonConfig): void {
  (shared as { config: KlaxonConfig }).config = config;
  shared.queue.setConfig(config);
}
