/**
 * The overrides API: put someone on call over a schedule's layers for a while, list and remove such
 * overrides. Changes are limited to the schedule's team; the rows go through ./overrides.ts.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../auth/credentials.ts';
import { ApiError } from '../errors/errors.ts';
import { checkScheduleTeam, findSchedule, iso, parseRange, range, scheduleParams, time } from './lookup.ts';
import { deleteOverride, insertOverride, listOverrides, type OverrideRow } from './overrides.ts';
import type { ScheduleRouteDeps } from './routes.ts';

const overrideBody = z.strictObject({ user: z.string().max(63), from: time, to: time });
const overrideSchema = z.object({
  id: z.number().int(),
  schedule: z.string(),
  user: z.string(),
  from: z.string(),
  to: z.string(),
  createdBy: z.string(),
});
const overrideParams = z.strictObject({
  id: z.string().max(63),
  overrideId: z.coerce.number().int().positive(),
});

function toOverrideDto(r: OverrideRow): z.output<typeof overrideSchema> {
  return {
    id: r.id,
    schedule: r.schedule_id,
    user: r.user_id,
    from: iso(r.starts_at),
    to: iso(r.ends_at),
    createdBy: r.created_by,
  };
}

export function overrideRoutes(app: FastifyInstance, deps: ScheduleRouteDeps): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/schedules/:id/overrides',
    {
      schema: {
        summary: 'Put someone on call for [from, to), over whatever the layers say',
        tags: ['on-call'],
        security,
        params: scheduleParams,
        body: overrideBody,
        response: { 201: z.object({ override: overrideSchema }) },
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      findSchedule(directory, id);
      checkScheduleTeam(config, id, req.principal!);
      const body = req.body as z.output<typeof overrideBody>;
      if (!config.users.some((u) => u.id === body.user))
        throw new ApiError('invalid_payload', `No user "${body.user}"; use an id from users in the config.`);
      const from = Date.parse(body.from);
      const to = Date.parse(body.to);
      if (to <= from) throw new ApiError('invalid_payload', 'to must be after from.');
      const row = await insertOverride(store.db, {
        scheduleId: id,
        userId: body.user,
        from,
        to,
        createdBy: req.principal!.name,
        createdAt: clock.now().getTime(),
      });
      return reply.code(201).send({ override: toOverrideDto(row) });
    },
  );

  app.delete(
    '/api/v1/schedules/:id/overrides/:overrideId',
    {
      schema: { summary: 'Remove an override', tags: ['on-call'], security, params: overrideParams },
      preValidation: responder,
    },
    async (req, reply) => {
      const p = req.params as z.output<typeof overrideParams>;
      checkScheduleTeam(config, p.id, req.principal!);
      if (!(await deleteOverride(store.db, p.id, p.overrideId)))
        throw new ApiError('not_found', `No override ${p.overrideId} on schedule "${p.id}".`);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/schedules/:id/overrides',
    {
      schema: {
        summary: 'Overrides on a schedule that overlap a range (default: from now, the next 28 days)',
        tags: ['on-call'],
        security,
        params: scheduleParams,
        querystring: range,
        response: { 200: z.object({ overrides: z.array(overrideSchema) }) },
      },
      preValidation: viewer,
    },
    async (req) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      findSchedule(directory, id);
      const [from, to] = parseRange(req.query as z.output<typeof range>, clock.now().getTime(), 28);
      return { overrides: (await listOverrides(store.db, id, from, to)).map(toOverrideDto) };
    },
  );
}
