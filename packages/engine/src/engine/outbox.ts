/**
 * Claiming due rows of an outbox table (notifications, Grafana annotations): rows queued and due, or
 * stuck in `sending` longer than a send can take (the process died mid-send), are marked `sending` with
 * one more attempt inside the tick's transaction. Sending happens after the commit; `FOR UPDATE SKIP
 * LOCKED` on PostgreSQL keeps replicas from claiming the same row. `outboxWorker` is that loop as an
 * engine module, and `retryDelayMs` the backoff both outboxes retry with.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, GrafanaAnnotationRow, NotificationRow } from '../db/tables.ts';
import type { EngineModule } from './loop.ts';

interface OutboxRows {
  notifications: NotificationRow;
  grafana_annotations: GrafanaAnnotationRow;
}

export async function claimDue<T extends keyof OutboxRows>(
  trx: Transaction<Database>,
  table: T,
  o: {
    now: number;
    /** Also claim rows in `sending` for longer than this (ms); null: only queued rows. */
    staleMs: number | null;
    limit: number;
    rowLocks: boolean;
    /** Only these incidents' rows (notifications). */
    incidentIds?: readonly number[];
  },
): Promise<OutboxRows[T][]> {
  // Both tables share the outbox columns; one query serves them.
  const db = trx as unknown as Transaction<Pick<Database, 'notifications'>>;
  const from = table as 'notifications';
  let q = db
    .selectFrom(from)
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('due_at', '<=', o.now)]),
        ...(o.staleMs === null
          ? []
          : [eb.and([eb('status', '=', 'sending'), eb('updated_at', '<', o.now - o.staleMs)])]),
      ]),
    )
    .orderBy('due_at')
    .limit(o.limit);
  if (o.incidentIds) q = q.where('incident_id', 'in', [...o.incidentIds]);
  if (o.rowLocks) q = q.forUpdate().skipLocked();
  const rows = (await q.execute()) as unknown as OutboxRows[T][];
  if (rows.length === 0) return rows;
  await db
    .updateTable(from)
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: o.now }))
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
}

/** A row of an outbox table. */
export type OutboxRow<T extends keyof OutboxRows> = OutboxRows[T];

export interface OutboxWorkerOptions<T extends keyof OutboxRows> {
  /** The engine module's name (its lock is named after it). */
  name: string;
  table: T;
  /** Run the tick at most this often (ms). */
  everyMs: number;
  /** At most this many rows claimed per tick. */
  claimLimit: number;
  /** A row in `sending` for longer than this (ms) was abandoned by a dead process: claim it again. */
  staleMs: number;
  /**
   * Sends rows already claimed (status `sending`, attempts counted), after the commit that claimed them,
   * and records each one's outcome. A rejection is swallowed: a row it left in `sending` goes stale and is
   * claimed again.
   */
  deliver: (rows: OutboxRow<T>[]) => Promise<void>;
}

export interface OutboxWorker<T extends keyof OutboxRows> {
  /** The engine module: its tick claims due rows and hands them to `deliver` once committed. */
  module: EngineModule;
  /** Sends rows claimed elsewhere (e.g. pages the escalation wrote as `sending`), tracked like the tick's. */
  dispatch: (rows: OutboxRow<T>[]) => void;
  /** Resolves when every send started so far has finished. */
  drain: () => Promise<void>;
}

/**
 * The outbox loop shared by delivery and Grafana annotations: claim due rows in the tick's transaction,
 * send them in the background after the commit, and keep track of the sends in flight for `drain()`.
 *
 * @example
 * const worker = outboxWorker({
 *   name: 'annotations', table: 'grafana_annotations', everyMs: 1000, claimLimit: 50, staleMs: 62_000,
 *   deliver: (rows) => pushAll(rows),
 * });
 * loop modules: [worker.module]; on shutdown: await worker.drain();
 */
export function outboxWorker<T extends keyof OutboxRows>(o: OutboxWorkerOptions<T>): OutboxWorker<T> {
  const inflight = new Set<Promise<void>>();
  const run = async (rows: OutboxRow<T>[]) => {
    await o.deliver(rows);
  };
  const dispatch = (rows: OutboxRow<T>[]) => {
    const p = run(rows).catch(() => undefined);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  return {
    module: {
      name: o.name,
      everyMs: o.everyMs,
      async tick({ trx, now, rowLocks, afterCommit }) {
        const rows = await claimDue(trx, o.table, {
          now: now.getTime(),
          staleMs: o.staleMs,
          limit: o.claimLimit,
          rowLocks,
        });
        if (rows.length === 0) return;
        afterCommit(() => dispatch(rows));
      },
      // The earliest queued row (a delayed rule, a retry's backoff) wakes the loop; stale sends do not.
      async nextDueAt(db) {
        const row = await (db as unknown as Kysely<Pick<Database, 'notifications'>>)
          .selectFrom(o.table as 'notifications')
          .select('due_at')
          .where('status', '=', 'queued')
          .orderBy('due_at')
          .limit(1)
          .executeTakeFirst();
        return row?.due_at ?? null;
      },
    },
    dispatch,
    drain: async () => {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}

/**
 * How long to wait before attempt `attempt + 1`: `baseMs × 2^(attempt − 1)`, capped at `maxMs`, times a
 * jitter in [0.5, 1); never less than `atLeastMs` (what the other side asked for, e.g. Retry-After).
 */
export function retryDelayMs(o: {
  /** The attempt that just failed, from 1. */
  attempt: number;
  baseMs: number;
  maxMs: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
  atLeastMs?: number;
}): number {
  const backoff = Math.min(o.maxMs, o.baseMs * 2 ** (o.attempt - 1));
  return Math.max(backoff * (0.5 + o.random() * 0.5), o.atLeastMs ?? 0);
}
