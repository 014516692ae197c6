/**
 * Alertmanager's dispatcher, replayed: alerts join aggregation groups (route × group labels); a group
 * flushes after `group_wait`, then every `group_interval`; inhibited alerts are muted at each flush; the
 * notification log sends only when a new alert fires, an alert resolves (send_resolved), everything
 * resolved, or `repeat_interval` passed; resolved alerts leave the group after a flush, and an empty group
 * ends. The result is every webhook the engine would have received, in time order.
 */
import {
  inhibited,
  groupLabels,
  labelsString,
  matchRoutes,
  type InhibitRule,
  type RouteNode,
} from './routing.ts';

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  firingAtMs: number;
  resolvedAtMs: number | null;
}

export interface Delivery {
  atMs: number;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    fingerprint: string;
  }[];
}

interface Tracked extends AmAlert {
  id: string;
}

interface Group {
  /** The route (by identity: two routes may share a key) and the group key. */
  id: string;
  route: RouteNode;
  key: string;
  labels: Record<string, string>;
  alerts: Map<string, Tracked>;
  nextFlushMs: number;
}

interface LogEntry {
  firing: Set<string>;
  resolved: Set<string>;
  atMs: number;
}

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const U64 = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

/**
 * Alertmanager's alert fingerprint, as the webhook carries it: model.LabelSet.Fingerprint (FNV-1a 64 over
 * each sorted name and value, each followed by the 0xff separator), printed `%016x`.
 */
export function fingerprint(labels: Record<string, string>): string {
  let h = FNV_OFFSET;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & U64;
  };
  for (const k of Object.keys(labels).sort()) {
    add(utf8.encode(k));
    add([0xff]);
    add(utf8.encode(labels[k]));
    add([0xff]);
  }
  return h.toString(16).padStart(16, '0');
}

/** model.LabelSet.Before: fewer labels first, then the first differing value in sorted name order. */
function labelSetBefore(a: Record<string, string>, b: Record<string, string>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length - kb.length;
  for (const k of [...new Set([...ka, ...kb])].sort()) {
    if (!Object.hasOwn(a, k)) return -1;
    if (!Object.hasOwn(b, k)) return 1;
    if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
  }
  return 0;
}

/** types.AlertSlice's order (a webhook's max_alerts keeps the first): by job, then instance (present first), then labels. */
function alertOrder(x: AmAlert, y: AmAlert): number {
  for (const k of ['job', 'instance']) {
    const xi = Object.hasOwn(x.labels, k);
    const yi = Object.hasOwn(y.labels, k);
    if (!xi && !yi) continue;
    if (!xi) return 1;
    if (!yi) return -1;
    if (x.labels[k] !== y.labels[k]) return x.labels[k]! < y.labels[k]! ? -1 : 1;
  }
  return labelSetBefore(x.labels, y.labels);
}

const iso = (ms: number) => new Date(ms).toISOString();
const ZERO_TIME = '0001-01-01T00:00:00Z';

