/**
 * Reading incidents and the changes people make to them: acknowledge, resolve, add a note. Each change
 * is one transaction that also writes the timeline event.
 */
import type { Kysely, Transaction } from 'kysely';
import type { KlaxonDatabase } from '../db/database.ts';
import type { Database, IncidentRow, IncidentState } from '../db/tables.ts';
import type { Tier } from '../alerts/tier.ts';
import { ackTimeoutFor } from '../escalation/policy.ts';
import { escalateNow, stopPaging } from '../escalation/store.ts';
import { annotationPolicy, queueIncidentAnnotations, type AnnotationPolicy } from '../annotations/outbox.ts';
import { ApiError } from '../errors/errors.ts';
import type { IncidentChangesConfig } from './config.ts';
import { appendTimelineEvent, timelineEvent } from '../timeline/timeline.ts';
import {
  toAlertDto,
  toEscalationDto,
  toEventDto,
  toIncidentDto,
  toNotificationDto,
  type EventDto,
  type IncidentDto,
} from './model.ts';

export interface IncidentFilter {
  states?: IncidentState[];
  tiers?: string[];
  services?: string[];
  limit: number;
  /** Only incidents with a smaller id (for paging newest-first). */
  before?: number;
}

export async function listIncidents(store: KlaxonDatabase, f: IncidentFilter): Promise<IncidentDto[]> {
  let q = store.db.selectFrom('incidents').selectAll().orderBy('id', 'desc').limit(f.limit);
  if (f.states?.length) q = q.where('state', 'in', f.states);
  if (f.tiers?.length) q = q.where('tier', 'in', f.tiers);
  if (f.services?.length) q = q.where('service_id', 'in', f.services);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  return (await q.execute()).map(toIncidentDto);
}

export async function getIncident(store: KlaxonDatabase, id: number) {
  const row = await store.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError('not_found', `Incident ${id} does not exist.`);
  const [alerts, events, notifications, escalation] = await Promise.all([
    store.db.selectFrom('alerts').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
    store.db.selectFrom('incident_events').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
    store.db.selectFrom('notifications').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
    store.db.selectFrom('escalations').selectAll().where('incident_id', '=', id).executeTakeFirst(),
  ]);
  return {
    incident: toIncidentDto(row),
    alerts: alerts.map(toAlertDto),
    timeline: events.map(toEventDto),
    notifications: notifications.map(toNotificationDto),
    escalation: escalation ? toEscalationDto(escalation) : null,
  };
}

/** Runs `fn` with the incident row locked against ingest and other replicas. */
async function withIncident<T>(
  store: KlaxonDatabase,
  id: number,
  fn: (trx: Transaction<Database>, row: IncidentRow) => Promise<T>,
): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    const probe = await trx
      .selectFrom('incidents')
      .select('group_ref')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!probe) throw new ApiError('not_found', `Incident ${id} does not exist.`);
    // Same key order as ingest (advisory lock, then row lock), so the two never deadlock.
    await store.locker.lockKeys(trx, [`group:${probe.group_ref}`]);
    let q = trx.selectFrom('incidents').selectAll().where('id', '=', id);
    if (store.locker.rowLocks) q = q.forUpdate();
    return fn(trx, await q.executeTakeFirstOrThrow());
  });
}

async function addEvent(
  trx: Transaction<Database>,
  ...event: Parameters<typeof timelineEvent>
): Promise<EventDto> {
  return toEventDto(await appendTimelineEvent(trx, timelineEvent(...event)));
}

/** What a person's acknowledge or resolve does besides the incident itself. */
export interface ChangeOptions {
  /** An acknowledged incident not resolved within this time (ms) is triggered again; null: never. */
  ackTimeout?: (tier: Tier) => number | null;
  /** Queue Grafana annotations for the change (null or absent: Grafana is not configured). */
  annotations?: AnnotationPolicy | null;
}

/** The options the config implies. */
export function changeOptions(config: IncidentChangesConfig): ChangeOptions {
  return { ackTimeout: (tier) => ackTimeoutFor(config, tier), annotations: annotationPolicy(config) };
}

/**
 * Acknowledges a triggered incident and stops its escalation (with an ack timeout, the escalation waits
 * to re-trigger instead). Acknowledging twice is a no-op.
 */
