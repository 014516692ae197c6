/**
 * `buildApp` assembles the HTTP API from its plugins without listening, so tests use `app.inject()`
 * and `startServer` adds the socket.
 */
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { IngestQueue } from '../ingest/queue.ts';
import { ingestRoutes, PAGERDUTY_ROUTE, pagerDutyError } from '../ingest/routes.ts';
import { SnsVerifier } from '../ingest/sns/verify.ts';
import { incidentRoutes } from '../incidents/routes.ts';
import { deploymentRoutes } from '../deployments/routes.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { inboundRoutes } from '../notifications/inbound.ts';
import { computeAnalytics } from '../analytics/analytics.ts';
import { analyticsRoutes } from '../analytics/routes.ts';
import type { ProviderRegistry } from '../notifications/registry.ts';
import { onCallRoutes } from '../schedules/routes.ts';
import { createMetrics, type EngineMetrics } from '../metrics/metrics.ts';
import { orgRoutes } from '../org/routes.ts';
import { IncidentFeed } from '../stream/feed.ts';
import { streamRoutes } from '../stream/routes.ts';
import { isUiPath, registerUi } from './ui.ts';
import { authRoutes } from '../auth/routes.ts';
import { SessionStore } from '../auth/sessions.ts';
import { Credentials } from './auth.ts';
import { ApiError } from './errors.ts';
import { zodToOpenApi, zodValidatorCompiler } from './zod-schema.ts';

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
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const metrics = createMetrics(store.db, {
    defaultMetrics: deps.processMetrics ?? true,
    analytics: () => {
      const now = clock.now().getTime();
      return computeAnalytics(store.db, config, now - 7 * 86_400_000, now);
    },
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

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(cookie);
  // Only routes that ask for it (sign-in) are limited; the limit is per client address and per process.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(
        'too_many_attempts',
        `Too many sign-in attempts from this address: at most ${ctx.max} a minute. Try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
      ),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Klaxon engine API',
        version: API_VERSION,
        description:
          'Alert ingest, incidents and on-call. Errors are `{ error: { code, message, details? } }`; see docs/api.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: zodToOpenApi,
  });

  // Security headers for the UI and the API: the UI loads only its own scripts and talks only to this
  // origin; no framing (clickjacking on the acknowledge button).
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The UI is also served over plain http on localhost (the demo): HSTS would only confuse that.
    strictTransportSecurity: false,
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) req.log.error({ err }, 'request failed');
    const route = req.routeOptions.url ?? '';
    if (route.startsWith('/api/v1/ingest/') || route === PAGERDUTY_ROUTE) {
      metrics.ingestRejected.inc({ source: route.split('/').pop() ?? 'unknown', code: apiError.code });
    }
    if (route === PAGERDUTY_ROUTE && apiError.status < 500) {
      return reply
        .code(apiError.status === 413 ? 413 : 400)
        .send(pagerDutyError(apiError.code, [apiError.message]));
    }
    return reply.code(apiError.status).send(apiError.toBody());
  });
  const ui = await registerUi(app, deps.uiRoot);
  app.setNotFoundHandler((req, reply) => {
    if (ui && isUiPath(req) && (req.headers.accept ?? '').includes('text/html')) return ui(req, reply);
    if (!ui && req.url === '/')
      return reply
        .code(404)
        .send(
          new ApiError(
            'route_not_found',
            'The web UI is not built or not served by this process: run `npm run build:web` and start the engine with `klaxon serve` (or `klaxon demo`).',
          ).toBody(),
        );
    const e = new ApiError(
      'route_not_found',
      `No endpoint ${req.method} ${req.url.split('?')[0]}. See /api/v1/openapi.json for the API.`,
    );
    return reply.code(404).send(e.toBody());
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
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
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
  onCallRoutes(app, {
    config,
    store,
    clock,
    credentials,
    directory: deps.directory ?? new OnCallDirectory(config),
  });

  app.addHook('onClose', () => queue.drain());
  return { app, queue, metrics };
}

function toApiError(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('empty_body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_payload', 'The Content-Length header does not match the body.');
  }
  if (err.statusCode === 400 || err instanceof SyntaxError) {
    return err instanceof SyntaxError || /JSON/i.test(err.message)
      ? new ApiError('invalid_json', `The body is not valid JSON (${err.message}). Send a JSON document.`)
      : new ApiError('invalid_payload', `${err.message}. Fix the body and retry.`);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new ApiError('invalid_payload', err.message);
  }
  return new ApiError('internal');
}
