/**
 * The last 7 days' on-call figures as `klaxon_oncall_*` gauges on the engine's registry; one
 * computation per scrape (shared for a second) serves them all.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Analytics, Figures } from './analytics.ts';

/** The analytics figures as gauges; one computation per scrape serves them all. */
export function registerAnalyticsGauges(registry: Registry, compute: () => Promise<Analytics>): void {
  let pending: Promise<Analytics> | null = null;
  const current = () => {
    pending ??= compute().finally(() => setTimeout(() => (pending = null), 1000).unref());
    return pending;
  };
  const byTier = (name: string, help: string, pick: (f: Figures) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['tier'] as const,
      registers: [registry],
      async collect() {
        const a = await current();
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
      const v = (await current()).total.t1AckedWithin5m;
      this.set(v ?? 0);
    },
  });
  new Gauge({
    name: 'klaxon_oncall_offhours_pages',
    help: 'Pages outside 09:00-18:00 Mon-Fri in the person’s own zone, over the last 7 days.',
    labelNames: ['user'] as const,
    registers: [registry],
    async collect() {
      const a = await current();
      this.reset();
      for (const o of a.offHoursPages) this.set({ user: o.user }, o.pages);
    },
  });
}
