/**
 * Handoff notices: when a shift starts, the incoming person gets a low-urgency notification ("you are
 * on call for Primary until Monday 09:00"). A row per (schedule, shift start) makes it exactly once,
 * across restarts and replicas; a handoff more than 15 minutes old when the engine first sees it is
 * skipped, so a restart never floods people with stale notices.
 */
import type { EngineModule } from '../engine/loop.ts';
import { pushAddresses } from '../devices/store.ts';
import { queueNotifications } from '../notifications/store.ts';
import type { OnCallDirectory } from './directory.ts';
import { scheduleShifts } from '../schedules/schedule.ts';

const LOOKBACK_MS = 15 * 60_000;

export function handoffModule(directory: OnCallDirectory): EngineModule | null {
  if (directory.schedules.size === 0) return null;
  return {
    name: 'handoffs',
    everyMs: 5000,
    async tick({ trx, now }) {
      const t = now.getTime();
      const overrides = await directory.overrides(trx, t - LOOKBACK_MS, t + 1);
      for (const spec of directory.schedules.values()) {
        const shifts = scheduleShifts(spec, overrides.get(spec.id) ?? [], t - LOOKBACK_MS, t + 1);
        const current = shifts[shifts.length - 1];
        if (!current?.user || current.start <= t - LOOKBACK_MS) continue;
        const inserted = await trx
          .insertInto('handoff_notices')
          .values({ schedule_id: spec.id, shift_start: current.start, user_id: current.user, created_at: t })
          .onConflict((oc) => oc.columns(['schedule_id', 'shift_start']).doNothing())
          .returning('schedule_id')
          .execute();
        if (inserted.length === 0) continue;
        const until =
          scheduleShifts(spec, overrides.get(spec.id) ?? [], t, t + 35 * 86_400_000)[0]?.end ?? null;
        const devices = await pushAddresses(trx, [current.user]);
        const plan = directory.plan(current.user, 'low', devices).filter((p) => p.delayMinutes === 0);
        if (plan.length === 0) continue;
        await queueNotifications(
          trx,
          plan.map((p) => ({
            incident_id: null,
            kind: 'handoff',
            user_id: p.userId,
            channel: p.channel,
            address: p.address,
            urgency: 'low',
            step_index: null,
            due_at: t,
            status: 'queued' as const,
            detail: JSON.stringify({
              schedule: spec.id,
              scheduleName: spec.name,
              from: current.start,
              until,
            }),
            created_at: t,
            updated_at: t,
          })),
        );
      }
    },
  };
}
