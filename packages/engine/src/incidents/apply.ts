/**
 * Applies a batch of incoming alerts to the incident model inside one transaction: de-duplicate, open,
 * join, re-open, acknowledge and resolve. It is set-oriented (a handful of statements per batch, whatever
 * its size) so that group commit stays cheap on PostgreSQL as well as SQLite.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { higherTier, tierOf, type IngestItem } from '../alerts/alert.ts';
import type { Tier } from '../config/schema.ts';
import {
  announce,
  startEscalations,
  stopPaging,
  type ChannelTarget,
  type PagingDecision,
} from '../escalation/control.ts';
import type { Locker } from '../db/locker.ts';
import {
  queueIncidentAnnotations,
  type AnnotationPolicy,
  type IncidentChange,
} from '../annotations/outbox.ts';
import type { AlertRow, Database, IncidentRow, NewAlertRow, NewIncidentEventRow } from '../db/tables.ts';

export type ApplyOutcome =
  | 'opened'
  | 'added'
  | 'reopened'
  | 'updated'
  | 'acknowledged'
  | 'resolved'
  | 'duplicate'
  | 'ignored'
  | 'heartbeat';

export interface ApplyResult {
  outcome: ApplyOutcome;
  incidentId: number | null;
  /** The incident's tier after this alert, when it belongs to one. */
  tier: Tier | null;
  /** Set when this batch started the incident's escalation or queued its announcements: work is due now. */
  notifies?: true;
  dedupKey: string;
}

export interface ApplyOptions {
  now: number;
  reopenWindowMs: number;
  /** Which escalation pages for a tier; absent or null: nobody is paged. */
  paging?: (tier: Tier) => PagingDecision | null;
  ackTimeoutMs?: (tier: Tier) => number | null;
  /** Services in maintenance now: their incidents are recorded but never page. */
  maintenance?: ReadonlySet<string>;
  /** Alerts with this alertname are heartbeats (the Watchdog), not incidents. */
  heartbeatName?: string;
  /** Where a new incident of a service and tier is announced (Slack, email, webhooks, PagerDuty). */
  channels?: (serviceId: string, tier: Tier) => ChannelTarget[];
  /** Queue Grafana annotations for incidents opened, re-opened, acknowledged, resolved (null: off). */
  annotations?: AnnotationPolicy | null;
}

const ANNOTATED: Record<string, IncidentChange> = {
  'incident.triggered': 'opened',
  'incident.reopened': 'reopened',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
};

interface IncidentState {
  row: Omit<IncidentRow, 'id'> & { id: number };
  isNew: boolean;
  dirty: boolean;
  /** Alert keys currently firing in this incident, when known. */
  firing: Set<string> | null;
  /** What this batch did to its paging. */
  paging?: 'start' | 'acknowledged' | 'resolved';
}

interface AlertState {
  row: NewAlertRow & { incident_id: number | null };
  incident: IncidentState | null;
  dirty: boolean;
}

type PendingEvent = Omit<NewIncidentEventRow, 'incident_id'> & { incident: IncidentState };

const CHUNK = 400;

/**
 * Keys go into unique btree indexes, which PostgreSQL caps at about 2.7 kB per entry: a long key (an
 * Alertmanager group key can be kilobytes) is replaced by its SHA-256, so any sender's key fits.
 */
const bounded = (key: string) =>
  Buffer.byteLength(key) > 512 ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
const alertKeyOf = (item: IngestItem) => bounded(`${item.serviceId}/${item.alert.dedupKey}`);
const groupRefOf = (item: IngestItem) => bounded(`${item.serviceId}/${item.alert.groupKey}`);

