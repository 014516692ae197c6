/**
 * The incident timeline's one writer. Every event (ingest, escalation, delivery, people, callbacks) is
 * built by `timelineEvent` and written by `appendTimeline`, inside the caller's transaction when it has
 * one, so an event never outlives a change that rolled back.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, IncidentEventRow, NewIncidentEventRow } from '../db/tables.ts';

/** One shape for a timeline event row, whoever writes it. */
export function timelineEvent(
  incidentId: number,
  at: number,
  kind: string,
  actor: string,
  message: string,
  data: Record<string, unknown> = {},
): NewIncidentEventRow {
  return { incident_id: incidentId, at, kind, actor, message, data: JSON.stringify(data) };
}

const CHUNK = 500;

/** Writes events (in chunks, so a large batch stays under the databases' parameter limits). */
export async function appendTimeline(
  db: Kysely<Database> | Transaction<Database>,
  events: readonly NewIncidentEventRow[],
): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK)
    await db
      .insertInto('incident_events')
      .values(events.slice(i, i + CHUNK))
      .execute();
}

/** Writes one event and returns the stored row (for the API's answer). */
export async function appendTimelineEvent(
  db: Kysely<Database> | Transaction<Database>,
  event: NewIncidentEventRow,
): Promise<IncidentEventRow> {
  return db.insertInto('incident_events').values(event).returningAll().executeTakeFirstOrThrow();
}
