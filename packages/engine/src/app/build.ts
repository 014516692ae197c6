/**
 * The composition root's HTTP half: `buildApp` creates the HTTP plumbing (http/), the ingest queue,
 * credentials, metrics and the live feed, and has each domain register its routes, without listening,
 * so tests use `app.inject()`; `startServer` (server.ts) adds the socket and the engine loop. Given
 * `shared` (shared.ts), it builds one config generation's routes on parts that outlive a reload.
 */
import type { Server } from 'node:http';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createHttp, type HttpOptions } from '../http/server.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { IngestQueue } from '../ingest/queue.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { SnsVerifier } from '../ingest/sns/verify.ts';
import { incidentRoutes } from '../incidents/routes.ts';
import { advisoryRoutes } from '../advisories/routes.ts';
import { deploymentRoutes } from '../deployments/routes.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { inboundRoutes } from '../delivery/inbound.ts';
import { actionRoutes } from '../actions/routes.ts';
import { deviceRoutes } from '../devices/routes.ts';
import { analyticsRoutes } from '../analytics/routes.ts';
import type { ProviderRegistry } from '../delivery/registry.ts';
import { scheduleRoutes } from '../schedules/routes.ts';
import { shiftNotifier } from '../shifts/notifier.ts';
import { overrideRoutes } from '../schedules/overrides-routes.ts';
import { onCallRoutes } from '../oncall/routes.ts';
import { policyRoutes } from '../escalation/routes.ts';
import { maintenanceRoutes } from '../maintenance/routes.ts';
import type { EngineMetrics } from '../metrics/metrics.ts';
import { orgRoutes } from '../org/routes.ts';
import { streamRoutes } from '../stream/routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { SessionStore } from '../auth/sessions.ts';
import { Credentials } from '../auth/credentials.ts';
import { ApiError } from '../errors/errors.ts';
import { metricsGuard } from './metrics-access.ts';
import { createShared, type SharedParts } from './shared.ts';

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
  /** What outlives a config reload; app/runtime.ts passes the first generation's to each later one. */
  shared?: SharedParts;
  /** Sockets shared by the config generations (app/gateway.ts); absent: each instance has its own. */
  server?: Server;
  metricsServer?: Server;
  /** The composition root's own routes (POST /-/reload), given this generation's credentials. */
  routes?: (app: FastifyInstance, credentials: Credentials) => void;
}

export interface KlaxonApp {
  app: FastifyInstance;
  queue: IngestQueue;
  metrics: EngineMetrics;
  /** The listener for GET /metrics alone when `server.metrics.port` is set; `app` closes it. */
  metricsApp?: FastifyInstance;
  shared: SharedParts;
}

export const API_VERSION = '0.1.0';

export async function buildApp(deps: AppDeps): Promise<KlaxonApp> {
  const { config, store, clock } = deps;
  const shared = deps.shared ?? createShared(deps);
  const { metrics, feed } = shared;
  // This generation's requests are applied with this generation's config, even after a reload.
  const queue = shared.queue.withConfig(config);
  const credentials = new Credentials(
    config,
    new SessionStore(store.db, clock, config.auth.sessionHours * 3_600_000),
  );

  const server = config.server;
  // Read before anything listens: an unreadable server.metrics.tokenFile stops the start.
  const metricsPreHandler = metricsGuard(server.metrics, credentials);
  const http: HttpOptions = {
    loggerInstance: shared.logger,
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
  };
  const app = await createHttp({ ...http, uiRoot: deps.uiRoot, server: deps.server });
  // On a port of its own, a NetworkPolicy can admit scrapers by port (L4 cannot tell paths apart).
  const metricsApp =
    server.metrics.port === undefined ? app : await createHttp({ ...http, server: deps.metricsServer });
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
  metricsApp.get(
    '/metrics',
    { schema: { hide: true }, preHandler: metricsPreHandler },
    async (_req, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
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
  advisoryRoutes(app, { config, store, clock, credentials, poke: deps.poke });
  deploymentRoutes(app, { config, store, clock, credentials });
  inboundRoutes(app, { config, store, clock, poke: deps.poke });
  actionRoutes(app, { config, store, clock, poke: deps.poke });
  analyticsRoutes(app, { config, store, clock, credentials });
  orgRoutes(app, { config, store, clock, credentials });
  streamRoutes(app, { config, credentials, feed });
  const directory = deps.directory ?? new OnCallDirectory(config);
  scheduleRoutes(app, { config, store, clock, credentials, directory, notifier: shiftNotifier(config) });
  onCallRoutes(app, { config, store, clock, credentials, directory });
  overrideRoutes(app, { config, store, clock, credentials, directory });
  policyRoutes(app, { config, store, clock, credentials, directory });
  maintenanceRoutes(app, { config, store, clock, credentials });
  deviceRoutes(app, { config, store, clock, credentials, poke: deps.poke });
  deps.routes?.(app, credentials);

  app.addHook('onClose', () => queue.drain());
  if (metricsApp === app) return { app, queue: shared.queue, metrics, shared };
  app.addHook('onClose', () => metricsApp.close());
  return { app, queue: shared.queue, metrics, metricsApp, shared };
}