/** Applies `items` in order; returns one result per item. */
export async function applyBatch(
  trx: Transaction<Database>,
  locker: Locker,
  items: readonly IngestItem[],
  opts: ApplyOptions,
): Promise<ApplyResult[]> {
  if (items.length === 0) return [];
  const heartbeatName = opts.heartbeatName;
  const isBeat = (i: IngestItem) => heartbeatName !== undefined && i.alert.labels.alertname === heartbeatName;
  if (heartbeatName !== undefined && items.some(isBeat)) {
    const beats = items.filter((i) => isBeat(i) && i.alert.action === 'trigger');
    if (beats.length > 0) await recordHeartbeat(trx, heartbeatName, opts.now);
    const rest = items.filter((i) => !isBeat(i));
    const restResults =
      rest.length > 0 ? await applyBatch(trx, locker, rest, { ...opts, heartbeatName: undefined }) : [];
    let r = 0;
    return items.map((i) =>
      isBeat(i)
        ? { outcome: 'heartbeat' as const, dedupKey: i.alert.dedupKey, incidentId: null, tier: null }
        : restResults[r++]!,
    );
  }
  const alertKeys = [...new Set(items.map(alertKeyOf))];
  const groupRefs = [...new Set(items.map(groupRefOf))];
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

interface BatchState {
  alerts: Map<string, AlertState>;
  incidents: Map<number, IncidentState>;
  /** Incidents per group, newest last. */
  byGroup: Map<string, IncidentState[]>;
  events: PendingEvent[];
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
    alertRows.push(...(await trx.selectFrom('alerts').selectAll().where('alert_key', 'in', keys).execute()));
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

function pushGroup(state: BatchState, inc: IncidentState): void {
  const list = state.byGroup.get(inc.row.group_ref);
  if (list) list.push(inc);
  else state.byGroup.set(inc.row.group_ref, [inc]);
}

type ItemResult = { outcome: ApplyOutcome; dedupKey: string; incident: IncidentState | null };

function applyOne(state: BatchState, item: IngestItem, opts: ApplyOptions): ItemResult {
  const key = alertKeyOf(item);
  const existing = state.alerts.get(key);
  const dedupKey = item.alert.dedupKey;
  switch (item.alert.action) {
    case 'trigger':
      return trigger(state, item, key, existing, opts);
    case 'resolve': {
      if (!existing) {
        // Never seen firing: keep the record, open nothing.
        state.alerts.set(key, {
          row: newAlertRow(item, key, 'resolved', opts.now),
          incident: null,
          dirty: true,
        });
        return { outcome: 'ignored', dedupKey, incident: null };
      }
      touch(existing, item, opts.now);
      if (existing.row.status === 'resolved')
        return { outcome: 'duplicate', dedupKey, incident: existing.incident };
      existing.row.status = 'resolved';
      existing.row.ends_at = item.alert.endsAt ?? opts.now;
      const inc = existing.incident;
      if (!inc) return { outcome: 'resolved', dedupKey, incident: null };
      inc.firing?.delete(key);
      event(state, inc, opts.now, 'alert.resolved', item, `Alert resolved: ${existing.row.summary}`, {
        alertKey: key,
      });
      if (inc.row.state !== 'resolved' && inc.firing?.size === 0) {
        inc.row.state = 'resolved';
        inc.row.resolved_at = opts.now;
        inc.row.resolved_by = actorOf(item);
        inc.row.updated_at = opts.now;
        inc.dirty = true;
        inc.paging = 'resolved';
        event(
          state,
          inc,
          opts.now,
          'incident.resolved',
          item,
          'Resolved: every alert in the incident has resolved',
          {},
        );
      }
      return { outcome: 'resolved', dedupKey, incident: inc };
    }
    case 'acknowledge': {
      const inc = existing?.incident;
      if (!existing || !inc || inc.row.state !== 'triggered') {
        return { outcome: 'ignored', dedupKey, incident: inc ?? null };
      }
      touch(existing, item, opts.now);
      inc.row.state = 'acknowledged';
      inc.row.acknowledged_at = opts.now;
      inc.row.acknowledged_by = actorOf(item);
      inc.row.updated_at = opts.now;
      inc.dirty = true;
      inc.paging = 'acknowledged';
      event(state, inc, opts.now, 'incident.acknowledged', item, `Acknowledged by ${actorOf(item)}`, {});
      return { outcome: 'acknowledged', dedupKey, incident: inc };
    }
  }
}

function trigger(
  state: BatchState,
  item: IngestItem,
  key: string,
  existing: AlertState | undefined,
  opts: ApplyOptions,
): ItemResult {
  const dedupKey = item.alert.dedupKey;
  const tier = tierOf(item.alert.labels, item.defaultTier);
  if (
    existing &&
    existing.row.status === 'firing' &&
    existing.incident &&
    existing.incident.row.state !== 'resolved'
  ) {
    // A repeat of an alert we already hold: refresh it, never re-announce it.
    touch(existing, item, opts.now);
    refresh(existing, item, tier);
    existing.row.fire_count = (existing.row.fire_count ?? 0) + 1;
    raiseTier(state, existing.incident, tier, item, opts.now);
    return { outcome: 'updated', dedupKey, incident: existing.incident };
  }
  const groupRef = groupRefOf(item);
  const group = state.byGroup.get(groupRef) ?? [];
  let inc = group.find((i) => i.row.state !== 'resolved');
  let outcome: ApplyOutcome = 'added';
  if (!inc) {
    const since = opts.now - opts.reopenWindowMs;
    const recent = (i: IncidentState | null | undefined) =>
      i && i.row.state === 'resolved' && (i.row.resolved_at ?? 0) >= since && opts.reopenWindowMs > 0
        ? i
        : undefined;
    const previous = existing?.incident?.row.group_ref === groupRef ? existing.incident : undefined;
    inc = recent(previous) ?? recent(group[group.length - 1]);
    if (inc) {
      reopen(state, inc, item, opts.now);
      outcome = 'reopened';
    } else {
      inc = open(state, item, key, groupRef, tier, opts.now);
      outcome = 'opened';
    }
  }
  const alert = existing ?? { row: newAlertRow(item, key, 'firing', opts.now), incident: null, dirty: true };
  if (existing) {
    touch(existing, item, opts.now);
    refresh(existing, item, tier);
    existing.row.status = 'firing';
    existing.row.ends_at = null;
    existing.row.fire_count = (existing.row.fire_count ?? 0) + 1;
  } else state.alerts.set(key, alert);
  alert.incident = inc;
  alert.row.incident_id = inc.row.id;
  inc.firing?.add(key);
  if (outcome !== 'opened') {
    inc.row.updated_at = opts.now;
    inc.dirty = true;
    raiseTier(state, inc, tier, item, opts.now);
  }
  // The opening alert is told by the incident.triggered event itself.
  if (outcome !== 'opened') {
    event(state, inc, opts.now, 'alert.triggered', item, `Alert firing: ${item.alert.summary}`, {
      alertKey: key,
      tier,
      labels: item.alert.labels,
    });
  }
  return { outcome, dedupKey, incident: inc };
}

function open(
  state: BatchState,
  item: IngestItem,
  alertKey: string,
  groupRef: string,
  tier: Tier,
  now: number,
): IncidentState {
  const inc: IncidentState = {
    row: {
      id: 0,
      service_id: item.serviceId,
      group_ref: groupRef,
      tier,
      state: 'triggered',
      title: item.alert.summary,
      source: item.source,
      created_at: now,
      updated_at: now,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      reopen_count: 0,
    },
    isNew: true,
    dirty: true,
    firing: new Set(),
    paging: 'start',
  };
  pushGroup(state, inc);
  event(state, inc, now, 'incident.triggered', item, `Incident opened (${tier}): ${item.alert.summary}`, {
    tier,
    source: item.source,
    alertKey,
    labels: item.alert.labels,
  });
  return inc;
}

function reopen(state: BatchState, inc: IncidentState, item: IngestItem, now: number): void {
  inc.row.state = 'triggered';
  inc.row.acknowledged_at = null;
  inc.row.acknowledged_by = null;
  inc.row.resolved_at = null;
  inc.row.resolved_by = null;
  inc.row.reopen_count += 1;
  inc.row.updated_at = now;
  inc.dirty = true;
  inc.paging = 'start';
  event(state, inc, now, 'incident.reopened', item, `Re-opened: ${item.alert.summary} fired again`, {});
}

function raiseTier(state: BatchState, inc: IncidentState, tier: Tier, item: IngestItem, now: number): void {
  const current = inc.row.tier as Tier;
  const next = higherTier(current, tier);
  if (next === current) return;
  inc.row.tier = next;
  inc.row.updated_at = now;
  inc.dirty = true;
  // A more urgent tier restarts paging under its own policy, unless someone is already on it.
  if (inc.row.state === 'triggered') inc.paging = 'start';
  event(state, inc, now, 'incident.tier_changed', item, `Tier raised from ${current} to ${next}`, {
    from: current,
    to: next,
  });
}

function newAlertRow(
  item: IngestItem,
  key: string,
  status: 'firing' | 'resolved',
  now: number,
): AlertState['row'] {
  const a = item.alert;
  return {
    alert_key: key,
    service_id: item.serviceId,
    dedup_key: a.dedupKey,
    incident_id: null,
    source: item.source,
    status,
    tier: tierOf(a.labels, item.defaultTier),
    summary: a.summary,
    labels: JSON.stringify(a.labels),
    annotations: JSON.stringify(a.annotations),
    details: JSON.stringify(a.details),
    generator_url: a.generatorUrl,
    starts_at: a.startsAt,
    ends_at: status === 'resolved' ? (a.endsAt ?? now) : null,
    first_seen_at: now,
    last_seen_at: now,
    fire_count: status === 'firing' ? 1 : 0,
  };
}

function touch(alert: AlertState, _item: IngestItem, now: number): void {
  alert.row.last_seen_at = now;
  alert.dirty = true;
}

function refresh(alert: AlertState, item: IngestItem, tier: Tier): void {
  const a = item.alert;
  alert.row.summary = a.summary;
  alert.row.labels = JSON.stringify(a.labels);
  alert.row.annotations = JSON.stringify(a.annotations);
  alert.row.details = JSON.stringify(a.details);
  alert.row.generator_url = a.generatorUrl;
  alert.row.tier = tier;
  if (a.startsAt !== null) alert.row.starts_at = a.startsAt;
}

function actorOf(item: IngestItem): string {
  return `${item.source}:${item.actor}`;
}

function event(
  state: BatchState,
  incident: IncidentState,
  at: number,
  kind: string,
  item: IngestItem,
  message: string,
  data: Record<string, unknown>,
): void {
  state.events.push({ incident, at, kind, actor: actorOf(item), message, data: JSON.stringify(data) });
}

/** Writes the batch; returns the incidents whose escalation started or that were announced. */
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
  for (const chunk of chunks(state.events)) {
    await trx
      .insertInto('incident_events')
      .values(chunk.map(({ incident, ...e }) => ({ ...e, incident_id: incident.row.id })))
      .execute();
  }
  await paging.write(trx);
  if (opts.annotations) {
    const transitions = state.events
      .filter((e) => ANNOTATED[e.kind])
      .map((e) => ({
        incident: e.incident.row,
        change: ANNOTATED[e.kind]!,
        at: e.at,
        actor: e.actor ?? null,
      }));
    await queueIncidentAnnotations(trx, opts.annotations, transitions, opts.now);
  }
  return new Set(paging.notifyingIds);
}

/** Works out which escalations start and stop; adds a timeline event where maintenance holds a page back. */
function planPaging(state: BatchState, opts: ApplyOptions) {
  const touched = [...state.incidents.values(), ...[...state.byGroup.values()].flat().filter((i) => i.isNew)];
  const starts: { incidentId: number; decision: PagingDecision }[] = [];
  const stops: { incidentId: number; reason: 'acknowledged' | 'resolved'; ackTimeoutMs: number | null }[] =
    [];
  const announcements: { incidentId: number; targets: ChannelTarget[] }[] = [];
  for (const inc of touched) {
    const tier = inc.row.tier as Tier;
    if (inc.isNew && opts.channels) {
      const targets = opts.channels(inc.row.service_id, tier);
      if (targets.length > 0) announcements.push({ incidentId: inc.row.id, targets });
    }
    if (inc.paging === 'start' && inc.row.state === 'triggered') {
      const decision = opts.paging?.(tier) ?? null;
      if (!decision) continue;
      if (opts.maintenance?.has(inc.row.service_id)) {
        state.events.push({
          incident: inc,
          at: opts.now,
          kind: 'maintenance.suppressed',
          actor: 'klaxon',
          message: `Not paging: ${inc.row.service_id} is in a maintenance window`,
          data: '{}',
        });
        continue;
      }
      starts.push({ incidentId: inc.row.id, decision });
    } else if (
      inc.paging === 'acknowledged' ||
      inc.paging === 'resolved' ||
      (inc.paging === 'start' && inc.row.state === 'resolved')
    ) {
      const reason = inc.row.state === 'acknowledged' ? 'acknowledged' : 'resolved';
      stops.push({
        incidentId: inc.row.id,
        reason,
        ackTimeoutMs: reason === 'acknowledged' ? (opts.ackTimeoutMs?.(tier) ?? null) : null,
      });
    }
  }
  return {
    async write(trx: Transaction<Database>) {
      await announce(trx, announcements, opts.now);
      await startEscalations(trx, starts, opts.now);
      await stopPaging(trx, stops, opts.now);
    },
    notifyingIds: [...starts.map((s) => s.incidentId), ...announcements.map((a) => a.incidentId)],
  };
}

async function recordHeartbeat(trx: Transaction<Database>, name: string, now: number): Promise<void> {
  await trx
    .insertInto('heartbeats')
    .values({ name, last_seen_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_seen_at: now }))
    .execute();
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
