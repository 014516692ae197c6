/**
 * What delivery writes about outcomes: attempt events on the timeline, and a notification that failed
 * for good. When every channel to a paged person has failed, the escalation moves to its next step at
 * once (through the escalation store), so a dead phone never holds up the backup.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock/clock.ts';
import type { Database, NewIncidentEventRow, NotificationRow } from '../db/tables.ts';
import { escalateNow } from '../escalation/store.ts';
import { updateNotification } from '../notifications/store.ts';
import { appendTimeline, timelineEvent } from '../timeline/timeline.ts';

export interface FailureDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Asks the engine for a cycle now (an escalation was moved forward). */
  poke?: () => void;
}

/** A delivery event on the notification's incident timeline (none for notices without an incident). */
export function eventRow(
  row: NotificationRow,
  at: number,
  kind: string,
  message: string,
  data: Record<string, unknown>,
): NewIncidentEventRow {
  return timelineEvent(row.incident_id ?? 0, at, kind, 'klaxon:delivery', message, data);
}

export async function insertEvents(
  db: Kysely<Database> | Transaction<Database>,
  events: NewIncidentEventRow[],
): Promise<void> {
  await appendTimeline(
    db,
    events.filter((e) => e.incident_id !== 0),
  );
}

/** Marks a notification failed; if the person it paged now has no channel that worked, escalates at once. */
export async function finishFailed(deps: FailureDeps, row: NotificationRow, reason: string): Promise<void> {
  const { db, clock } = deps;
  const t = clock.now().getTime();
  await updateNotification(db, row.id, { status: 'failed', last_error: reason.slice(0, 500), updated_at: t });
  if (row.kind !== 'page' || row.incident_id === null || row.step_index === null) return;
  const siblings = await db
    .selectFrom('notifications')
    .select('status')
    .where('incident_id', '=', row.incident_id)
    .where('user_id', '=', row.user_id)
    .where('step_index', '=', row.step_index)
    .where('kind', '=', 'page')
    .where('due_at', '<=', t)
    .execute();
  if (siblings.some((s) => s.status !== 'failed')) return;
  const moved = await escalateNow(db, row.incident_id, t, { onlyStep: row.step_index + 1 });
  if (!moved) return;
  await insertEvents(db, [
    eventRow(
      row,
      t,
      'escalation.unreachable',
      `Every channel to ${row.user_id} failed; escalating to the next step now`,
      { user: row.user_id, step: row.step_index },
    ),
  ]);
  deps.poke?.();
}
