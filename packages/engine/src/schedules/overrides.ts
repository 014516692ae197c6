/**
 * The overrides created through the API, and the schedule's timeline of changes to them: the only writer
 * of `schedule_overrides` and `schedule_events`. Each change and its event are one transaction, so an
 * override never changes without its author on record. (The on-call directory reads the overrides, with
 * the config's, to decide who is on call.)
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, ScheduleEventsTable, ScheduleOverridesTable } from '../db/tables.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type OverrideRow = Selectable<ScheduleOverridesTable>;
export type ScheduleEventRow = Selectable<ScheduleEventsTable>;

export interface NewOverride {
  scheduleId: string;
  userId: string;
  from: number;
  to: number;
  createdBy: string;
  createdAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs `fn` in `db` when it is a transaction already, else in a new one. */
function inTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}

async function appendScheduleEvent(
  trx: Transaction<Database>,
  kind: 'override.created' | 'override.deleted',
  actor: string,
  at: number,
  message: string,
  row: OverrideRow,
): Promise<void> {
  const override = {
    id: row.id,
    user: row.user_id,
    from: iso(row.starts_at),
    to: iso(row.ends_at),
    createdBy: row.created_by,
  };
  await trx
    .insertInto('schedule_events')
    .values({ schedule_id: row.schedule_id, at, kind, actor, message, data: JSON.stringify({ override }) })
    .execute();
}

/** Adds an override, and `override.created` by its author on the schedule's timeline. */
export async function insertOverride(db: Db, o: NewOverride): Promise<OverrideRow> {
  return inTransaction(db, async (trx) => {
    const row = await trx
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
    await appendScheduleEvent(
      trx,
      'override.created',
      o.createdBy,
      o.createdAt,
      `${o.createdBy} put ${o.userId} on call from ${iso(o.from)} to ${iso(o.to)} (override ${row.id})`,
      row,
    );
    return row;
  });
}

/**
 * Deletes override `id` of schedule `scheduleId`, and records `override.deleted` by `actor`; false when
 * there is no such override.
 */
export async function deleteOverride(
  db: Db,
  scheduleId: string,
  id: number,
  actor: string,
  at: number,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .deleteFrom('schedule_overrides')
      .where('id', '=', id)
      .where('schedule_id', '=', scheduleId)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    await appendScheduleEvent(
      trx,
      'override.deleted',
      actor,
      at,
      `${actor} removed override ${row.id} (${row.user_id} from ${iso(row.starts_at)} to ${iso(row.ends_at)}, added by ${row.created_by})`,
      row,
    );
    return true;
  });
}

/** A schedule's timeline, newest first: at most `limit` events, with ids below `before` when given. */
export async function listScheduleEvents(
  db: Db,
  scheduleId: string,
  opts: { limit: number; before?: number | undefined },
): Promise<ScheduleEventRow[]> {
  let q = db.selectFrom('schedule_events').selectAll().where('schedule_id', '=', scheduleId);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
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
