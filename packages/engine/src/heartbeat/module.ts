/**
 * The dead-man's switch. Alertmanager's always-firing Watchdog alert, from the integration keys that feed
 * the heartbeat, is recorded as a heartbeat (store.ts); when it stops arriving for `timeoutMinutes`, this
 * module opens a T1 incident "monitoring pipeline is down", and resolves it when the heartbeat returns.
 * The incident goes through the normal ingest path, so it pages like any other T1; it belongs to the
 * engine's own integration (`INTERNAL_INTEGRATION`), so no sender's alert can resolve it.
 */
import { INTERNAL_INTEGRATION, type IngestItem } from '../alerts/alert.ts';
import type { EngineModule } from '../engine/loop.ts';
import type { Locker } from '../db/locker.ts';
import { applyBatch } from '../incidents/apply.ts';
import { alertKeyOf, legacyAlertKeyOf } from '../incidents/keys.ts';
import { applyOptions } from '../incidents/options.ts';
import type { HeartbeatApplyConfig } from './config.ts';
import { recordHeartbeat } from './store.ts';

export function heartbeatModule(config: HeartbeatApplyConfig, locker: Locker): EngineModule | null {
  const hb = config.heartbeat;
  if (!hb) return null;
  const dedupKey = `heartbeat:${hb.alertname}`;
  const timeoutMs = hb.timeoutMinutes * 60_000;
  return {
    name: 'heartbeat',
    // Check often enough that a short timeout (the demo's compressed profile) is noticed on time.
    everyMs: Math.max(250, Math.min(5000, timeoutMs / 10)),
    async tick({ trx, now }) {
      const t = now.getTime();
      const row = await trx
        .selectFrom('heartbeats')
        .selectAll()
        .where('name', '=', hb.alertname)
        .executeTakeFirst();
      if (!row) {
        // The clock starts the first time the engine runs, not at the epoch.
        await recordHeartbeat(trx, hb.alertname, t);
        return;
      }
      const silent = t - row.last_seen_at > timeoutMs;
      const minutes = Math.round((t - row.last_seen_at) / 60_000);
      const item: IngestItem = {
        serviceId: hb.service,
        source: 'heartbeat',
        integration: INTERNAL_INTEGRATION,
        actor: hb.alertname,
        defaultTier: 'T1',
        alert: {
          action: silent ? 'trigger' : 'resolve',
          dedupKey,
          groupKey: dedupKey,
          summary: `Monitoring pipeline is down: no ${hb.alertname} alert for ${minutes} min`,
          labels: { alertname: 'KlaxonHeartbeatMissing', tier: 'T1', heartbeat: hb.alertname },
          annotations: {
            description: `Alertmanager's always-firing ${hb.alertname} alert has not reached Klaxon since ${new Date(row.last_seen_at).toISOString()}. Prometheus, Alertmanager or the route to Klaxon is down, so other alerts may be missing too.`,
          },
          details: { lastSeenAt: new Date(row.last_seen_at).toISOString() },
          generatorUrl: null,
          startsAt: row.last_seen_at,
          endsAt: silent ? null : t,
        },
      };
      // Its own alert, or the one it raised before migration 0007 (which applying still finds).
      const alerts = await trx
        .selectFrom('alerts')
        .select('status')
        .where('alert_key', 'in', [alertKeyOf(item), legacyAlertKeyOf(item)])
        .execute();
      const firing = alerts.some((a) => a.status === 'firing');
      if (silent === firing) return;
      await applyBatch(trx, locker, [item], await applyOptions(trx, config, t));
    },
  };
}
