/**
 * The shift requests' background work, an engine module over rows: open requests expire at their start
 * (`request.expired`, and the requester is told), and an open cover request still unfilled
 * `shiftRequests.warnBeforeHours` before its start warns its requester and the team lead, once (through
 * the notifier, shifts/notifier.ts). Both are conditional updates inside the module's transaction, so
 * running twice, after a restart or on two replicas sends nothing twice.
 */
import type { TeamsView } from '../auth/config.ts';
import type { EngineModule } from '../engine/loop.ts';
import type { ScheduleConfig } from './config.ts';
import { requestMessage, type RequestNotifyConfig, type ShiftNotifier } from './requests-notify.ts';
import type { ShiftRequestsConfig } from './requests-config.ts';
import { expireRequests, markWarned, unwarnedCoverRequests, type ShiftRequestRow } from './requests.ts';
import { leadOf } from './self-service-rules.ts';

/** What the module reads from the config. */
export interface RequestsModuleConfig extends RequestNotifyConfig, TeamsView {
  schedules: readonly Pick<ScheduleConfig, 'id' | 'name' | 'team'>[];
  shiftRequests: ShiftRequestsConfig;
}

/**
 * When the unfilled warning of `r` is due: `warnMs` before its start, or, for a request made later than
 * that, halfway between its creation and its start (so it is not warned about the moment it is made).
 */
export function warnAt(r: Pick<ShiftRequestRow, 'starts_at' | 'created_at'>, warnMs: number): number {
  const planned = r.starts_at - warnMs;
  return planned >= r.created_at ? planned : r.created_at + Math.floor((r.starts_at - r.created_at) / 2);
}

export function requestsModule(config: RequestsModuleConfig, notify: ShiftNotifier): EngineModule | null {
  if (config.schedules.length === 0) return null;
  const schedules = new Map(config.schedules.map((s) => [s.id, s]));
  const nameOf = (id: string) => schedules.get(id)?.name ?? id;
  const warnMs = config.shiftRequests.warnBeforeHours * 3_600_000;
  return {
    name: 'shift-requests',
    everyMs: 15_000,
    async tick({ trx, now }) {
      const t = now.getTime();
      for (const row of await expireRequests(trx, t))
        await notify(
          trx,
          [row.requester],
          requestMessage(config, row, nameOf(row.schedule_id), 'expired'),
          t,
        );
      for (const row of await unwarnedCoverRequests(trx, t, warnMs)) {
        if (warnAt(row, warnMs) > t || !(await markWarned(trx, row.id, t))) continue;
        const lead = leadOf(config, schedules.get(row.schedule_id));
        const message = requestMessage(config, row, nameOf(row.schedule_id), 'unfilled');
        await notify(trx, lead ? [row.requester, lead] : [row.requester], message, t);
      }
    },
  };
}
