/**
 * On-call health over a time range, by tier and by service: MTTA, MTTR, alerts received, incidents,
 * pages sent, the noise ratio (alerts per page), off-hours pages per person, and the share of T1
 * incidents acknowledged within 5 minutes. Computed from the durable rows, so every replica agrees.
 */
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { AnalyticsConfig } from './config.ts';
import { isOffHours } from '../org/hours.ts';

export interface Figures {
  incidents: number;
  alertsReceived: number;
  pagesSent: number;
  /** Alerts per page; null when nothing paged. */
  noiseRatio: number | null;
  /** Mean seconds from open to acknowledge, over acknowledged incidents. */
  mttaSeconds: number | null;
  /** Mean seconds from open to resolve, over resolved incidents. */
  mttrSeconds: number | null;
  /** Share of T1 incidents acknowledged within 5 minutes; null without T1 incidents. */
  t1AckedWithin5m: number | null;
}

export interface Analytics {
  from: string;
  to: string;
  total: Figures;
  byTier: Record<string, Figures>;
  byService: Record<string, Figures>;
  offHoursPages: { user: string; pages: number }[];
  /** Pages sent per ISO week (Monday 00:00 UTC), by tier; every week the range touches is listed. */
  pagesPerWeek: WeekPages[];
}

export interface WeekPages {
  weekStart: string;
  T1: number;
  T2: number;
  T3: number;
}

/** Monday 00:00 UTC of the week holding `at`. */
export function weekStart(at: number): number {
  return DateTime.fromMillis(at, { zone: 'utc' }).startOf('week').toMillis();
}

interface Acc {
  incidents: number;
  alerts: number;
  pages: number;
  ackSum: number;
  ackN: number;
  resSum: number;
  resN: number;
  t1: number;
  t1Fast: number;
}

const empty = (): Acc => ({
  incidents: 0,
  alerts: 0,
  pages: 0,
  ackSum: 0,
  ackN: 0,
  resSum: 0,
  resN: 0,
  t1: 0,
  t1Fast: 0,
});
const round = (n: number) => Math.round(n * 10) / 10;

function figures(a: Acc): Figures {
  return {
    incidents: a.incidents,
    alertsReceived: a.alerts,
    pagesSent: a.pages,
    noiseRatio: a.pages > 0 ? round(a.alerts / a.pages) : null,
    mttaSeconds: a.ackN > 0 ? round(a.ackSum / a.ackN / 1000) : null,
    mttrSeconds: a.resN > 0 ? round(a.resSum / a.resN / 1000) : null,
    t1AckedWithin5m: a.t1 > 0 ? Math.round((a.t1Fast / a.t1) * 1000) / 1000 : null,
  };
}

export async function computeAnalytics(
  db: Kysely<Database>,
  config: AnalyticsConfig,
  from: number,
  to: number,
  /** Only these services (a caller's team scope); null or absent: all. */
  services: ReadonlySet<string> | null = null,
): Promise<Analytics> {
  const only = services ? [...services] : null;
  const total = empty();
  const byTier = new Map<string, Acc>();
  const byService = new Map<string, Acc>();
  const accs = (tier: string, service: string) => {
    if (!byTier.has(tier)) byTier.set(tier, empty());
    if (!byService.has(service)) byService.set(service, empty());
    return [total, byTier.get(tier)!, byService.get(service)!];
  };

  const incidents = await db
    .selectFrom('incidents')
    .select(['id', 'tier', 'service_id', 'created_at', 'acknowledged_at', 'resolved_at'])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .$if(only !== null, (q) => q.where('service_id', 'in', only!.length ? only! : ['']))
    .execute();
  for (const i of incidents) {
    for (const a of accs(i.tier, i.service_id)) {
      a.incidents++;
      if (i.acknowledged_at !== null) {
        a.ackSum += i.acknowledged_at - i.created_at;
        a.ackN++;
      }
      if (i.resolved_at !== null) {
        a.resSum += i.resolved_at - i.created_at;
        a.resN++;
      }
      if (i.tier === 'T1') {
        a.t1++;
        if (i.acknowledged_at !== null && i.acknowledged_at - i.created_at <= 5 * 60_000) a.t1Fast++;
      }
    }
  }

  const alerts = await db
    .selectFrom('alerts')
    .select(['tier', 'service_id', db.fn.countAll<number>().as('n')])
    .where('first_seen_at', '>=', from)
    .where('first_seen_at', '<', to)
    .where('source', '<>', 'heartbeat')
    .$if(only !== null, (q) => q.where('service_id', 'in', only!.length ? only! : ['']))
    .groupBy(['tier', 'service_id'])
    .execute();
  for (const r of alerts) for (const a of accs(r.tier, r.service_id)) a.alerts += Number(r.n);

  const pages = await db
    .selectFrom('notifications')
    .innerJoin('incidents', 'incidents.id', 'notifications.incident_id')
    .select(['incidents.tier', 'incidents.service_id', 'notifications.user_id', 'notifications.sent_at'])
    .where('notifications.kind', '=', 'page')
    .where('notifications.status', 'in', ['sent', 'delivered'])
    .where('notifications.sent_at', '>=', from)
    .where('notifications.sent_at', '<', to)
    .$if(only !== null, (q) => q.where('incidents.service_id', 'in', only!.length ? only! : ['']))
    .execute();
  const people = new Map(config.users.map((u) => [u.id, u]));
  const offHours = new Map<string, number>();
  const weeks = new Map<number, WeekPages>();
  for (
    let w = weekStart(from);
    w < to;
    w = DateTime.fromMillis(w, { zone: 'utc' }).plus({ weeks: 1 }).toMillis()
  )
    weeks.set(w, { weekStart: new Date(w).toISOString().slice(0, 10), T1: 0, T2: 0, T3: 0 });
  for (const p of pages) {
    for (const a of accs(p.tier, p.service_id)) a.pages++;
    const week = p.sent_at === null ? undefined : weeks.get(weekStart(p.sent_at));
    if (week && (p.tier === 'T1' || p.tier === 'T2' || p.tier === 'T3')) week[p.tier]++;
    if (p.sent_at !== null && isOffHours(p.sent_at, people.get(p.user_id) ?? { timezone: 'UTC' })) {
      offHours.set(p.user_id, (offHours.get(p.user_id) ?? 0) + 1);
    }
  }

  const map = (m: Map<string, Acc>) =>
    Object.fromEntries(
      [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, figures(v)]),
    );
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    total: figures(total),
    byTier: map(byTier),
    byService: map(byService),
    offHoursPages: [...offHours.entries()]
      .map(([user, n]) => ({ user, pages: n }))
      .sort((a, b) => b.pages - a.pages),
    pagesPerWeek: [...weeks.values()],
  };
}
