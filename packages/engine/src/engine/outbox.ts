/**
 * Claiming due rows of an outbox table (notifications, Grafana annotations): rows queued and due, or
 * stuck in `sending` longer than a send can take (the process died mid-send), are marked `sending` with
 * one more attempt inside the tick's transaction. Sending happens after the commit; `FOR UPDATE SKIP
 * LOCKED` on PostgreSQL keeps replicas from claiming the same row.
 */
import type { Transaction } from 'kysely';
import type { Database, GrafanaAnnotationRow, NotificationRow } from '../db/tables.ts';

interface OutboxRows {
  notifications: NotificationRow;
  grafana_annotations: GrafanaAnnotationRow;
}

export async function claimDue<T extends keyof OutboxRows>(
  trx: Transaction<Database>,
  table: T,
  o: { now: number; staleMs: number; limit: number; rowLocks: boolean },
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
        eb.and([eb('status', '=', 'sending'), eb('updated_at', '<', o.now - o.staleMs)]),
      ]),
    )
    .orderBy('due_at')
    .limit(o.limit);
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
