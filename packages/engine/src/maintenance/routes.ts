/**
 * The maintenance API: list the windows that have not ended, start one (alerts are recorded, nobody is
 * paged), end one now. Each person sees and acts on their teams' services only.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { canSeeService, visibleServices } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import { toWindowDto, windowSchema } from './model.ts';
import {
  endMaintenance,
  maintenanceWindowService,
  openMaintenanceWindows,
  startMaintenance,
} from './store.ts';

export interface MaintenanceRouteDeps {
  /** The config's services, for the team scoping (the whole config will do). */
  config: Parameters<typeof visibleServices>[0];
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
}

const time = z.iso.datetime({ offset: true, error: 'use an ISO 8601 date-time, e.g. 2026-03-28T09:00:00Z' });
const windowBody = z.strictObject({
  service: z.string().max(63),
  from: time.optional(),
  to: time,
  reason: z.string().max(1000).default(''),
});
const windowParams = z.strictObject({ id: z.coerce.number().int().positive() });

export function maintenanceRoutes(app: FastifyInstance, deps: MaintenanceRouteDeps): void {
  const { config, store, clock, credentials } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/maintenance',
    {
      schema: {
        summary: 'Maintenance windows that have not ended',
        tags: ['on-call'],
        security,
        response: { 200: z.object({ windows: z.array(windowSchema) }) },
      },
      preValidation: viewer,
    },
    async (req) => {
      const visible = visibleServices(config, req.principal!);
      const rows = await openMaintenanceWindows(store.db, clock.now().getTime());
      return {
        windows: rows.filter((r) => !visible || visible.has(r.service_id)).map(toWindowDto),
      };
    },
  );
  app.post(
    '/api/v1/maintenance',
    {
      schema: {
        summary: 'Start a maintenance window: alerts are recorded, nobody is paged',
        tags: ['on-call'],
        security,
        body: windowBody,
        response: { 201: z.object({ window: windowSchema }) },
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const body = req.body as z.output<typeof windowBody>;
      // Another team's service is answered like an unknown one.
      if (
        !config.services.some((s) => s.id === body.service) ||
        !canSeeService(config, req.principal!, body.service)
      )
        throw new ApiError(
          'invalid_payload',
          `No service "${body.service}"; use an id from services in the config.`,
        );
      const now = clock.now().getTime();
      const from = body.from ? Date.parse(body.from) : now;
      const to = Date.parse(body.to);
      if (to <= from) throw new ApiError('invalid_payload', 'to must be after from.');
      const r = await startMaintenance(store.db, {
        serviceId: body.service,
        from,
        to,
        reason: body.reason,
        createdBy: req.principal!.name,
        createdAt: now,
      });
      return reply.code(201).send({ window: toWindowDto(r) });
    },
  );
  app.delete(
    '/api/v1/maintenance/:id',
    {
      schema: { summary: 'End a maintenance window now', tags: ['on-call'], security, params: windowParams },
      preValidation: responder,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof windowParams>;
      const now = clock.now().getTime();
      const service = await maintenanceWindowService(store.db, id);
      if (service !== undefined && !canSeeService(config, req.principal!, service))
        throw new ApiError('not_found', `No open maintenance window ${id}.`);
      if (!(await endMaintenance(store.db, id, now)))
        throw new ApiError('not_found', `No open maintenance window ${id}.`);
      return reply.code(204).send();
    },
  );
}
