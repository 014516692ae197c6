/**
 * On-call health over a time range, by tier and by service: MTTA, MTTR, alerts received, incidents,
 * pages sent, the noise ratio (alerts per page), off-hours pages per person (by the business hours of
 * off-hours.ts), the share of T1 incidents acknowledged within 5 minutes, and the T3 advisories' review
 * (advisories.ts). Computed from the durable rows, so every replica agrees.
 */
import { DateTime } from 'luxon';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { AnalyticsConfig } from './config.ts';
import { advisoryFigures, type AdvisoryFigures } from './advisories.ts';
import { offHoursTest } from './off-hours.ts';
import { alertCounts, pageCounts } from './alert-days.ts';

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
  /** The T3 advisories opened (and dismissed) in the range, and how soon they were reviewed. */
  advisories: AdvisoryFigures;
}

export interface WeekPages {
  weekStart: string;
  T1: number;
  T2: number;
  T3: number;
}

/** Monday 00:00 UTC of the week holding `at`. */
export function weekStart(at: number): number {
  // Arithmetic, not luxon: called per page group. 1970-01-01 was a Thursday (3 days after a Monday).
  const day = Math.floor(at / 86_400_000);
  return (day - ((day + 3) % 7)) * 86_400_000;
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
  /** The moment of the request (which days have settled); default: `to`. */
  now: number = to,
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

  // Summed in the database by tier and service (a covering index on created_at): ~100 rows come back
  // for a 90-day range, not tens of thousands of incidents.
  const ack = sql<number>`acknowledged_at - created_at`;
  const incidents = await db
    .selectFrom('incidents')
    .select((eb) => [
      'tier',
      'service_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.count<number>('acknowledged_at').as('ack_n'),
      eb.fn.sum<number>(ack).as('ack_sum'),
      eb.fn.count<number>('resolved_at').as('res_n'),
      eb.fn.sum<number>(sql`resolved_at - created_at`).as('res_sum'),
      eb.fn.sum<number>(sql`case when ${ack} <= ${5 * 60_000} then 1 else 0 end`).as('fast'),
    ])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .$if(only !== null, (q) => q.where('service_id', 'in', only!.length ? only! : ['']))
    .groupBy(['tier', 'service_id'])
    .execute();
  for (const i of incidents) {
    for (const a of accs(i.tier, i.service_id)) {
      a.incidents += Number(i.n);
      a.ackSum += Number(i.ack_sum ?? 0);
      a.ackN += Number(i.ack_n);
      a.resSum += Number(i.res_sum ?? 0);
      a.resN += Number(i.res_n);
      if (i.tier === 'T1') {
        a.t1 += Number(i.n);
        a.t1Fast += Number(i.fast ?? 0);
      }
    }
  }

  // Settled days come from memory (alert-days.ts): a 90-day range does not count millions of rows again.
  const alerts = (await alertCounts(db, from, to, now)).filter(
    (r) => !services || services.has(r.service_id),
  );
  for (const r of alerts) for (const a of accs(r.tier, r.service_id)) a.alerts += Number(r.n);

  const offHoursOf = await offHoursTest(db, config);
  const offHours = new Map<string, number>();
  const weeks = new Map<number, WeekPages>();
  for (
    let w = weekStart(from);
    w < to;
    w = DateTime.fromMillis(w, { zone: 'utc' }).plus({ weeks: 1 }).toMillis()
  )
    weeks.set(w, { weekStart: new Date(w).toISOString().slice(0, 10), T1: 0, T2: 0, T3: 0 });
  // Pages too, by day (alert-days.ts), so each group lies within one week.
  const pages = (await pageCounts(db, offHoursOf, from, to, now)).filter(
    (p) => !services || services.has(p.service_id),
  );
  for (const p of pages) {
    for (const a of accs(p.tier, p.service_id)) a.pages += p.n;
    const week = weeks.get(weekStart(p.day));
    if (week && (p.tier === 'T1' || p.tier === 'T2' || p.tier === 'T3')) week[p.tier] += p.n;
    if (p.offHours) offHours.set(p.user_id, (offHours.get(p.user_id) ?? 0) + p.n);
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
    advisories: await advisoryFigures(db, from, to, only),
  };
}
