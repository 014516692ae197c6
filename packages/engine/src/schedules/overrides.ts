/**
 * The overrides created through the API, and the schedule's timeline of changes: the only writer of
 * `schedule_overrides` and `schedule_events`. Each change and its event are one transaction, so an
 * override never changes without its author on record. An override comes from the overrides API
 * (`source: api`) or from shift self-service (`cover`, `swap`, `temporary`, with the request's or the
 * temporary schedule's id); those record their own events here too. (The on-call directory reads the
 * overrides, with the config's, to decide who is on call.)
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, ScheduleEventsTable, ScheduleOverridesTable } from '../db/tables.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type OverrideRow = Selectable<ScheduleOverridesTable>;
export type ScheduleEventRow = Selectable<ScheduleEventsTable>;

/** Where an override came from: the overrides API, or a cover, swap or temporary schedule. */
export type OverrideSource = 'api' | 'cover' | 'swap' | 'temporary';

export interface NewOverride {
  scheduleId: string;
  userId: string;
  from: number;
  to: number;
  createdBy: string;
  createdAt: number;
  /** Default `api`. */
  source?: OverrideSource;
  /** The shift request or temporary schedule, for the other sources. */
  sourceId?: number;
}

/** What a schedule's timeline records besides overrides: shift requests and temporary schedules. */
export type ScheduleEventKind =
  | 'override.created'
  | 'override.deleted'
  | 'request.created'
  | 'request.accepted'
  | 'request.declined'
  | 'request.canceled'
  | 'request.expired'
  | 'temporary.created'
  | 'temporary.deleted';

export interface NewScheduleEvent {
  scheduleId: string;
  kind: ScheduleEventKind;
  actor: string;
  at: number;
  message: string;
  data: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs `fn` in `db` when it is a transaction already, else in a new one. */
function inTransaction<T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}

/** Appends one event to a schedule's timeline (inside the caller's transaction, with its change). */
export async function recordScheduleEvent(db: Db, e: NewScheduleEvent): Promise<void> {
  await db
    .insertInto('schedule_events')
    .values({
      schedule_id: e.scheduleId,
      at: e.at,
      kind: e.kind,
      actor: e.actor,
      message: e.message,
      data: JSON.stringify(e.data),
    })
    .execute();
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
    ...(row.source === 'api' ? {} : { source: row.source, sourceId: row.source_id }),
  };
  await recordScheduleEvent(trx, {
    scheduleId: row.schedule_id,
    kind,
    actor,
    at,
    message,
    data: { override },
  });
}

const fromSource = (row: OverrideRow) =>
  row.source === 'api' || row.source_id === null ? '' : ` for ${row.source} ${row.source_id}`;

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
        source: o.source ?? 'api',
        source_id: o.sourceId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendScheduleEvent(
      trx,
      'override.created',
      o.createdBy,
      o.createdAt,
      `${o.createdBy} put ${o.userId} on call from ${iso(o.from)} to ${iso(o.to)} (override ${row.id}${fromSource(row)})`,
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

/**
 * Deletes the overrides that `source` `sourceId` made on `scheduleId` (a canceled swap, a removed
 * temporary schedule), each with its `override.deleted` event; returns how many.
 */
export async function deleteOverridesOf(
  db: Db,
  scheduleId: string,
  source: Exclude<OverrideSource, 'api'>,
  sourceId: number,
  actor: string,
  at: number,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const rows = await trx
      .deleteFrom('schedule_overrides')
      .where('schedule_id', '=', scheduleId)
      .where('source', '=', source)
      .where('source_id', '=', sourceId)
      .returningAll()
      .execute();
    for (const row of rows)
      await appendScheduleEvent(
        trx,
        'override.deleted',
        actor,
        at,
        `${actor} removed override ${row.id} (${row.user_id} from ${iso(row.starts_at)} to ${iso(row.ends_at)}${fromSource(row)})`,
        row,
      );
    return rows.length;
  });
}

/** The overrides that `source` `sourceId` made on `scheduleId`, by start. */
export async function overridesOf(
  db: Db,
  scheduleId: string,
  source: Exclude<OverrideSource, 'api'>,
  sourceIds: readonly number[],
): Promise<OverrideRow[]> {
  if (sourceIds.length === 0) return [];
  return db
    .selectFrom('schedule_overrides')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('source', '=', source)
    .where('source_id', 'in', [...sourceIds])
    .orderBy('starts_at')
    .execute();
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
