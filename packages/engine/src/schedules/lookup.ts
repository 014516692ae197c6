/**
 * What the schedule routes share: the query shapes (instants, ranges, a schedule id), who may see which
 * schedule, finding a schedule by id, and a schedule's shifts with its overrides applied.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/tables.ts';
import type { Principal } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import type { ScheduleTeams } from './config.ts';
import { scheduleShifts, type Override, type ScheduleSpec } from './schedule.ts';

/** The schedules and their overrides as the routes read them (the on-call directory provides this). */
export interface ScheduleDirectory {
  readonly schedules: ReadonlyMap<string, ScheduleSpec>;
  /** Overrides (config first, then the API's in creation order) overlapping [from, to), per schedule. */
  overrides(
    db: Kysely<Database>,
    from: number,
    to: number,
    scheduleIds?: string[],
  ): Promise<Map<string, Override[]>>;
  onCall(scheduleId: string, overrides: readonly Override[], t: number): string | null;
}

export const DAY = 86_400_000;
const MAX_RANGE = 366 * DAY;
export const iso = (ms: number) => new Date(ms).toISOString();
export const time = z.iso.datetime({
  offset: true,
  error: 'use an ISO 8601 date-time, e.g. 2026-03-28T09:00:00Z',
});
export const range = z.strictObject({ from: time.optional(), to: time.optional() });
export const scheduleParams = z.strictObject({ id: z.string().max(63) });
export const shiftSchema = z.object({ user: z.string().nullable(), start: z.string(), end: z.string() });

/** [from, to) from the query: from defaults to `now`, to to `defaultDays` later; at most 366 days. */
export function parseRange(q: z.output<typeof range>, now: number, defaultDays: number): [number, number] {
  const from = q.from ? Date.parse(q.from) : now;
  const to = q.to ? Date.parse(q.to) : from + defaultDays * DAY;
  if (to <= from) throw new ApiError('invalid_query', 'to must be after from.');
  if (to - from > MAX_RANGE)
    throw new ApiError('invalid_query', 'The range is limited to 366 days; ask for a shorter one.');
  return [from, to];
}

/** Whether a schedule id may be seen; see `scheduleVisibility`. */
export type CanSeeSchedule = (id: string) => boolean;

/**
 * Which schedules `p` may see: admins and tokens without teams see all; everyone else the schedules of
 * their teams (member or lead) and those without a team. Another team's schedule is not found.
 */
export function scheduleVisibility(config: ScheduleTeams, p: Pick<Principal, 'teams'>): CanSeeSchedule {
  if (p.teams === null) return () => true;
  const teams = new Set(p.teams);
  const owner = new Map(config.schedules.map((s) => [s.id, s.team]));
  return (id) => {
    const team = owner.get(id);
    return team === undefined || teams.has(team);
  };
}

/** The schedule `id` if `canSee` it, or a not_found error that lists the ones it may see. */
export function findSchedule(
  directory: ScheduleDirectory,
  id: string,
  canSee: CanSeeSchedule = () => true,
): ScheduleSpec {
  const spec = directory.schedules.get(id);
  if (!spec || !canSee(id)) {
    const known = [...directory.schedules.keys()].filter(canSee);
    throw new ApiError('not_found', `No schedule "${id}". Known: ${known.join(', ') || '(none)'}.`);
  }
  return spec;
}

/** The final shifts of schedule `id` in [from, to), overrides included; `user: null` marks a gap. */
export async function shiftsOf(
  directory: ScheduleDirectory,
  db: Kysely<Database>,
  id: string,
  from: number,
  to: number,
  canSee?: CanSeeSchedule,
) {
  return scheduleShifts(
    findSchedule(directory, id, canSee),
    (await directory.overrides(db, from, to, [id])).get(id) ?? [],
    from,
    to,
  );
}

export const shiftDto = (s: { user: string | null; start: number; end: number }) => ({
  user: s.user,
  start: iso(s.start),
  end: iso(s.end),
});
