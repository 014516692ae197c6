/**
 * The overrides created through the API: the only writer of `schedule_overrides`. (The on-call
 * directory reads them, with the config's, to decide who is on call.)
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, ScheduleOverridesTable } from '../db/tables.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type OverrideRow = Selectable<ScheduleOverridesTable>;

export interface NewOverride {
  scheduleId: string;
  userId: string;
  from: number;
  to: number;
  createdBy: string;
  createdAt: number;
}

export async function insertOverride(db: Db, o: NewOverride): Promise<OverrideRow> {
  return db
    .insertInto('schedule_overrides')
    .values({
      schedule_id: o.scheduleId,
      user_id: o.userId,
      starts_at: o.from,
      ends_at: o.to,
      created_by: o.createdBy,
      created_at: o.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes override `id` of schedule `scheduleId`; false when there is no such override. */
export async function deleteOverride(db: Db, scheduleId: string, id: number): Promise<boolean> {
  const res = await db
    .deleteFrom('schedule_overrides')
    .where('id', '=', id)
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** The API's overrides on a schedule that overlap [from, to), by start. */
export async function listOverrides(
  db: Db,
  scheduleId: string,
  from: number,
  to: number,
): Promise<OverrideRow[]> {
  return db
    .selectFrom('schedule_overrides')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('ends_at', '>', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .execute();
}
