/**
 * The on-call API: who is on call, shifts, gaps, iCal feeds and overrides; escalation policies; and
 * maintenance windows.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, preValidationAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { MaintenanceWindowsTable } from '../db/tables.ts';
import type { Selectable } from 'kysely';
import {
  canSeeService,
  inTeam,
  requireRole,
  visibleServices,
  type Credentials,
  type Principal,
} from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';
import { toICal, type CalendarEntry } from './ical.ts';
import { nextHandoff, scheduleShifts } from './schedule.ts';

export interface OnCallRouteDeps {
  config: KlaxonConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
  directory: OnCallDirectory;
}

const DAY = 86_400_000;
const MAX_RANGE = 366 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const time = z.iso.datetime({ offset: true, error: 'use an ISO 8601 date-time, e.g. 2026-03-28T09:00:00Z' });
const range = z.strictObject({ from: time.optional(), to: time.optional() });
const scheduleParams = z.strictObject({ id: z.string().max(63) });
const shiftSchema = z.object({ user: z.string().nullable(), start: z.string(), end: z.string() });

function parseRange(q: z.output<typeof range>, now: number, defaultDays: number): [number, number] {
  const from = q.from ? Date.parse(q.from) : now;
  const to = q.to ? Date.parse(q.to) : from + defaultDays * DAY;
  if (to <= from) throw new ApiError('invalid_query', 'to must be after from.');
  if (to - from > MAX_RANGE)
    throw new ApiError('invalid_query', 'The range is limited to 366 days; ask for a shorter one.');
  return [from, to];
}

/** A maintenance window as the API shows it (the maintenance routes, and each service in /services). */
export const windowSchema = z.object({
  id: z.number().int(),
  service: z.string(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  createdBy: z.string(),
});

export function toWindowDto(r: Selectable<MaintenanceWindowsTable>): z.output<typeof windowSchema> {
  return {
    id: r.id,
    service: r.service_id,
    from: iso(r.starts_at),
    to: iso(r.ends_at),
    reason: r.reason,
    createdBy: r.created_by,
  };
}

export function onCallRoutes(app: FastifyInstance, deps: OnCallRouteDeps): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const schedule = (id: string) => {
    const spec = directory.schedules.get(id);
    if (!spec)
      throw new ApiError(
        'not_found',
        `No schedule "${id}". Known: ${[...directory.schedules.keys()].join(', ')}.`,
      );
    return spec;
  };
  /** A schedule with a team: only that team's members (and lead) or admins may change its overrides. */
  const checkScheduleTeam = (id: string, p: Principal) => {
    const team = config.schedules.find((s) => s.id === id)?.team;
    if (team && !inTeam(p, team))
      throw new ApiError(
        'forbidden',
        `Schedule "${id}" belongs to team "${team}"; only its members or an admin may change its overrides.`,
      );
  };
  const shiftsOf = async (id: string, from: number, to: number) =>
    scheduleShifts(
      schedule(id),
      (await directory.overrides(store.db, from, to, [id])).get(id) ?? [],
      from,
      to,
    );
  const dto = (s: { user: string | null; start: number; end: number }) => ({
    user: s.user,
    start: iso(s.start),
    end: iso(s.end),
  });

  app.get(
    '/api/v1/schedules',
    {
      schema: {
        summary: 'Schedules with who is on call now and the next handoff',
        tags: ['on-call'],
        security,
        response: {
          200: z.object({
            schedules: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                timezone: z.string(),
                onCall: z.string().nullable(),
                nextHandoff: shiftSchema.nullable(),
              }),
            ),
          }),
        },
      },
      preValidation: viewer,
    },
    async () => {
      const now = clock.now().getTime();
      const overrides = await directory.overrides(store.db, now, now + 35 * DAY);
      return {
        schedules: [...directory.schedules.values()].map((s) => {
          const o = overrides.get(s.id) ?? [];
          const next = nextHandoff(s, o, now);
          return {
            id: s.id,
            name: s.name,
            timezone: s.zone,
            onCall: directory.onCall(s.id, o, now),
            nextHandoff: next ? dto(next) : null,
          };
        }),
      };
    },
  );

  const oncallQuery = z.strictObject({ schedule: z.string().max(63).optional(), at: time.optional() });
  app.get(
    '/api/v1/oncall',
    {
      schema: {
        summary: 'Who is on call at an instant (default now), for one schedule or all',
        tags: ['on-call'],
        security,
        querystring: oncallQuery,
        response: {
          200: z.object({
            at: z.string(),
            oncall: z.array(z.object({ schedule: z.string(), user: z.string().nullable() })),
          }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const q = req.query as z.output<typeof oncallQuery>;
      const at = q.at ? Date.parse(q.at) : clock.now().getTime();
      const ids = q.schedule ? [schedule(q.schedule).id] : [...directory.schedules.keys()];
      const overrides = await directory.overrides(store.db, at, at + 1, ids);
      return {
        at: iso(at),
        oncall: ids.map((id) => ({ schedule: id, user: directory.onCall(id, overrides.get(id) ?? [], at) })),
      };
    },
  );

  for (const [suffix, summary, gapsOnly] of [
    ['shifts', 'The shifts in a range (default: the next 28 days); user null marks a gap', false],
    ['gaps', 'Where nobody is on call in a range (default: the next 28 days)', true],
  ] as const) {
    app.get(
      `/api/v1/schedules/:id/${suffix}`,
      {
        schema: {
          summary,
          tags: ['on-call'],
          security,
          params: scheduleParams,
          querystring: range,
          response: {
            200: z.object({
              schedule: z.string(),
              from: z.string(),
              to: z.string(),
              shifts: z.array(shiftSchema),
            }),
          },
        },
        preValidation: viewer,
      },
      async (req) => {
        const { id } = req.params as z.output<typeof scheduleParams>;
        const [from, to] = parseRange(req.query as z.output<typeof range>, clock.now().getTime(), 28);
        const shifts = (await shiftsOf(id, from, to)).filter((s) => !gapsOnly || s.user === null);
        return { schedule: id, from: iso(from), to: iso(to), shifts: shifts.map(dto) };
      },
    );
  }

  // Calendar apps cannot send an Authorization header: a feed URL may instead carry a token signed with
  // server.feedSecret over its own path.
  const feedToken = (path: string) =>
    config.server.feedSecret
      ? createHmac('sha256', config.server.feedSecret).update(path).digest('base64url')
      : null;
  const viewerOrFeed: preValidationAsyncHookHandler = async function (req, reply) {
    const token = (req.query as { token?: unknown }).token;
    const expected = feedToken(req.url.split('?')[0]!);
    if (
      typeof token === 'string' &&
      expected &&
      token.length === expected.length &&
      timingSafeEqual(Buffer.from(token), Buffer.from(expected))
    )
      return;
    await viewer.call(this, req, reply);
  };
  const calendarQuery = range.extend({
    token: z.string().max(128).optional().describe('Feed token from /api/v1/calendar-feeds.'),
  });

  app.get(
    '/api/v1/calendar-feeds',
    {
      schema: {
        summary: 'Subscribable iCal URLs (signed with server.feedSecret) for every schedule and person',
        tags: ['on-call'],
        security,
        response: {
          200: z.object({
            schedules: z.array(z.object({ id: z.string(), url: z.string() })),
            users: z.array(z.object({ id: z.string(), url: z.string() })),
          }),
        },
      },
      preValidation: viewer,
    },
    () => {
      if (!config.server.feedSecret || !config.server.publicUrl) {
        throw new ApiError(
          'not_found',
          'Set server.feedSecret and server.publicUrl in the config to enable subscribable calendar URLs.',
        );
      }
      const base = config.server.publicUrl.replace(/\/$/, '');
      const url = (path: string) => `${base}${path}?token=${feedToken(path)!}`;
      return {
        schedules: [...directory.schedules.keys()].map((id) => ({
          id,
          url: url(`/api/v1/schedules/${encodeURIComponent(id)}/calendar.ics`),
        })),
        users: config.users.map((u) => ({
          id: u.id,
          url: url(`/api/v1/users/${encodeURIComponent(u.id)}/calendar.ics`),
        })),
      };
    },
  );

  app.get(
    '/api/v1/schedules/:id/calendar.ics',
    {
      schema: {
        summary: "iCal feed of a schedule's shifts (the next 8 weeks by default)",
        tags: ['on-call'],
        security,
        params: scheduleParams,
        querystring: calendarQuery,
      },
      preValidation: viewerOrFeed,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      const now = clock.now().getTime();
      const [from, to] = parseRange(req.query as z.output<typeof range>, now, 56);
      const spec = schedule(id);
      const entries: CalendarEntry[] = (await shiftsOf(id, from, to))
        .filter((s): s is typeof s & { user: string } => s.user !== null)
        .map((s) => ({ ...s, scheduleId: id, scheduleName: spec.name }));
      return reply.type('text/calendar; charset=utf-8').send(toICal(spec.name, entries, now));
    },
  );

  const userParams = z.strictObject({ id: z.string().max(63) });
  app.get(
    '/api/v1/users/:id/calendar.ics',
    {
      schema: {
        summary: "iCal feed of one person's shifts on every schedule",
        tags: ['on-call'],
        security,
        params: userParams,
        querystring: calendarQuery,
      },
      preValidation: viewerOrFeed,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof userParams>;
      const user = config.users.find((u) => u.id === id);
      if (!user) throw new ApiError('not_found', `No user "${id}".`);
      const now = clock.now().getTime();
      const [from, to] = parseRange(req.query as z.output<typeof range>, now, 56);
      const entries: CalendarEntry[] = [];
      for (const spec of directory.schedules.values()) {
        for (const s of await shiftsOf(spec.id, from, to)) {
          if (s.user === id) entries.push({ ...s, user: id, scheduleId: spec.id, scheduleName: spec.name });
        }
      }
      entries.sort((a, b) => a.start - b.start);
      return reply.type('text/calendar; charset=utf-8').send(toICal(`On call: ${user.name}`, entries, now));
    },
  );

  const overrideBody = z.strictObject({ user: z.string().max(63), from: time, to: time });
  const overrideSchema = z.object({
    id: z.number().int(),
    schedule: z.string(),
    user: z.string(),
    from: z.string(),
    to: z.string(),
    createdBy: z.string(),
  });
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
      schedule(id);
      checkScheduleTeam(id, req.principal!);
      const body = req.body as z.output<typeof overrideBody>;
      if (!config.users.some((u) => u.id === body.user))
        throw new ApiError('invalid_payload', `No user "${body.user}"; use an id from users in the config.`);
      const from = Date.parse(body.from);
      const to = Date.parse(body.to);
      if (to <= from) throw new ApiError('invalid_payload', 'to must be after from.');
      const row = await store.db
        .insertInto('schedule_overrides')
        .values({
          schedule_id: id,
          user_id: body.user,
          starts_at: from,
          ends_at: to,
          created_by: req.principal!.name,
          created_at: clock.now().getTime(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return reply.code(201).send({
        override: {
          id: row.id,
          schedule: id,
          user: row.user_id,
          from: iso(from),
          to: iso(to),
          createdBy: row.created_by,
        },
      });
    },
  );

  const overrideParams = z.strictObject({
    id: z.string().max(63),
    overrideId: z.coerce.number().int().positive(),
  });
  app.delete(
    '/api/v1/schedules/:id/overrides/:overrideId',
    {
      schema: { summary: 'Remove an override', tags: ['on-call'], security, params: overrideParams },
      preValidation: responder,
    },
    async (req, reply) => {
      const p = req.params as z.output<typeof overrideParams>;
      checkScheduleTeam(p.id, req.principal!);
      const res = await store.db
        .deleteFrom('schedule_overrides')
        .where('id', '=', p.overrideId)
        .where('schedule_id', '=', p.id)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0)
        throw new ApiError('not_found', `No override ${p.overrideId} on schedule "${p.id}".`);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/escalation-policies',
    {
      schema: {
        summary: 'Escalation policies, which tiers use them, and whom each step pages now',
        tags: ['on-call'],
        security,
      },
      preValidation: viewer,
    },
    async () => {
      const now = clock.now().getTime();
      const overrides = await directory.overrides(store.db, now, now + 1);
      return {
        policies: config.escalationPolicies.map((p) => ({
          ...p,
          // Who each step would page right now: step 1 is the primary, step 2 the backup, and so on.
          steps: p.steps.map((step) => ({
            ...step,
            now: [
              ...new Set(directory.resolveTargets(step.targets, now, overrides).flatMap((r) => r.userIds)),
            ],
          })),
          tiers: (['T1', 'T2', 'T3'] as const).filter((t) => config.tiers[t].escalationPolicy === p.id),
        })),
      };
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
      schedule(id);
      const [from, to] = parseRange(req.query as z.output<typeof range>, clock.now().getTime(), 28);
      const rows = await store.db
        .selectFrom('schedule_overrides')
        .selectAll()
        .where('schedule_id', '=', id)
        .where('ends_at', '>', from)
        .where('starts_at', '<', to)
        .orderBy('starts_at')
        .execute();
      return {
        overrides: rows.map((r) => ({
          id: r.id,
          schedule: id,
          user: r.user_id,
          from: iso(r.starts_at),
          to: iso(r.ends_at),
          createdBy: r.created_by,
        })),
      };
    },
  );

  const windowBody = z.strictObject({
    service: z.string().max(63),
    from: time.optional(),
    to: time,
    reason: z.string().max(1000).default(''),
  });
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
      const rows = await store.db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('ends_at', '>', clock.now().getTime())
        .orderBy('starts_at')
        .execute();
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
      const r = await store.db
        .insertInto('maintenance_windows')
        .values({
          service_id: body.service,
          starts_at: from,
          ends_at: to,
          reason: body.reason,
          created_by: req.principal!.name,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return reply.code(201).send({ window: toWindowDto(r) });
    },
  );
  const windowParams = z.strictObject({ id: z.coerce.number().int().positive() });
  app.delete(
    '/api/v1/maintenance/:id',
    {
      schema: { summary: 'End a maintenance window now', tags: ['on-call'], security, params: windowParams },
      preValidation: responder,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof windowParams>;
      const now = clock.now().getTime();
      const window = await store.db
        .selectFrom('maintenance_windows')
        .select('service_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (window && !canSeeService(config, req.principal!, window.service_id))
        throw new ApiError('not_found', `No open maintenance window ${id}.`);
      const res = await store.db
        .updateTable('maintenance_windows')
        .set({ ends_at: now })
        .where('id', '=', id)
        .where('ends_at', '>', now)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0)
        throw new ApiError('not_found', `No open maintenance window ${id}.`);
      return reply.code(204).send();
    },
  );
}
