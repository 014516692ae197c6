/**
 * Applies a batch of incoming alerts to the incident model inside one transaction: de-duplicate, open,
 * join, re-open, acknowledge and resolve. It is set-oriented (a handful of statements per batch, whatever
 * its size) so that group commit stays cheap on PostgreSQL as well as SQLite.
 */
import type { Transaction } from 'kysely';
import type { IngestItem } from '../alerts/alert.ts';
import type { Tier } from '../alerts/tier.ts';
import { queueIncidentAnnotations, type IncidentChange } from '../annotations/outbox.ts';
import type { Locker } from '../db/locker.ts';
import type { AlertRow, Database } from '../db/tables.ts';
import { startEscalations, stopPaging } from '../escalation/store.ts';
import { announceTierChanges, queueAnnouncements } from '../notifications/store.ts';
import { appendTimeline } from '../timeline/timeline.ts';
import { alertKeyOf, groupRefOf, LEGACY_PREFIX, legacyAlertKeyOf, legacyGroupRefOf } from './keys.ts';
import {
  applyOne,
  pushGroup,
  type ApplyOptions,
  type ApplyResult,
  type BatchState,
  type IncidentState,
} from './machine.ts';
import { planPaging } from './paging.ts';

export type { ApplyOptions, ApplyOutcome, ApplyResult } from './machine.ts';

const ANNOTATED: Record<string, IncidentChange> = {
  'incident.triggered': 'opened',
  'incident.reopened': 'reopened',
  'incident.acknowledged': 'acknowledged',
  'incident.tier_changed': 'tier_raised',
  'incident.resolved': 'resolved',
};

const CHUNK = 400;

/** Applies `items` in order; returns one result per item. */
export async function applyBatch(
  trx: Transaction<Database>,
  locker: Locker,
  items: readonly IngestItem[],
  opts: ApplyOptions,
): Promise<ApplyResult[]> {
  if (items.length === 0) return [];
  // Each item's own keys, and the keys its source used before migration 0007 (see `legacyAlertKeyOf`).
  const alertKeys = [...new Set(items.flatMap((i) => [alertKeyOf(i), legacyAlertKeyOf(i)]))];
  const groupRefs = [...new Set(items.flatMap((i) => [groupRefOf(i), legacyGroupRefOf(i)]))];
  await locker.lockKeys(trx, [...groupRefs.map((g) => `group:${g}`), ...alertKeys.map((a) => `alert:${a}`)]);

  const state = await loadState(trx, locker, items, alertKeys, groupRefs, opts);
  const results = items.map((item) => applyOne(state, item, opts));
  const notifying = await writeState(trx, state, opts);
  return results.map(({ outcome, dedupKey, incident }) => ({
    outcome,
    dedupKey,
    incidentId: incident ? incident.row.id : null,
    tier: incident ? (incident.row.tier as Tier) : null,
    ...(incident && notifying.has(incident.row.id) ? { notifies: true } : {}),
  }));
}

async function loadState(
  trx: Transaction<Database>,
  locker: Locker,
  items: readonly IngestItem[],
  alertKeys: string[],
  groupRefs: string[],
  opts: ApplyOptions,
): Promise<BatchState> {
  const alertRows: AlertRow[] = [];
  for (const keys of chunks(alertKeys)) {
    const rows = await trx.selectFrom('alerts').selectAll().where('alert_key', 'in', keys).execute();
    // A pre-0007 alert is matched only while it fires: neither it nor its incident matters otherwise.
    alertRows.push(...rows.filter((r) => r.status === 'firing' || !r.alert_key.startsWith(LEGACY_PREFIX)));
  }
  const referenced = [
    ...new Set(alertRows.map((a) => a.incident_id).filter((id): id is number => id !== null)),
  ];
  const since = opts.now - opts.reopenWindowMs;
  let incidentQuery = trx
    .selectFrom('incidents')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([
          eb('group_ref', 'in', groupRefs),
          eb.or([eb('state', '<>', 'resolved'), eb('resolved_at', '>=', since)]),
        ]),
        ...(referenced.length ? [eb('id', 'in', referenced)] : []),
      ]),
    )
    .orderBy('id');
  if (locker.rowLocks) incidentQuery = incidentQuery.forUpdate();
  const incidentRows = await incidentQuery.execute();

  const state: BatchState = { alerts: new Map(), incidents: new Map(), byGroup: new Map(), events: [] };
  for (const row of incidentRows) {
    const inc: IncidentState = { row: { ...row }, isNew: false, dirty: false, firing: null };
    state.incidents.set(row.id, inc);
    pushGroup(state, inc);
  }
  for (const row of alertRows) {
    const incident = row.incident_id !== null ? (state.incidents.get(row.incident_id) ?? null) : null;
    state.alerts.set(row.alert_key, { row: { ...row }, incident, dirty: false });
  }
  // Resolving needs to know which other alerts of an incident still fire.
  if (items.some((i) => i.alert.action === 'resolve')) {
    const ids = [...state.incidents.keys()];
    for (const chunk of chunks(ids)) {
      const siblings = await trx
        .selectFrom('alerts')
        .select(['alert_key', 'incident_id'])
        .where('incident_id', 'in', chunk)
        .where('status', '=', 'firing')
        .execute();
      for (const inc of chunk.map((id) => state.incidents.get(id)!)) inc.firing = new Set();
      for (const s of siblings) state.incidents.get(s.incident_id!)?.firing?.add(s.alert_key);
    }
  }
  return state;
}

