/**
 * The incident state machine, in memory and pure: given the batch's alerts and candidate incidents as
 * loaded (`BatchState`), each incoming alert opens, joins, de-duplicates, re-opens, raises the tier of,
 * acknowledges or resolves an incident, and `paging.ts` says which escalations start and stop.
 * `apply.ts` loads the state and writes the result.
 */
import { higherTier, tierOf, type IngestItem } from '../alerts/alert.ts';
import type { Tier } from '../alerts/tier.ts';
import type { AnnotationPolicy } from '../annotations/outbox.ts';
import type { PagingDecision } from '../escalation/policy.ts';
import type { ChannelTarget } from '../notifications/targets.ts';
import type { IncidentRow, NewAlertRow, NewIncidentEventRow } from '../db/tables.ts';
import { alertKeyOf, groupRefOf, legacyAlertKeyOf, legacyGroupRefOf } from './keys.ts';

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
  /** Where a new incident of a service and tier is announced (Slack, email, webhooks, PagerDuty). */
  channels?: (serviceId: string, tier: Tier) => ChannelTarget[];
  /** Queue Grafana annotations for incidents opened, re-opened, acknowledged, resolved (null: off). */
  annotations?: AnnotationPolicy | null;
}

export interface IncidentState {
  row: Omit<IncidentRow, 'id'> & { id: number };
  isNew: boolean;
  dirty: boolean;
  /** Alert keys currently firing in this incident, when known. */
  firing: Set<string> | null;
  /** What this batch did to its paging. */
  paging?: 'start' | 'acknowledged' | 'resolved';
}

export interface AlertState {
  row: NewAlertRow & { incident_id: number | null };
  incident: IncidentState | null;
  dirty: boolean;
}

export type PendingEvent = Omit<NewIncidentEventRow, 'incident_id'> & { incident: IncidentState };

export interface BatchState {
  alerts: Map<string, AlertState>;
  incidents: Map<number, IncidentState>;
  /** Incidents per group, newest last. */
  byGroup: Map<string, IncidentState[]>;
  events: PendingEvent[];
}

export function pushGroup(state: BatchState, inc: IncidentState): void {
  const list = state.byGroup.get(inc.row.group_ref);
  if (list) list.push(inc);
  else state.byGroup.set(inc.row.group_ref, [inc]);
}

export type ItemResult = { outcome: ApplyOutcome; dedupKey: string; incident: IncidentState | null };

/**
 * The alert `item` is a report of, and its key: the integration's own alert, else an alert of the same
 * source and key still firing from before migration 0007, else none (and the key a new alert gets).
 */
function alertOf(state: BatchState, item: IngestItem): { key: string; existing: AlertState | undefined } {
  const key = alertKeyOf(item);
  const own = state.alerts.get(key);
  if (own) return { key, existing: own };
  const legacyKey = legacyAlertKeyOf(item);
  const old = state.alerts.get(legacyKey);
  if (old?.row.status === 'firing') return { key: legacyKey, existing: old };
  return { key, existing: undefined };
}

/**
 * The group `item` joins: the integration's own, else the same source's group from before migration 0007
 * while it has an open or recently resolved incident (so an upgrade neither splits an open incident nor
 * skips a re-open), else its own, empty.
 */
function groupOf(state: BatchState, item: IngestItem, live: (i: IncidentState) => boolean) {
  const ref = groupRefOf(item);
  const own = state.byGroup.get(ref) ?? [];
  if (own.some(live)) return { ref, group: own };
  const legacyRef = legacyGroupRefOf(item);
  const old = state.byGroup.get(legacyRef) ?? [];
  return old.some(live) ? { ref: legacyRef, group: old } : { ref, group: own };
}

export function applyOne(state: BatchState, item: IngestItem, opts: ApplyOptions): ItemResult {
  const { key, existing } = alertOf(state, item);
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
      touch(existing, opts.now);
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
      touch(existing, opts.now);
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
    touch(existing, opts.now);
    refresh(existing, item, tier);
    existing.row.fire_count = (existing.row.fire_count ?? 0) + 1;
    raiseTier(state, existing.incident, tier, item, opts.now);
    return { outcome: 'updated', dedupKey, incident: existing.incident };
  }
  const since = opts.now - opts.reopenWindowMs;
  const recent = (i: IncidentState | null | undefined) =>
    i && i.row.state === 'resolved' && (i.row.resolved_at ?? 0) >= since && opts.reopenWindowMs > 0
      ? i
      : undefined;
  const { ref: groupRef, group } = groupOf(state, item, (i) => i.row.state !== 'resolved' || !!recent(i));
  let inc = group.find((i) => i.row.state !== 'resolved');
  let outcome: ApplyOutcome = 'added';
  if (!inc) {
    const previous = existing?.incident?.row.group_ref === groupRef ? existing.incident : undefined;
    inc = recent(previous) ?? recent(group[group.length - 1]);
    if (inc) {
      reopen(state, inc, item, opts.now);
      outcome = 'reopened';
    } else {
      // A new incident always takes the integration's own group, never a pre-0007 one.
      inc = open(state, item, key, groupRefOf(item), tier, opts.now);
      outcome = 'opened';
    }
  }
  const alert = existing ?? { row: newAlertRow(item, key, 'firing', opts.now), incident: null, dirty: true };
  if (existing) {
    touch(existing, opts.now);
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

function touch(alert: AlertState, now: number): void {
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