export function dispatch(o: {
  alerts: readonly AmAlert[];
  /** Firing alerts that only inhibit (already firing at the start of the range). */
  inhibitors: readonly AmAlert[];
  routes: RouteNode;
  inhibitRules: readonly InhibitRule[];
  /** Receivers whose notifications reach the engine; others are dropped. */
  receives: (receiver: string) => boolean;
  /** max_alerts of the receiver's webhook (0: unlimited). */
  maxAlerts: (receiver: string) => number;
  /** send_resolved of the receiver's integration (default: true). */
  sendResolved?: (receiver: string) => boolean;
  untilMs: number;
}): Delivery[] {
  const sendResolved = o.sendResolved ?? (() => true);
  const tracked: Tracked[] = o.alerts.map((a) => ({ ...a, id: fingerprint(a.labels) }));
  const inhibitors: Tracked[] = o.inhibitors.map((a) => ({ ...a, id: fingerprint(a.labels) }));
  // Time-ordered alert arrivals; flushes are found by scanning the (few) live groups.
  const arrivals = [...tracked].sort((a, b) => a.firingAtMs - b.firingAtMs);
  const groups = new Map<string, Group>();
  const log = new Map<string, LogEntry>();
  const out: Delivery[] = [];
  const routeIds = new Map<RouteNode, number>();
  // The alerts firing now, kept as time moves forward (flushes come in time order): each alert enters
  // once and leaves once, so a month of flushes does not rescan every alert.
  const pending = [...tracked, ...inhibitors].sort((a, b) => a.firingAtMs - b.firingAtMs);
  const live = new Set<Tracked>();
  let next = 0;
  const firingAt = (t: number) => {
    for (; next < pending.length && pending[next]!.firingAtMs <= t; next++) live.add(pending[next]!);
    for (const a of live) if (a.resolvedAtMs !== null && a.resolvedAtMs <= t) live.delete(a);
    return [...live];
  };

  const flush = (g: Group, t: number) => {
    const active = firingAt(t);
    const firing = new Set<string>();
    const resolved = new Set<string>();
    const send: Tracked[] = [];
    for (const a of g.alerts.values()) {
      if (inhibited(o.inhibitRules, a, active)) continue;
      const isResolved = a.resolvedAtMs !== null && a.resolvedAtMs <= t;
      (isResolved ? resolved : firing).add(a.id);
      send.push(a);
    }
    const logKey = `${g.route.receiver}/${g.key}`;
    const entry = log.get(logKey);
    const isSubset = (s: Set<string>, of: Set<string>) => [...s].every((x) => of.has(x));
    let needs: boolean;
    // Alertmanager's pipeline stops when every alert is muted: nothing is sent, nothing is logged.
    if (send.length === 0) needs = false;
    else if (!entry) needs = firing.size > 0;
    else if (!isSubset(firing, entry.firing)) needs = true;
    else if (firing.size === 0) needs = entry.firing.size > 0;
    else if (sendResolved(g.route.receiver) && !isSubset(resolved, entry.resolved)) needs = true;
    // entry.Timestamp.Before(now − repeat): strictly, so a resend comes at the first flush after repeat_interval.
    else needs = entry.atMs < t - g.route.repeatIntervalMs;
    if (needs && o.receives(g.route.receiver)) {
      const max = o.maxAlerts(g.route.receiver);
      // Without send_resolved, resolved alerts are dropped (RetryStage); only-resolved sends nothing.
      const alerts = send
        .filter((a) => sendResolved(g.route.receiver) || !resolved.has(a.id))
        .sort(alertOrder)
        .slice(0, max > 0 ? max : undefined)
        .map((a) => {
          const isResolved = resolved.has(a.id);
          return {
            status: isResolved ? ('resolved' as const) : ('firing' as const),
            labels: a.labels,
            annotations: a.annotations,
            startsAt: iso(a.firingAtMs),
            endsAt: isResolved ? iso(a.resolvedAtMs!) : ZERO_TIME,
            fingerprint: a.id,
          };
        });
      if (alerts.length > 0)
        out.push({ atMs: t, receiver: g.route.receiver, groupKey: g.key, groupLabels: g.labels, alerts });
    }
    if (needs) log.set(logKey, { firing, resolved, atMs: t });
    for (const a of [...g.alerts.values()])
      if (a.resolvedAtMs !== null && a.resolvedAtMs <= t) g.alerts.delete(a.id);
    if (g.alerts.size === 0) groups.delete(g.id);
    else g.nextFlushMs = t + g.route.groupIntervalMs;
  };

  const nextFlush = () => {
    let best: Group | null = null;
    for (const g of groups.values()) if (!best || g.nextFlushMs < best.nextFlushMs) best = g;
    return best;
  };
  let i = 0;
  for (;;) {
    const g = nextFlush();
    const arrival = arrivals[i];
    if (arrival && (!g || arrival.firingAtMs <= g.nextFlushMs)) {
      i++;
      for (const route of matchRoutes(o.routes, arrival.labels)) {
        if (!routeIds.has(route)) routeIds.set(route, routeIds.size);
        const labels = groupLabels(route, arrival.labels);
        const key = `${route.key}:${labelsString(labels)}`;
        const id = `${routeIds.get(route)}|${key}`;
        let group = groups.get(id);
        if (!group) {
          group = {
            id,
            route,
            key,
            labels,
            alerts: new Map(),
            nextFlushMs: arrival.firingAtMs + route.groupWaitMs,
          };
          groups.set(id, group);
        }
        group.alerts.set(arrival.id, arrival);
      }
      continue;
    }
    if (!g || g.nextFlushMs > o.untilMs) break;
    flush(g, g.nextFlushMs);
  }
  return out;
}
