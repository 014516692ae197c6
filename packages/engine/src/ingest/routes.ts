/**
 * The ingest endpoints. Each authenticates an integration key, validates its payload, turns it into
 * incoming alerts and answers only after the ingest queue has committed them.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { IncomingAlert, IngestItem } from '../alerts/alert.ts';
import { bearerToken, type Credentials } from '../auth/credentials.ts';
import { ApiError, toApiError } from '../errors/errors.ts';
import type { ApplyResult } from '../incidents/apply.ts';
import type { EngineMetrics } from '../metrics/metrics.ts';
import { alertmanagerWebhookSchema, fromWebhook, grafanaWebhookSchema } from './alertmanager.ts';
import {
  fromPagerDutyEvent,
  pagerDutyAccepted,
  pagerDutyEventSchema,
  pagerDutyInvalid,
} from './pagerduty.ts';
import { refuseTooDeep } from './limits.ts';
import type { IngestQueue } from './queue.ts';
import { ingestResult } from './response.ts';
import type { Clock } from '../clock/clock.ts';
import type { IngestRoutesConfig, IntegrationKeyConfig, IntegrationSource } from './config.ts';
import { snsRoutes } from './sns/routes.ts';
import type { SnsVerifier } from './sns/verify.ts';

export interface IngestDeps {
  config: IngestRoutesConfig;
  credentials: Credentials<IntegrationKeyConfig>;
  queue: IngestQueue;
  metrics: EngineMetrics;
  clock: Clock;
  snsVerifier: SnsVerifier;
}

/** Submits a key's alerts and answers once they are committed. */
export type Ingest = (
  key: IntegrationKeyConfig,
  alerts: IncomingAlert[],
  reply: FastifyReply,
) => Promise<ApplyResult[]>;

const ingestResponse = z.object({
  accepted: z.number().int(),
  results: z.array(ingestResult),
});

export const PAGERDUTY_ROUTE = '/v2/enqueue';

/**
 * The ingest endpoints, in a plugin scope of their own: their errors are counted per source in
 * `klaxon_ingest_rejected_total`, and the PagerDuty endpoint answers in PagerDuty's own error shape.
 */
export function ingestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  void app.register((scope, _opts, done) => {
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const apiError = toApiError(err);
      if (apiError.status >= 500) req.log.error({ err }, 'request failed');
      const route = req.routeOptions.url ?? '';
      deps.metrics.ingestRejected.inc({ source: route.split('/').pop() ?? 'unknown', code: apiError.code });
      if (route === PAGERDUTY_ROUTE && apiError.status < 500)
        return reply
          .code(apiError.status === 413 ? 413 : 400)
          .send(pagerDutyError(apiError.code, [apiError.message]));
      return reply.code(apiError.status).send(apiError.toBody());
    });
    // Before the schema or anything else walks the body: deeper JSON would exhaust the stack of what
    // stores, serialises or logs it, and fail the alerts with it.
    scope.addHook('preValidation', async (req) => {
      refuseTooDeep(req.body, 'body');
      return Promise.resolve();
    });
    registerIngestRoutes(scope, deps);
    done();
  });
}

function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const { config, credentials, queue, metrics } = deps;
  const services = new Map(config.services.map((s) => [s.id, s]));

  const ingest: Ingest = async (key, alerts, reply) => {
    const fallback = services.get(key.service)!;
    const items: IngestItem[] = alerts.map((alert) => {
      const label = key.routeByLabel;
      const labelled = label && Object.hasOwn(alert.labels, label) ? alert.labels[label] : undefined;
      const service = (labelled && services.get(labelled)) || fallback;
      return {
        serviceId: service.id,
        source: key.source,
        integration: key.name,
        actor: key.name,
        defaultTier: service.defaultTier,
        alert,
      };
    });
    let results: ApplyResult[];
    try {
      results = await queue.submit(items);
    } catch (err) {
      // A refusal of the alerts themselves (e.g. payload_too_deep) is the sender's to fix, not an outage.
      if (err instanceof ApiError) throw err;
      reply.log.error({ err }, 'ingest commit failed');
      throw new ApiError(
        'unavailable',
        'The alerts could not be stored right now; nothing was recorded. Retry with backoff.',
      );
    }
    for (const r of results) metrics.alertsReceived.inc({ source: key.source, outcome: r.outcome });
    metrics.ingestDuration.observe({ source: key.source }, reply.elapsedTime / 1000);
    return results;
  };

  const webhookRoute = (
    url: string,
    source: IntegrationSource,
    schema: typeof alertmanagerWebhookSchema | typeof grafanaWebhookSchema,
    summary: string,
  ) =>
    app.post(
      url,
      {
        schema: {
          summary,
          tags: ['ingest'],
          security: [{ bearer: [] }],
          body: schema,
          response: { 200: ingestResponse },
        },
        logLevel: 'warn',
        preValidation: async (req) => {
          req.integrationKey = credentials.integration(bearerToken(req), source);
          return Promise.resolve();
        },
      },
      async (req, reply) => {
        const body = req.body as z.output<typeof schema>;
        const results = await ingest(req.integrationKey!, fromWebhook(body), reply);
        return { accepted: results.length, results };
      },
    );

  webhookRoute(
    '/api/v1/ingest/alertmanager',
    'alertmanager',
    alertmanagerWebhookSchema,
    'Alertmanager webhook (webhook_configs, payload version 4)',
  );
  webhookRoute(
    '/api/v1/ingest/grafana',
    'grafana',
    grafanaWebhookSchema,
    'Grafana alerting webhook contact point',
  );

  snsRoutes(app, { credentials, metrics, ingest, verifier: deps.snsVerifier, clock: deps.clock });

  app.post(
    PAGERDUTY_ROUTE,
    {
      schema: {
        summary: 'PagerDuty Events API v2 compatible event intake; routing_key is a Klaxon integration key',
        tags: ['ingest'],
        body: pagerDutyEventSchema,
        response: { 202: pagerDutyAccepted, 400: pagerDutyInvalid },
      },
      logLevel: 'warn',
      attachValidation: true,
    },
    async (req, reply) => {
      if (req.validationError) {
        const details = (req.validationError as unknown as ApiError).details ?? [];
        metrics.ingestRejected.inc({ source: 'pagerduty', code: 'invalid_payload' });
        return reply.code(400).send(
          pagerDutyError(
            'invalid_payload',
            details.map((d) => d.message),
          ),
        );
      }
      const event = req.body as z.output<typeof pagerDutyEventSchema>;
      let key: IntegrationKeyConfig;
      try {
        key = credentials.integration(event.routing_key, 'pagerduty');
      } catch (err) {
        const e = err as ApiError;
        metrics.ingestRejected.inc({ source: 'pagerduty', code: e.code });
        return reply
          .code(400)
          .send(
            pagerDutyError(e.code, [e.code === 'invalid_credentials' ? 'Invalid routing key' : e.message]),
          );
      }
      const alert = fromPagerDutyEvent(event);
      await ingest(key, [alert], reply);
      return reply
        .code(202)
        .send({ status: 'success', message: 'Event processed', dedup_key: alert.dedupKey });
    },
  );
}

/** An error in PagerDuty's own shape, with our machine-readable code beside it. */
export function pagerDutyError(code: string, errors: string[]) {
  return { status: 'invalid event', message: 'Event object is invalid', errors, code };
}

declare module 'fastify' {
  interface FastifyRequest {
    integrationKey?: IntegrationKeyConfig;
  }
}
