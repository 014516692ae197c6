/**
 * Cover and swap requests: the only writer of `shift_requests`. A request is `open` until it is accepted
 * (which makes its overrides, in the same transaction), declined, canceled or expired; each change is a
 * conditional update on the state it leaves, so of two replicas or two people acting at once exactly one
 * wins. Every change records its event on the schedule's timeline through ./overrides.ts.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, ShiftRequestsTable } from '../db/tables.ts';
import {
  deleteOverridesOf,
  insertOverride,
  recordScheduleEvent,
  type ScheduleEventKind,
} from './overrides.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type ShiftRequestRow = Selectable<ShiftRequestsTable>;
export type RequestKind = 'cover' | 'swap';
export type RequestState = 'open' | 'accepted' | 'declined' | 'canceled' | 'expired';

const iso = (ms: number) => new Date(ms).toISOString();

export interface ShiftRequestDto {
  id: number;
  schedule: string;
  kind: RequestKind;
  state: RequestState;
  requester: string;
  from: string;
  to: string;
  with: string | null;
  swapFrom: string | null;
  swapTo: string | null;
  note: string;
  expiresAt: string;
  createdAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export function toRequestDto(r: ShiftRequestRow): ShiftRequestDto {
  return {
    id: r.id,
    schedule: r.schedule_id,
    kind: r.kind as RequestKind,
    state: r.state as RequestState,
    requester: r.requester,
    from: iso(r.starts_at),
    to: iso(r.ends_at),
    with: r.counterpart,
    swapFrom: r.swap_starts_at === null ? null : iso(r.swap_starts_at),
    swapTo: r.swap_ends_at === null ? null : iso(r.swap_ends_at),
    note: r.note,
    expiresAt: iso(r.expires_at),
    createdAt: iso(r.created_at),
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at),
  };
}

/** What a request asks, in words, for messages and the timeline. */
export function describeRequest(r: ShiftRequestRow): string {
  const range = `${iso(r.starts_at)} to ${iso(r.ends_at)}`;
  return r.kind === 'cover'
    ? `cover for ${r.requester} from ${range}`
    : `a swap: ${r.counterpart} takes ${r.requester}'s ${range}, ${r.requester} takes ${r.counterpart}'s ${iso(r.swap_starts_at!)} to ${iso(r.swap_ends_at!)}`;
}

async function recordRequestEvent(
  db: Db,
  kind: Extract<ScheduleEventKind, `request.${string}`>,
  actor: string,
  at: number,
  message: string,
  row: ShiftRequestRow,
): Promise<void> {
  await recordScheduleEvent(db, {
    scheduleId: row.schedule_id,
    kind,
    actor,
    at,
    message,
    data: { request: toRequestDto(row) },
  });
}

export interface NewShiftRequest {
  scheduleId: string;
  kind: RequestKind;
  requester: string;
  from: number;
  to: number;
  with: string | null;
  swapFrom: number | null;
  swapTo: number | null;
  note: string;
  expiresAt: number;
  now: number;
}

