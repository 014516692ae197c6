/**
 * The last 7 days' on-call figures as `klaxon_oncall_*` gauges on the engine's registry. The figures
 * come from `figures()`, in the engine an AnalyticsCache (cache.ts): a scrape reads them from memory and
 * never runs the analytics queries itself, so its cost does not grow with history. And the advisory
 * review queue, `klaxon_advisories_unreviewed{team}`: one grouped count over the unreviewed rows (the
 * (state, deadline_at) index), whose cost is the queue's length, not history's.
 */
import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/tables.ts';
import type { Analytics, Figures } from './analytics.ts';

/** The analytics figures as gauges; every gauge of one scrape reads the same `figures()`. */
export function registerAnalyticsGauges(registry: Registry, figures: () => Promise<Analytics>): void {
  const byTier = (name: string, help: string, pick: (f: Figures) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['tier'] as const,
      registers: [registry],
      async collect() {
        const a = await figures();
        this.reset();
        for (const [tier, f] of Object.entries(a.byTier)) {
          const v = pick(f);
          if (v !== null) this.set({ tier }, v);
        }
      },
    });
  byTier(
    'klaxon_oncall_mtta_seconds',
    'Mean time to acknowledge over the last 7 days, by tier.',
    (f) => f.mttaSeconds,
  );
  byTier(
    'klaxon_oncall_mttr_seconds',
    'Mean time to resolve over the last 7 days, by tier.',
    (f) => f.mttrSeconds,
  );
  byTier('klaxon_oncall_pages', 'Pages sent over the last 7 days, by tier.', (f) => f.pagesSent);
  byTier('klaxon_oncall_noise_ratio', 'Alerts per page over the last 7 days, by tier.', (f) => f.noiseRatio);
  new Gauge({
    name: 'klaxon_oncall_t1_acked_within_5m_ratio',
    help: 'Share of T1 incidents acknowledged within 5 minutes, over the last 7 days.',
    registers: [registry],
    async collect() {
      const v = (await figures()).total.t1AckedWithin5m;
      this.set(v ?? 0);
    },
  });
  new Gauge({
    name: 'klaxon_oncall_offhours_pages',
    help: 'Pages sent off hours (outside the person’s own workingHours, else their service team’s business hours and holidays), over the last 7 days.',
    labelNames: ['user'] as const,
    registers: [registry],
    async collect() {
      const a = await figures();
      this.reset();
      for (const o of a.offHoursPages) this.set({ user: o.user }, o.pages);
    },
  });
}

/**
 * `klaxon_advisories_unreviewed{team}`: T3 advisories waiting for a review, per team; every team of
 * `teams()` (the running config's) is exported, 0 when it has none.
 */
export function registerAdvisoryGauges(
  registry: Registry,
  db: Kysely<Database>,
  teams: () => readonly string[],
): void {
  new Gauge({
    name: 'klaxon_advisories_unreviewed',
    help: 'T3 advisories not reviewed yet (neither reviewed, dismissed nor promoted), by team.',
    labelNames: ['team'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('advisories')
        .select(['team_id', db.fn.countAll<number>().as('n')])
        .where('state', '=', 'unreviewed')
        .groupBy('team_id')
        .execute();
      this.reset();
      for (const team of teams()) this.set({ team }, 0);
      for (const r of rows) this.set({ team: r.team_id }, Number(r.n));
    },
  });
}
