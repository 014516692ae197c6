/**
 * The deployments API: `POST /api/v1/deployments` records one (Klaxon's payload, a GitHub
 * `deployment_status` webhook or an Argo CD notification), `GET /api/v1/deployments` lists them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { annotationPolicy } from '../annotations/outbox.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { canSeeService, scopeServices } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import { zodValidatorCompiler } from '../validation/http.ts';
import {
  deploymentBody,
  deploymentSchema,
  PAYLOAD_SCHEMAS,
  payloadKindOf,
  type DeploymentPayload,
} from './model.ts';
import type { DeploymentRoutesConfig } from './config.ts';
import { normalizeDeployment } from './normalize.ts';
import { listDeployments, recordDeployment } from './store.ts';

export interface DeploymentRouteDeps {
  config: DeploymentRoutesConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
}

const serviceId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a service id from the config');

const postQuery = z.strictObject({
  service: serviceId
    .optional()
    .describe('For GitHub and Argo CD payloads: the service, instead of the config mapping.'),
  environment: z.string().min(1).max(100).optional().describe('Overrides the payload’s environment.'),
});

const listQuery = z.strictObject({
  service: z
    .string()
    .max(1024)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(serviceId))
    .optional()
    .describe('Comma-separated service ids.'),
  since: z.iso
    .datetime({ offset: true, error: 'use an ISO 8601 date-time, e.g. 2026-03-28T09:00:00Z' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const postAnswer = z.object({
  deployment: deploymentSchema.nullable(),
  created: z.boolean().describe('False when this deployment was recorded before (same GitHub status or id).'),
  ignored: z
    .string()
    .optional()
    .describe('Why nothing was recorded (a GitHub status that is not success, …).'),
});

/**
 * Validates the body against the one payload it is shaped like, so the errors name that payload's fields
 * (a union would only say "invalid input").
 */
const bodyByShape: FastifySchemaCompiler<unknown> = (route) => {
  if (route.httpPart !== 'body') return zodValidatorCompiler(route);
  const validators = Object.fromEntries(
    Object.entries(PAYLOAD_SCHEMAS).map(([kind, schema]) => [
      kind,
      zodValidatorCompiler({ ...route, schema }),
    ]),
  ) as Record<DeploymentPayload['kind'], ReturnType<typeof zodValidatorCompiler>>;
  return (data: unknown) => {
    const kind = payloadKindOf(data);
    const result = validators[kind](data) as { value?: unknown; error?: Error };
    if (result.error) return result;
    return { value: { kind, body: result.value } };
  };
};

export function deploymentRoutes(app: FastifyInstance, deps: DeploymentRouteDeps): void {
  const { config, store, clock, credentials } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const annotations = annotationPolicy(config);

  app.post(
    '/api/v1/deployments',
    {
      schema: {
        summary:
          'Record a deployment (Klaxon payload, GitHub deployment_status webhook, or Argo CD notification)',
        description:
          'GitHub: post the deployment_status event from a workflow (`on: deployment_status`, see docs/deployments.md) with a Bearer token and `X-GitHub-Event: deployment_status`; only state "success" is recorded. Argo CD: use the webhook template in docs/deployments.md. The service comes from ?service=, else deployments.repositories / deployments.argocdApps in the config, else a service named like the repository or app.',
        tags: ['deployments'],
        security,
        querystring: postQuery,
        body: deploymentBody,
        response: { 200: postAnswer, 201: postAnswer },
      },
      validatorCompiler: bodyByShape,
      preValidation: [responder, ignoreOtherGithubEvents],
    },
    async (req, reply) => {
      const q = req.query as z.output<typeof postQuery>;
      const payload = req.body as DeploymentPayload;
      const normalized = normalizeDeployment(config, {
        payload,
        service: q.service,
        environment: q.environment,
        principal: req.principal!.name,
        now: clock.now().getTime(),
      });
      if ('ignored' in normalized)
        return reply.code(200).send({ deployment: null, created: false, ignored: normalized.ignored });
      // A team-scoped token or person records deployments of their own teams' services only.
      if (!canSeeService(config, req.principal!, normalized.row.service_id))
        throw new ApiError(
          'invalid_payload',
          `No service "${normalized.row.service_id}" among the services you may act on; use one of your teams' services.`,
        );
      const { deployment, created } = await recordDeployment(store, normalized.row, annotations);
      return reply.code(created ? 201 : 200).send({ deployment, created });
    },
  );

  app.get(
    '/api/v1/deployments',
    {
      schema: {
        summary: 'List deployments, newest first',
        tags: ['deployments'],
        security,
        querystring: listQuery,
        response: { 200: z.object({ deployments: z.array(deploymentSchema) }) },
      },
      preValidation: viewer,
    },
    async (req) => {
      const q = req.query as z.output<typeof listQuery>;
      const services = scopeServices(config, req.principal!, q.service);
      if (services?.length === 0) return { deployments: [] };
      const deployments = await listDeployments(store, {
        services,
        since: q.since ? Date.parse(q.since) : undefined,
        limit: q.limit,
      });
      return { deployments };
    },
  );
}

/**
 * GitHub sends `ping` when a webhook is created, and other events if the hook subscribes to them: answer
 * 200 and record nothing, so the hook shows green and GitHub does not retry.
 */
async function ignoreOtherGithubEvents(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const event = req.headers['x-github-event'];
  if (typeof event !== 'string' || event === 'deployment_status') return;
  return reply.code(200).send({
    deployment: null,
    created: false,
    ignored: `GitHub event "${event}" is not recorded; subscribe the webhook to "Deployment statuses" only`,
  });
}
