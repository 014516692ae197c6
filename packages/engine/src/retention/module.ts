/**
 * The retention module: deletes alerts, timeline details and finished notifications older than the
 * configured days, through the owning folders' prune functions, while every incident stays and nothing
 * an open incident holds goes. Each pass deletes at most `batchSize` rows per table inside the tick's
 * one short transaction, so a year of backlog drains in many small commits instead of one giant one;
 * while a pass finds a full batch, the next runs a second later. The durable rows are the truth: a pass
 * is idempotent, safe after a crash part-way and, under the loop's module lock, runs on one replica.
 */
import { Counter, type Registry } from 'prom-client';
import type { EngineModule } from '../engine/loop.ts';
import { pruneAlerts } from '../incidents/store.ts';
import { pruneNotifications } from '../notifications/store.ts';
import { pruneTimelineDetails } from '../timeline/timeline.ts';
import type { RetentionConfig, RetentionView } from './config.ts';

const DAY = 86_400_000;
/** The pause between passes while there is a backlog. */
const BACKLOG_MS = 1000;

export const RETENTION_KINDS = ['alerts', 'timeline_details', 'notifications'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

type Prune = typeof pruneAlerts;
const PRUNES: Record<RetentionKind, { days: keyof RetentionConfig; prune: Prune }> = {
  alerts: { days: 'alertsDays', prune: pruneAlerts },
  timeline_details: { days: 'timelineDetailsDays', prune: pruneTimelineDetails },
  notifications: { days: 'notificationsDays', prune: pruneNotifications },
};

/** `klaxon_retention_pruned_total{kind}` on `registry`, created once however many config generations ask. */
export function prunedCounter(registry: Registry): Counter<'kind'> {
  const name = 'klaxon_retention_pruned_total';
  return (
    (registry.getSingleMetric(name) as Counter<'kind'> | undefined) ??
    new Counter({
      name,
      help: 'Rows deleted by retention (retention.*Days), by kind: alerts, timeline_details, notifications.',
      labelNames: ['kind'] as const,
      registers: [registry],
    })
  );
}

/**
 * The module, or null when the config keeps everything.
 *
 * @example
 * const retention = retentionModule({ retention: { alertsDays: 90, batchSize: 2000, intervalSeconds: 60 } });
 * if (retention) modules.push(retention);
 */
export function retentionModule(
  config: RetentionView,
  opts: { registry?: Registry } = {},
): (EngineModule & { readonly backlog: boolean }) | null {
  const r = config.retention;
  const active = RETENTION_KINDS.filter((k) => r[PRUNES[k].days] !== undefined);
  if (active.length === 0) return null;
  const counter = opts.registry ? prunedCounter(opts.registry) : null;
  let backlog = false;
  return {
    name: 'retention',
    get everyMs() {
      return backlog ? BACKLOG_MS : r.intervalSeconds * 1000;
    },
    get backlog() {
      return backlog;
    },
    async tick({ trx, now, afterCommit }) {
      let full = false;
      for (const kind of active) {
        const { days, prune } = PRUNES[kind];
        const n = await prune(trx, now.getTime() - (r[days] as number) * DAY, r.batchSize);
        if (n >= r.batchSize) full = true;
        if (n > 0) afterCommit(() => counter?.inc({ kind }, n));
      }
      afterCommit(() => (backlog = full));
    },
  };
}
