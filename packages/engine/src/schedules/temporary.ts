/**
 * Temporary schedules: for a period (a launch night, a season start) a list of shifts replaces a
 * schedule. The only writer of `temporary_schedules`; each shift is an override (source `temporary`),
 * made and removed with its temporary schedule in one transaction, with events on the schedule's
 * timeline. The shifts must cover the whole period without gaps or overlaps: a gap would leave nobody on
 * call.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, TemporarySchedulesTable } from '../db/tables.ts';
import { ApiError } from '../errors/errors.ts';
import {
  deleteOverridesOf,
  insertOverride,
  overridesOf,
  recordScheduleEvent,
  type OverrideRow,
} from './overrides.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type TemporaryRow = Selectable<TemporarySchedulesTable>;

/** The most shifts one temporary schedule may have. */
export const MAX_TEMPORARY_SHIFTS = 200;

const iso = (ms: number) => new Date(ms).toISOString();

export interface TemporaryShift {
  user: string;
  from: number;
  to: number;
}

export interface TemporaryScheduleDto {
  id: number;
  schedule: string;
  name: string;
  from: string;
  to: string;
  createdBy: string;
  createdAt: string;
  shifts: { user: string; from: string; to: string; override: number }[];
}

/**
 * The shifts sorted by start, or a refusal: a shift outside [from, to) or empty, two that overlap
 * (`invalid_temporary_schedule`), or a stretch of the period nobody covers (`temporary_gap`, naming it).
 */
export function checkTemporaryShifts(
  from: number,
  to: number,
  shifts: readonly TemporaryShift[],
): TemporaryShift[] {
  const bad = (message: string) => new ApiError('invalid_temporary_schedule', message);
  const sorted = [...shifts].sort((a, b) => a.from - b.from || a.to - b.to);
  for (const s of sorted) {
    if (s.to <= s.from) throw bad(`The shift of ${s.user} from ${iso(s.from)} ends before it starts.`);
    if (s.from < from || s.to > to)
      throw bad(
        `The shift of ${s.user} from ${iso(s.from)} to ${iso(s.to)} is outside the temporary schedule (${iso(from)} to ${iso(to)}).`,
      );
  }
  let covered = from;
  for (const s of sorted) {
    if (s.from < covered)
      throw bad(
        `The shift of ${s.user} from ${iso(s.from)} to ${iso(s.to)} overlaps the shift before it (until ${iso(covered)}); give each moment one person.`,
      );
    if (s.from > covered) throw gap(covered, s.from);
    covered = s.to;
  }
  if (covered < to) throw gap(covered, to);
  return sorted;
}

function gap(from: number, to: number): ApiError {
  return new ApiError(
    'temporary_gap',
    `Nobody is on call from ${iso(from)} to ${iso(to)}: a temporary schedule replaces the schedule for its whole period, so its shifts must cover it without gaps. Add a shift for that time, or shorten the period.`,
  );
}

export interface NewTemporarySchedule {
  scheduleId: string;
  name: string;
  from: number;
  to: number;
  shifts: readonly TemporaryShift[];
  createdBy: string;
  now: number;
}

/** A temporary schedule of `scheduleId` that overlaps [from, to), if any. */
export async function overlappingTemporary(
  db: Db,
  scheduleId: string,
  from: number,
  to: number,
): Promise<TemporaryRow | undefined> {
  return db
    .selectFrom('temporary_schedules')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .executeTakeFirst();
}

/** Stores a temporary schedule and one override per shift, with `temporary.created` by its author. */
export async function insertTemporary(
  trx: Transaction<Database>,
  t: NewTemporarySchedule,
): Promise<TemporaryScheduleDto> {
  const row = await trx
    .insertInto('temporary_schedules')
    .values({
      schedule_id: t.scheduleId,
      name: t.name,
      starts_at: t.from,
      ends_at: t.to,
      created_by: t.createdBy,
      created_at: t.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const overrides: OverrideRow[] = [];
  for (const s of t.shifts)
    overrides.push(
      await insertOverride(trx, {
        scheduleId: t.scheduleId,
        userId: s.user,
        from: s.from,
        to: s.to,
        createdBy: t.createdBy,
        createdAt: t.now,
        source: 'temporary',
        sourceId: row.id,
      }),
    );
  const dto = toTemporaryDto(row, overrides);
  await recordScheduleEvent(trx, {
    scheduleId: t.scheduleId,
    kind: 'temporary.created',
    actor: t.createdBy,
    at: t.now,
    message: `${t.createdBy} replaced the schedule from ${iso(t.from)} to ${iso(t.to)} with temporary schedule ${row.id} "${t.name}" (${t.shifts.length} shift${t.shifts.length === 1 ? '' : 's'})`,
    data: { temporarySchedule: dto },
  });
  return dto;
}

function toTemporaryDto(row: TemporaryRow, overrides: readonly OverrideRow[]): TemporaryScheduleDto {
  return {
    id: row.id,
    schedule: row.schedule_id,
    name: row.name,
    from: iso(row.starts_at),
    to: iso(row.ends_at),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    shifts: overrides.map((o) => ({
      user: o.user_id,
      from: iso(o.starts_at),
      to: iso(o.ends_at),
      override: o.id,
    })),
  };
}

/** A schedule's temporary schedules that end after `since`, by start, with their shifts; at most 200. */
export async function listTemporary(
  db: Db,
  scheduleId: string,
  since: number,
): Promise<TemporaryScheduleDto[]> {
  const rows = await db
    .selectFrom('temporary_schedules')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('ends_at', '>', since)
    .orderBy('starts_at')
    .limit(200)
    .execute();
  const overrides = await overridesOf(
    db,
    scheduleId,
    'temporary',
    rows.map((r) => r.id),
  );
  return rows.map((r) =>
    toTemporaryDto(
      r,
      overrides.filter((o) => o.source_id === r.id),
    ),
  );
}

/** Removes temporary schedule `id` and its overrides, with `temporary.deleted` by `actor`; false when absent. */
export async function deleteTemporary(
  trx: Transaction<Database>,
  scheduleId: string,
  id: number,
  actor: string,
  at: number,
): Promise<boolean> {
  const row = await trx
    .deleteFrom('temporary_schedules')
    .where('id', '=', id)
    .where('schedule_id', '=', scheduleId)
    .returningAll()
    .executeTakeFirst();
  if (!row) return false;
  const removed = await deleteOverridesOf(trx, scheduleId, 'temporary', id, actor, at);
  await recordScheduleEvent(trx, {
    scheduleId,
    kind: 'temporary.deleted',
    actor,
    at,
    message: `${actor} removed temporary schedule ${id} "${row.name}" (${iso(row.starts_at)} to ${iso(row.ends_at)}, ${removed} override${removed === 1 ? '' : 's'}, by ${row.created_by})`,
    data: { temporarySchedule: toTemporaryDto(row, []) },
  });
  return true;
}
