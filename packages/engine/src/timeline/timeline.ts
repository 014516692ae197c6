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

/**
 * The events retention keeps however old: the incident's own lifecycle and people's notes. Everything
 * else (alerts firing, escalation steps, deliveries) is detail.
 */
const KEPT_PREFIX = 'incident.';
const KEPT_KINDS = ['note'];

/**
 * Retention: deletes up to `limit` detail events from before `before` of incidents that are resolved,
 * oldest first; returns how many. Bounded, so each call is one short transaction.
 */
export async function pruneTimelineDetails(
  db: Kysely<Database> | Transaction<Database>,
  before: number,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('incident_events')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('incident_events as e')
        .select('e.id')
        .where('e.at', '<', before)
        .where('e.kind', 'not like', `${KEPT_PREFIX}%`)
        .where('e.kind', 'not in', KEPT_KINDS)
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('incidents as i')
                .select('i.id')
                .whereRef('i.id', '=', 'e.incident_id')
                .where('i.state', '<>', 'resolved'),
            ),
          ),
        )
        .orderBy('e.at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
