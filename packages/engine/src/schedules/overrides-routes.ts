/**
 * The overrides API: put someone on call over a schedule's layers for a while, list and remove such
 * overrides, and the schedule's timeline of those changes. Changes pass ./override-rules.ts (who, whom,
 * when); the rows and their events go through ./overrides.ts.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../auth/credentials.ts';
import { ApiError } from '../errors/errors.ts';
import { findSchedule, iso, parseRange, range, scheduleParams, scheduleVisibility, time } from './lookup.ts';
import { checkOverrideRange, checkOverrideRights, checkOverrideUser } from './override-rules.ts';
import {
  deleteOverride,
  insertOverride,
  listOverrides,
  listScheduleEvents,
  type OverrideRow,
  type OverrideSource,
  type ScheduleEventRow,
} from './overrides.ts';
import type { ScheduleRouteDeps } from './routes.ts';

const overrideBody = z.strictObject({ user: z.string().max(63), from: time, to: time });
const overrideSchema = z.object({
  id: z.number().int(),
  schedule: z.string(),
  user: z.string(),
  from: z.string(),
  to: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  source: z
    .enum(['api', 'cover', 'swap', 'temporary'])
    .describe('api: made here; cover, swap: an accepted shift request; temporary: a temporary schedule.'),
  sourceId: z.number().int().nullable().describe('The shift request or temporary schedule it belongs to.'),
});
const overrideParams = z.strictObject({
  id: z.string().max(63),
  overrideId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
const eventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('Return events with a smaller id (next page).'),
});
const eventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: z
    .string()
    .describe(
      'override.created, override.deleted, request.created, request.accepted, request.declined, request.canceled, request.expired, temporary.created or temporary.deleted',
    ),
  actor: z.string().describe('Who made the change: a user id, or an API token name.'),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});

function toOverrideDto(r: OverrideRow): z.output<typeof overrideSchema> {
  return {
    id: r.id,
    schedule: r.schedule_id,
    user: r.user_id,
    from: iso(r.starts_at),
    to: iso(r.ends_at),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    source: r.source as OverrideSource,
    sourceId: r.source_id,
  };
}

function toEventDto(r: ScheduleEventRow): z.output<typeof eventSchema> {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(r.data) as Record<string, unknown>;
  } catch {
    // A row written by hand: show it without its data.
  }
  return { id: r.id, at: iso(r.at), kind: r.kind, actor: r.actor, message: r.message, data };
}

export function overrideRoutes(app: FastifyInstance, deps: ScheduleRouteDeps): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const rulesOf = (id: string) => config.schedules.find((s) => s.id === id);

  app.post(
    '/api/v1/schedules/:id/overrides',
    {
      schema: {
        summary: 'Put someone on call for [from, to), over whatever the layers say',
        description:
          "Only the schedule's team (members and lead) and admins, or admins alone on a schedule without a team, unless the schedule has overridesBy: responders. The person must be able to be paged at every urgency the schedule pages at; from is at most an hour ago, and the override at most schedules[].overrideMaxDays long (default 90).",
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
      const principal = req.principal!;
      findSchedule(directory, id, scheduleVisibility(config, principal));
      checkOverrideRights(rulesOf(id), id, principal);
      const body = req.body as z.output<typeof overrideBody>;
      checkOverrideUser(config, id, body.user);
      const now = clock.now().getTime();
      const from = Date.parse(body.from);
      const to = Date.parse(body.to);
      checkOverrideRange(rulesOf(id), from, to, now);
      const row = await insertOverride(store.db, {
        scheduleId: id,
        userId: body.user,
        from,
        to,
        createdBy: principal.name,
        createdAt: now,
      });
      return reply.code(201).send({ override: toOverrideDto(row) });
    },
  );

  app.delete(
    '/api/v1/schedules/:id/overrides/:overrideId',
    {
      schema: {
        summary: 'Remove an override',
        description: 'The same people as may add one.',
        tags: ['on-call'],
        security,
        params: overrideParams,
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const p = req.params as z.output<typeof overrideParams>;
      const principal = req.principal!;
      findSchedule(directory, p.id, scheduleVisibility(config, principal));
      checkOverrideRights(rulesOf(p.id), p.id, principal);
      if (!(await deleteOverride(store.db, p.id, p.overrideId, principal.name, clock.now().getTime())))
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
      findSchedule(directory, id, scheduleVisibility(config, req.principal!));
      const [from, to] = parseRange(req.query as z.output<typeof range>, clock.now().getTime(), 28);
      return { overrides: (await listOverrides(store.db, id, from, to)).map(toOverrideDto) };
    },
  );

  app.get(
    '/api/v1/schedules/:id/events',
    {
      schema: {
        summary:
          "The schedule's timeline, newest first: every override added or removed, shift request and temporary schedule, and by whom",
        tags: ['on-call'],
        security,
        params: scheduleParams,
        querystring: eventsQuery,
        response: {
          200: z.object({
            schedule: z.string(),
            events: z.array(eventSchema),
            nextBefore: z.number().int().nullable(),
          }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      findSchedule(directory, id, scheduleVisibility(config, req.principal!));
      const q = req.query as z.output<typeof eventsQuery>;
      const rows = await listScheduleEvents(store.db, id, q);
      const last = rows[rows.length - 1];
      return {
        schedule: id,
        events: rows.map(toEventDto),
        nextBefore: rows.length === q.limit && last ? last.id : null,
      };
    },
  );
}