export async function acknowledgeIncident(
  store: KlaxonDatabase,
  id: number,
  actor: string,
  now: number,
  opts: ChangeOptions = {},
): Promise<IncidentDto> {
  return withIncident(store, id, async (trx, row) => {
    if (row.state === 'resolved')
      throw new ApiError(
        'incident_resolved',
        `Incident ${id} is already resolved; there is nothing to acknowledge.`,
      );
    if (row.state === 'acknowledged') return toIncidentDto(row);
    const updated = await trx
      .updateTable('incidents')
      .set({ state: 'acknowledged', acknowledged_at: now, acknowledged_by: actor, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await addEvent(trx, id, now, 'incident.acknowledged', actor, `Acknowledged by ${actor}`);
    await stopPaging(
      trx,
      [{ incidentId: id, reason: 'acknowledged', ackTimeoutMs: opts.ackTimeout?.(row.tier as Tier) ?? null }],
      now,
    );
    await queueIncidentAnnotations(
      trx,
      opts.annotations ?? null,
      [{ incident: updated, change: 'acknowledged', at: now, actor }],
      now,
    );
    return toIncidentDto(updated);
  });
}

/** Resolves an incident and every alert still firing in it; resolving twice is a no-op. */
export async function resolveIncident(
  store: KlaxonDatabase,
  id: number,
  actor: string,
  now: number,
  opts: ChangeOptions = {},
): Promise<IncidentDto> {
  return withIncident(store, id, async (trx, row) => {
    if (row.state === 'resolved') return toIncidentDto(row);
    const updated = await trx
      .updateTable('incidents')
      .set({ state: 'resolved', resolved_at: now, resolved_by: actor, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // A source that is still firing re-opens the incident when it next reports.
    await trx
      .updateTable('alerts')
      .set({ status: 'resolved', ends_at: now })
      .where('incident_id', '=', id)
      .where('status', '=', 'firing')
      .execute();
    await addEvent(trx, id, now, 'incident.resolved', actor, `Resolved by ${actor}`);
    await stopPaging(trx, [{ incidentId: id, reason: 'resolved', ackTimeoutMs: null }], now);
    await queueIncidentAnnotations(
      trx,
      opts.annotations ?? null,
      [{ incident: updated, change: 'resolved', at: now, actor }],
      now,
    );
    return toIncidentDto(updated);
  });
}

export async function addNote(
  store: KlaxonDatabase,
  id: number,
  actor: string,
  text: string,
  now: number,
): Promise<EventDto> {
  return withIncident(store, id, (trx) => addEvent(trx, id, now, 'note', actor, text));
}

/**
 * "Escalate now": the next step of a triggered incident's escalation fires at the next engine tick
 * instead of after its delay. The escalation module does the paging, exactly as for a timed step.
 */
export async function escalateIncident(
  store: KlaxonDatabase,
  id: number,
  actor: string,
  now: number,
): Promise<IncidentDto> {
  return withIncident(store, id, async (trx, row) => {
    if (row.state !== 'triggered')
      throw new ApiError(
        'not_escalating',
        `Incident ${id} is ${row.state}; only a triggered incident can be escalated.`,
      );
    const escalation = await escalateNow(trx, id, now);
    if (!escalation)
      throw new ApiError(
        'not_escalating',
        `Incident ${id} has no escalation step left to run (its tier does not page, or every step has run). Page someone directly or add a note.`,
      );
    await addEvent(trx, id, now, 'escalation.manual', actor, `Escalated now by ${actor}`, {
      step: escalation.step_index,
      wasDueAt: escalation.next_at,
    });
    const updated = await trx
      .updateTable('incidents')
      .set({ updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toIncidentDto(updated);
  });
}

/**
 * Acknowledged incidents whose acknowledgement timed out are triggered again (the escalation module
 * calls this, through the composition root, in its tick's transaction).
 */
export async function retriggerIncidents(
  trx: Transaction<Database>,
  ids: readonly number[],
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('incidents')
    .set({ state: 'triggered', acknowledged_at: null, acknowledged_by: null, updated_at: now })
    .where('id', 'in', [...ids])
    .where('state', '=', 'acknowledged')
    .execute();
}

/**
 * Retention: deletes up to `limit` alerts last seen before `before` (first seen before it too) that no
 * open incident holds, oldest first; returns how many. Bounded, so each call is one short transaction.
 */
export async function pruneAlerts(
  db: Kysely<Database> | Transaction<Database>,
  before: number,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('alerts')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('alerts as a')
        .select('a.id')
        .where('a.first_seen_at', '<', before)
        .where('a.last_seen_at', '<', before)
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('incidents as i')
                .select('i.id')
                .whereRef('i.id', '=', 'a.incident_id')
                .where('i.state', '<>', 'resolved'),
            ),
          ),
        )
        .orderBy('a.first_seen_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