/** Stores an open request and records `request.created` by its requester. */
export async function insertRequest(
  trx: Transaction<Database>,
  r: NewShiftRequest,
): Promise<ShiftRequestRow> {
  const row = await trx
    .insertInto('shift_requests')
    .values({
      schedule_id: r.scheduleId,
      kind: r.kind,
      state: 'open',
      requester: r.requester,
      starts_at: r.from,
      ends_at: r.to,
      counterpart: r.with,
      swap_starts_at: r.swapFrom,
      swap_ends_at: r.swapTo,
      note: r.note,
      expires_at: r.expiresAt,
      created_at: r.now,
      updated_at: r.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordRequestEvent(
    trx,
    'request.created',
    r.requester,
    r.now,
    `${r.requester} asked for ${describeRequest(row)} (request ${row.id})`,
    row,
  );
  return row;
}

/** A schedule's requests, newest first: the open ones, or all; at most 200. */
export async function listRequests(
  db: Db,
  scheduleId: string,
  state: 'open' | 'all',
): Promise<ShiftRequestRow[]> {
  let q = db.selectFrom('shift_requests').selectAll().where('schedule_id', '=', scheduleId);
  if (state === 'open') q = q.where('state', '=', 'open');
  return q.orderBy('id', 'desc').limit(200).execute();
}

export async function findRequest(
  db: Db,
  scheduleId: string,
  id: number,
): Promise<ShiftRequestRow | undefined> {
  return db
    .selectFrom('shift_requests')
    .selectAll()
    .where('id', '=', id)
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
}

/** An open request of `requester` on `scheduleId` whose range overlaps [from, to). */
export async function overlappingOpenRequest(
  db: Db,
  scheduleId: string,
  requester: string,
  from: number,
  to: number,
): Promise<ShiftRequestRow | undefined> {
  return db
    .selectFrom('shift_requests')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('requester', '=', requester)
    .where('state', '=', 'open')
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .executeTakeFirst();
}

/** Moves request `id` from `from` to `to` (by `actor` at `at`); undefined when it is not in `from` any more. */
async function transition(
  trx: Transaction<Database>,
  id: number,
  from: RequestState,
  to: RequestState,
  actor: string,
  at: number,
): Promise<ShiftRequestRow | undefined> {
  return trx
    .updateTable('shift_requests')
    .set({ state: to, resolved_by: actor, resolved_at: at, updated_at: at })
    .where('id', '=', id)
    .where('state', '=', from)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Accepts open request `id` as `acceptor` and makes its overrides: a cover puts the acceptor on call for
 * the range; a swap puts the counterpart on call for the requester's range and the requester for the
 * counterpart's. Undefined (and nothing written) when the request is no longer open.
 */
export async function acceptRequest(
  trx: Transaction<Database>,
  id: number,
  acceptor: string,
  at: number,
): Promise<ShiftRequestRow | undefined> {
  const row = await transition(trx, id, 'open', 'accepted', acceptor, at);
  if (!row) return undefined;
  const source = row.kind === 'swap' ? 'swap' : 'cover';
  const base = {
    scheduleId: row.schedule_id,
    createdBy: acceptor,
    createdAt: at,
    source,
    sourceId: row.id,
  } as const;
  await insertOverride(trx, { ...base, userId: acceptor, from: row.starts_at, to: row.ends_at });
  if (row.kind === 'swap')
    await insertOverride(trx, {
      ...base,
      userId: row.requester,
      from: row.swap_starts_at!,
      to: row.swap_ends_at!,
    });
  await recordRequestEvent(
    trx,
    'request.accepted',
    acceptor,
    at,
    `${acceptor} accepted ${describeRequest(row)} (request ${row.id})`,
    row,
  );
  return row;
}

/** Declines open request `id` (a swap, by its counterpart); undefined when it is no longer open. */
export async function declineRequest(
  trx: Transaction<Database>,
  id: number,
  actor: string,
  at: number,
): Promise<ShiftRequestRow | undefined> {
  const row = await transition(trx, id, 'open', 'declined', actor, at);
  if (row)
    await recordRequestEvent(
      trx,
      'request.declined',
      actor,
      at,
      `${actor} declined ${describeRequest(row)} (request ${row.id})`,
      row,
    );
  return row;
}

/**
 * Cancels request `id`, open or accepted (`was`); canceling an accepted one removes its overrides, so the
 * shifts go back to what they were. Undefined when it is no longer in state `was`.
 */
export async function cancelRequest(
  trx: Transaction<Database>,
  id: number,
  was: 'open' | 'accepted',
  actor: string,
  at: number,
): Promise<ShiftRequestRow | undefined> {
  const row = await transition(trx, id, was, 'canceled', actor, at);
  if (!row) return undefined;
  const removed =
    was === 'accepted'
      ? await deleteOverridesOf(
          trx,
          row.schedule_id,
          row.kind === 'swap' ? 'swap' : 'cover',
          row.id,
          actor,
          at,
        )
      : 0;
  const undo = removed > 0 ? `, removing its ${removed} override${removed === 1 ? '' : 's'}` : '';
  await recordRequestEvent(
    trx,
    'request.canceled',
    actor,
    at,
    `${actor} canceled ${describeRequest(row)} (request ${row.id})${undo}`,
    row,
  );
  return row;
}

/** Expires the open requests whose start has come, each with `request.expired`; returns them. */
export async function expireRequests(trx: Transaction<Database>, now: number): Promise<ShiftRequestRow[]> {
  const rows = await trx
    .updateTable('shift_requests')
    .set({ state: 'expired', resolved_at: now, updated_at: now })
    .where('state', '=', 'open')
    .where('expires_at', '<=', now)
    .returningAll()
    .execute();
  for (const row of rows)
    await recordRequestEvent(
      trx,
      'request.expired',
      'klaxon',
      now,
      `Nobody took ${describeRequest(row)} (request ${row.id}) before it started; it expired`,
      row,
    );
  return rows;
}

/** Open cover requests not yet warned about that start within `warnMs` of `now`. */
export async function unwarnedCoverRequests(db: Db, now: number, warnMs: number): Promise<ShiftRequestRow[]> {
  return db
    .selectFrom('shift_requests')
    .selectAll()
    .where('state', '=', 'open')
    .where('kind', '=', 'cover')
    .where('warned_at', 'is', null)
    .where('starts_at', '<=', now + warnMs)
    .where('expires_at', '>', now)
    .orderBy('id')
    .limit(500)
    .execute();
}

/** Marks request `id` warned; false when it already was (another replica got there first). */
export async function markWarned(trx: Transaction<Database>, id: number, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('shift_requests')
    .set({ warned_at: now, updated_at: now })
    .where('id', '=', id)
    .where('warned_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
