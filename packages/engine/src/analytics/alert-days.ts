/**
 * Alerts received and pages sent per UTC day, for analytics. A year of history holds millions of alerts
 * and tens of thousands of pages, and counting 90 days of them (and placing every page in or out of business
 * hours) on every request grows with that history; but a day that has ended no longer changes
 * (an alert is stamped when it arrives, a page when it is sent), so its counts are computed once per
 * process and kept in memory, and a request counts only the days not yet kept and the partial days at
 * the range's ends. Nothing here is durable: the counts derive from the rows, and a new process counts
 * them again. (Retention deleting old rows changes a kept day only for processes started after it.)
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { OffHoursTest } from './off-hours.ts';

const DAY = 86_400_000;
/** A day is kept only once it ended this long ago: a transaction that commits late lands first. */
const SETTLE_MS = 3_600_000;

export interface AlertCount {
  /** The UTC day (ms at 00:00). */
  day: number;
  tier: string;
  service_id: string;
  n: number;
}

export interface PageCount extends AlertCount {
  user_id: string;
  offHours: boolean;
}

/** Per database, per kind (and the people's hours, for pages): day start (ms) → its counts. */
const kept = new WeakMap<object, Map<string, Map<number, unknown>>>();

/** A count that knows its UTC day (ms at 00:00). */
interface OfDay {
  day: number;
}

/**
 * The counts of [from, to): settled whole days from memory, the rest from `count`, which returns each
 * count with its day. The days not kept yet are counted in one query over their span (a cold start
 * reads 90 days in one pass, not 90), then kept.
 */
async function byDays<T extends OfDay>(
  db: Kysely<Database>,
  key: string,
  from: number,
  to: number,
  now: number,
  count: (from: number, to: number) => Promise<T[]>,
): Promise<T[]> {
  let kinds = kept.get(db);
  if (!kinds) kept.set(db, (kinds = new Map<string, Map<number, unknown>>()));
  let days = kinds.get(key) as Map<number, T[]> | undefined;
  if (!days) kinds.set(key, (days = new Map<number, T[]>()));
  const firstDay = Math.ceil(from / DAY) * DAY;
  const lastDay = Math.floor(to / DAY) * DAY;
  if (firstDay >= lastDay) return count(from, to);
  const parts: T[][] = [];
  if (from < firstDay) parts.push(await count(from, firstDay));
  const missing: number[] = [];
  for (let d = firstDay; d < lastDay; d += DAY) {
    const counts = d + DAY + SETTLE_MS <= now ? days.get(d) : undefined;
    if (counts) parts.push(counts);
    else missing.push(d);
  }
  if (missing.length) {
    const fresh = new Map<number, T[]>(missing.map((d) => [d, []]));
    for (const row of await count(missing[0]!, missing.at(-1)! + DAY)) fresh.get(row.day)?.push(row);
    for (const [d, counts] of fresh) {
      parts.push(counts);
      if (d + DAY + SETTLE_MS <= now) days.set(d, counts);
    }
  }
  if (lastDay < to) parts.push(await count(lastDay, to));
  return parts.flat();
}

/** The alerts first seen in [from, to), by day, tier and service (heartbeats left out). */
export function alertCounts(
  db: Kysely<Database>,
  from: number,
  to: number,
  now: number,
): Promise<AlertCount[]> {
  return byDays(db, 'alerts', from, to, now, async (a, b) => {
    // Integer division by a literal: the day number in both dialects.
    const day = sql<number>`first_seen_at / ${sql.lit(DAY)}`;
    const rows = await db
      .selectFrom('alerts')
      .select(['tier', 'service_id', day.as('day'), db.fn.countAll<number>().as('n')])
      .where('first_seen_at', '>=', a)
      .where('first_seen_at', '<', b)
      .where('source', '<>', 'heartbeat')
      .groupBy([day, 'tier', 'service_id'])
      .execute();
    return rows.map((r) => ({
      tier: r.tier,
      service_id: r.service_id,
      day: Number(r.day) * DAY,
      n: Number(r.n),
    }));
  });
}

/**
 * The pages sent in [from, to) (sent or delivered), by tier, service, person and whether it was off hours
 * (`test`: the person's own working hours, else the business hours of the service's team), by day.
 */
export async function pageCounts(
  db: Kysely<Database>,
  test: OffHoursTest,
  from: number,
  to: number,
  now: number,
): Promise<PageCount[]> {
  const key = `pages:${test.key}`;
  // Counts made by other calendars (a config reload, holidays read again) are not used again.
  const kinds = kept.get(db);
  for (const k of kinds?.keys() ?? []) if (k.startsWith('pages:') && k !== key) kinds!.delete(k);
  return byDays(db, key, from, to, now, async (a, b) => {
    const rows = await db
      .selectFrom('notifications')
      .innerJoin('incidents', 'incidents.id', 'notifications.incident_id')
      .select(['incidents.tier', 'incidents.service_id', 'notifications.user_id', 'notifications.sent_at'])
      .where('notifications.kind', '=', 'page')
      .where('notifications.status', 'in', ['sent', 'delivered'])
      .where('notifications.sent_at', '>=', a)
      .where('notifications.sent_at', '<', b)
      .execute();
    const groups = new Map<string, PageCount>();
    for (const r of rows) {
      const off = test.offHours(r.sent_at!, r.user_id, r.service_id);
      const day = Math.floor(r.sent_at! / DAY) * DAY;
      const k = JSON.stringify([day, r.tier, r.service_id, r.user_id, off]);
      const g = groups.get(k);
      if (g) g.n++;
      else
        groups.set(k, {
          day,
          tier: r.tier,
          service_id: r.service_id,
          user_id: r.user_id,
          offHours: off,
          n: 1,
        });
    }
    return [...groups.values()];
  });
}