/** Writes the batch; returns the incidents whose escalation started or that were announced (again). */
async function writeState(
  trx: Transaction<Database>,
  state: BatchState,
  opts: ApplyOptions,
): Promise<Set<number>> {
  const created = [...state.byGroup.values()].flat().filter((i) => i.isNew);
  for (const chunk of chunks(created)) {
    const rows = await trx
      .insertInto('incidents')
      .values(chunk.map(({ row: { id: _id, ...rest } }) => rest))
      .returning(['id', 'group_ref'])
      .execute();
    // Both SQLite and PostgreSQL return multi-row VALUES in insertion order; check rather than trust.
    chunk.forEach((inc, i) => {
      const row = rows[i];
      if (row?.group_ref !== inc.row.group_ref) throw new Error('INSERT … RETURNING came back out of order');
      inc.row.id = row.id;
    });
  }
  for (const inc of state.incidents.values()) {
    if (!inc.dirty) continue;
    const { id, ...rest } = inc.row;
    await trx.updateTable('incidents').set(rest).where('id', '=', id).execute();
  }
  const alerts = [...state.alerts.values()].filter((a) => a.dirty);
  for (const chunk of chunks(alerts)) {
    const values = chunk.map((a) => {
      const { id: _id, ...row } = a.row;
      return { ...row, incident_id: a.incident ? a.incident.row.id : row.incident_id };
    });
    await trx
      .insertInto('alerts')
      .values(values)
      .onConflict((oc) =>
        oc.column('alert_key').doUpdateSet((eb) => ({
          incident_id: eb.ref('excluded.incident_id'),
          status: eb.ref('excluded.status'),
          tier: eb.ref('excluded.tier'),
          summary: eb.ref('excluded.summary'),
          labels: eb.ref('excluded.labels'),
          annotations: eb.ref('excluded.annotations'),
          details: eb.ref('excluded.details'),
          generator_url: eb.ref('excluded.generator_url'),
          starts_at: eb.ref('excluded.starts_at'),
          ends_at: eb.ref('excluded.ends_at'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          fire_count: eb.ref('excluded.fire_count'),
        })),
      )
      .execute();
  }
  const paging = planPaging(state, opts);
  await appendTimeline(
    trx,
    state.events.map(({ incident, ...e }) => ({ ...e, incident_id: incident.row.id })),
  );
  await queueAnnouncements(trx, paging.announcements, opts.now);
  await announceTierChanges(trx, paging.tierChanges, opts.now);
  await startEscalations(trx, paging.starts, opts.now);
  await stopPaging(trx, paging.stops, opts.now);
  if (opts.annotations) {
    // A new incident's region already has its final tier: only an older incident's rise is a point.
    const transitions = state.events
      .filter((e) => ANNOTATED[e.kind] && !(e.kind === 'incident.tier_changed' && e.incident.isNew))
      .map((e) => ({
        incident: e.incident.row,
        change: ANNOTATED[e.kind]!,
        at: e.at,
        actor: e.actor ?? null,
        ...(e.kind === 'incident.tier_changed'
          ? { from: (JSON.parse(e.data) as { from: string }).from }
          : {}),
      }));
    await queueIncidentAnnotations(trx, opts.annotations, transitions, opts.now);
  }
  return new Set([...paging.starts, ...paging.announcements, ...paging.tierChanges].map((p) => p.incidentId));
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
