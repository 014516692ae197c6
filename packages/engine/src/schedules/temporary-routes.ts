/**
 * The temporary schedules API: an admin or the schedule's team lead replaces a schedule for a period with
 * a list of shifts (one override each, source `temporary`), lists them, and removes one with its
 * overrides. The checks on whom and when are ./override-rules.ts's; the shifts' ./temporary.ts's.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../auth/credentials.ts';
import type { Principal } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import { DAY, findSchedule, iso, scheduleParams, scheduleVisibility, time } from './lookup.ts';
import { checkOverrideRange, checkOverrideUser } from './override-rules.ts';
import type { ScheduleRouteDeps } from './routes.ts';
import { isLeadOrAdmin } from './self-service-rules.ts';
import {
  checkTemporaryShifts,
  deleteTemporary,
  insertTemporary,
  listTemporary,
  MAX_TEMPORARY_SHIFTS,
  overlappingTemporary,
} from './temporary.ts';

const shiftBody = z.strictObject({ user: z.string().max(63), from: time, to: time });
const createBody = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('What the period is, e.g. "Launch night".'),
  from: time,
  to: time,
  shifts: z
    .array(shiftBody)
    .min(1)
    .max(MAX_TEMPORARY_SHIFTS)
    .describe('Who is on call when: inside [from, to), not overlapping, covering all of it.'),
});
const temporarySchema = z.object({
  id: z.number().int(),
  schedule: z.string(),
  name: z.string(),
  from: z.string(),
  to: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  shifts: z.array(
    z.object({
      user: z.string(),
      from: z.string(),
      to: z.string(),
      override: z.number().int().describe('The override that puts this shift on call.'),
    }),
  ),
});
const temporaryParams = z.strictObject({
  id: z.string().max(63),
  temporaryId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/** Temporary schedules that ended longer ago than this are left out of the list. */
const LIST_PAST_DAYS = 30;

export function temporaryRoutes(app: FastifyInstance, deps: ScheduleRouteDeps): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const rulesOf = (id: string) => config.schedules.find((s) => s.id === id);
  const requireManager = (id: string, p: Principal) => {
    const spec = findSchedule(directory, id, scheduleVisibility(config, p));
    if (!isLeadOrAdmin(config, rulesOf(id), p))
      throw new ApiError(
        'forbidden',
        `Only an admin${rulesOf(id)?.team ? ` or the lead of team "${rulesOf(id)!.team}"` : ''} can create or remove temporary schedules on ${spec.name}.`,
      );
    return spec;
  };

  app.get(
    '/api/v1/schedules/:id/temporary',
    {
      schema: {
        summary: `A schedule's temporary schedules (those not ended more than ${LIST_PAST_DAYS} days ago), by start, with their shifts`,
        tags: ['on-call'],
        security,
        params: scheduleParams,
        response: { 200: z.object({ temporarySchedules: z.array(temporarySchema) }) },
      },
      preValidation: viewer,
    },
    async (req) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      findSchedule(directory, id, scheduleVisibility(config, req.principal!));
      const since = clock.now().getTime() - LIST_PAST_DAYS * DAY;
      return { temporarySchedules: await listTemporary(store.db, id, since) };
    },
  );

  app.post(
    '/api/v1/schedules/:id/temporary',
    {
      schema: {
        summary: 'Replace a schedule for a period with a list of shifts (admin or team lead)',
        description: `The shifts must lie inside [from, to), not overlap and cover all of it (temporary_gap names a gap); at most ${MAX_TEMPORARY_SHIFTS}. Each person must be able to be paged at the schedule's urgencies. The period follows the override limits (from at most an hour ago, at most overrideMaxDays long) and may not overlap another temporary schedule of the schedule (temporary_overlap).`,
        tags: ['on-call'],
        security,
        params: scheduleParams,
        body: createBody,
        response: { 201: temporarySchema },
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      const principal = req.principal!;
      requireManager(id, principal);
      const body = req.body as z.output<typeof createBody>;
      const now = clock.now().getTime();
      const from = Date.parse(body.from);
      const to = Date.parse(body.to);
      checkOverrideRange(rulesOf(id), from, to, now);
      const shifts = checkTemporaryShifts(
        from,
        to,
        body.shifts.map((s) => ({ user: s.user, from: Date.parse(s.from), to: Date.parse(s.to) })),
      );
      for (const user of new Set(shifts.map((s) => s.user))) checkOverrideUser(config, id, user);
      const created = await store.db.transaction().execute(async (trx) => {
        await store.locker.lockKeys(trx, [`temporary-schedules:${id}`]);
        const clash = await overlappingTemporary(trx, id, from, to);
        if (clash)
          throw new ApiError(
            'temporary_overlap',
            `Temporary schedule ${clash.id} "${clash.name}" (${iso(clash.starts_at)} to ${iso(clash.ends_at)}) overlaps this period; remove it first, or pick another period.`,
          );
        return insertTemporary(trx, {
          scheduleId: id,
          name: body.name,
          from,
          to,
          shifts,
          createdBy: principal.name,
          now,
        });
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/schedules/:id/temporary/:temporaryId',
    {
      schema: {
        summary: 'Remove a temporary schedule and its overrides (admin or team lead)',
        tags: ['on-call'],
        security,
        params: temporaryParams,
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const p = req.params as z.output<typeof temporaryParams>;
      const principal = req.principal!;
      requireManager(p.id, principal);
      const now = clock.now().getTime();
      const removed = await store.db
        .transaction()
        .execute((trx) => deleteTemporary(trx, p.id, p.temporaryId, principal.name, now));
      if (!removed)
        throw new ApiError('not_found', `No temporary schedule ${p.temporaryId} on schedule "${p.id}".`);
      return reply.code(204).send();
    },
  );
}
