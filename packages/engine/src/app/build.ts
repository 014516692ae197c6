/**
 * The composition root's HTTP half: `buildApp` creates the HTTP plumbing (http/), the ingest queue,
 * credentials, metrics and the live feed, and has each domain register its routes, without listening,
 * so tests use `app.inject()`; `startServer` (server.ts) adds the socket and the engine loop.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createHttp } from '../http/server.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { IngestQueue } from '../ingest/queue.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { SnsVerifier } from '../ingest/sns/verify.ts';
import { incidentRoutes } from '../incidents/routes.ts';
import { deploymentRoutes } from '../deployments/routes.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { inboundRoutes } from '../delivery/inbound.ts';
import { computeAnalytics } from '../analytics/analytics.ts';
import { analyticsRoutes } from '../analytics/routes.ts';
import { registerAnalyticsGauges } from '../analytics/gauges.ts';
import type { ProviderRegistry } from '../delivery/registry.ts';
import { scheduleRoutes } from '../schedules/routes.ts';
import { overrideRoutes } from '../schedules/overrides-routes.ts';
import { onCallRoutes } from '../oncall/routes.ts';
import { policyRoutes } from '../escalation/routes.ts';
import { maintenanceRoutes } from '../maintenance/routes.ts';
import { createMetrics, type EngineMetrics } from '../metrics/metrics.ts';
import { orgRoutes } from '../org/routes.ts';
import { IncidentFeed } from '../stream/feed.ts';
import { streamRoutes } from '../stream/routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { SessionStore } from '../auth/sessions.ts';
import { Credentials } from '../auth/credentials.ts';
import { ApiError } from '../errors/errors.ts';
import { metricsGuard } from './metrics-access.ts';

export interface AppDeps {
  config: KlaxonConfig;
  store: KlaxonDatabase;
  clock: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Collect Node process metrics too (off in tests that build many apps). */
  processMetrics?: boolean;
  directory?: OnCallDirectory;
  /** Delivery providers, for the inbound webhooks (Twilio, Slack) that verify their signatures. */
  registry?: ProviderRegistry;
  /** Asks the engine loop for a cycle now. */
  poke?: () => void;
  /** Verifies SNS messages; default: trusts only Amazon SNS hosts. Tests inject one that trusts a fake. */
  snsVerifier?: SnsVerifier;
  /** The built web UI (`webRoot` of @klaxon/web) to serve at `/`; absent: no UI, `/` says how to build it. */
  uiRoot?: string;
  /** How often the live feed (`GET /api/v1/stream`) looks for changes, in ms (default 500). */
  feedIntervalMs?: number;
}

export interface KlaxonApp {
  app: FastifyInstance;
  queue: IngestQueue;
  metrics: EngineMetrics;
}

export const API_VERSION = '0.1.0';

export async function buildApp(deps: AppDeps): Promise<KlaxonApp> {
  const { config, store, clock } = deps;
  const metrics = createMetrics(store.db, { defaultMetrics: deps.processMetrics ?? true });
  registerAnalyticsGauges(metrics.registry, () => {
    const now = clock.now().getTime();
    return computeAnalytics(store.db, config, now - 7 * 86_400_000, now);
  });
  const queue = new IngestQueue(store, clock, {
    reopenWindowMs: config.incidents.reopenWindowMinutes * 60_000,
    config,
  });
  queue.onCommit((items, results) => {
    results.forEach((r, i) => {
      if (r.outcome === 'opened' && r.tier)
        metrics.incidentsOpened.inc({ tier: r.tier, service: items[i]!.serviceId });
    });
  });
  const credentials = new Credentials(
    config,
    new SessionStore(store.db, clock, config.auth.sessionHours * 3_600_000),
  );

  const server = config.server;
  // Read before anything listens: an unreadable server.metrics.tokenFile stops the start.
  const metricsPreHandler = metricsGuard(server.metrics, credentials);
  const app = await createHttp({
    logger: deps.logger,
    bodyLimitBytes: server.bodyLimitBytes,
    limits: {
      requestTimeoutMs: Math.round(server.requestTimeoutSeconds * 1000),
      headersTimeoutMs: Math.round(server.headersTimeoutSeconds * 1000),
      keepAliveTimeoutMs: Math.round(server.keepAliveTimeoutSeconds * 1000),
      idleTimeoutMs: Math.round(server.idleTimeoutSeconds * 1000),
      maxConnections: server.maxConnections,
    },
    trustedProxies: server.trustedProxies,
    hsts: server.hsts,
    apiVersion: API_VERSION,
    uiRoot: deps.uiRoot,
  });
  app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async () => {
    try {
      await store.db.selectFrom('incidents').select('id').limit(1).execute();
    } catch {
      throw new ApiError('unavailable', 'The database is not reachable.');
    }
    return { status: 'ready' };
  });
  // Not open: it names services and people (server.metrics, app/metrics-access.ts).
  app.get('/metrics', { schema: { hide: true }, preHandler: metricsPreHandler }, async (_req, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());

  ingestRoutes(app, {
    config,
    credentials,
    queue,
    metrics,
    clock,
    snsVerifier: deps.snsVerifier ?? new SnsVerifier(),
  });
  authRoutes(app, { config, store, clock, credentials });
  incidentRoutes(app, { config, store, clock, credentials });
  deploymentRoutes(app, { config, store, clock, credentials });
  inboundRoutes(app, { config, store, clock, poke: deps.poke });
  analyticsRoutes(app, { config, store, clock, credentials });
  orgRoutes(app, { config, store, clock, credentials });
  const feed = new IncidentFeed(store.db, {
    intervalMs: deps.feedIntervalMs,
    onError: (err) => app.log.warn({ err }, 'live incident feed poll failed'),
  });
  streamRoutes(app, { config, credentials, feed });
  const directory = deps.directory ?? new OnCallDirectory(config);
  scheduleRoutes(app, { config, store, clock, credentials, directory });
  onCallRoutes(app, { config, store, clock, credentials, directory });
  overrideRoutes(app, { config, store, clock, credentials, directory });
  policyRoutes(app, { config, store, clock, credentials, directory });
  maintenanceRoutes(app, { config, store, clock, credentials });

  app.addHook('onClose', () => queue.drain());
  return { app, queue, metrics };
}
