/**
 * The T3 advisories' measures (issue 23), read from `advisories` (written by advisories/): how many
 * opened in a range, how many of those are still unreviewed, the share decided (reviewed, dismissed or
 * promoted) by their deadline (the end of the first full business day after they opened), and the
 * alerts most often dismissed as noise: the T3 rules that do not earn their keep.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { noiseCounts } from '../advisories/store.ts';

/** The most-dismissed alerts listed. */
export const NOISE_TOP = 20;

export interface AdvisoryFigures {
  /** Advisories opened in the range. */
  opened: number;
  /** Of those, the ones still unreviewed. */
  unreviewed: number;
  /** Share (0..1) of those decided by their deadline; null when none opened. */
  reviewedWithinOneBusinessDay: number | null;
  /** Advisories dismissed as noise in the range, per alert and service, most first. */
  dismissedAsNoise: { alert: string; service: string; count: number }[];
}

/** The figures of [from, to), for `services` only (a caller's team scope) unless null. */
export async function advisoryFigures(
  db: Kysely<Database>,
  from: number,
  to: number,
  services: readonly string[] | null,
): Promise<AdvisoryFigures> {
  const scope = services === null ? null : services.length > 0 ? [...services] : [''];
  const opened = await db
    .selectFrom('advisories')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(sql`case when state = 'unreviewed' then 1 else 0 end`).as('unreviewed'),
      eb.fn
        .sum<number>(sql`case when decided_at is not null and decided_at <= deadline_at then 1 else 0 end`)
        .as('in_time'),
    ])
    .where('opened_at', '>=', from)
    .where('opened_at', '<', to)
    .$if(scope !== null, (q) => q.where('service_id', 'in', scope!))
    .executeTakeFirstOrThrow();
  const noise = await noiseCounts(db, { from, to, services, limit: NOISE_TOP });
  const n = Number(opened.n);
  return {
    opened: n,
    unreviewed: Number(opened.unreviewed ?? 0),
    reviewedWithinOneBusinessDay: n > 0 ? Math.round((Number(opened.in_time ?? 0) / n) * 1000) / 1000 : null,
    dismissedAsNoise: noise.map(({ alert, service, count }) => ({ alert, service, count })),
  };
}
