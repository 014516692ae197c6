/**
 * Delivers shift self-service messages (schedules/requests-notify.ts): each person gets one low-urgency
 * `shift` notification per push, Slack and email contact method and per registered browser (never a call
 * or a text: nothing is on fire), queued in the caller's transaction through the notifications store.
 */
import type { NewNotificationRow } from '../db/tables.ts';
import { PUSH_DEVICES_ONLY, pushAddresses } from '../devices/store.ts';
import { noticeRow, queueNotifications } from '../notifications/store.ts';
import type { Channel } from '../org/config.ts';
import type { RequestNotifyConfig, ShiftNotifier } from '../schedules/requests-notify.ts';

/** The contact methods a shift message may use. */
const QUIET_CHANNELS: ReadonlySet<Channel> = new Set(['push', 'slack', 'email']);

/** The notifier over `config`'s contact methods and the registered devices. */
export function shiftNotifier(config: RequestNotifyConfig): ShiftNotifier {
  const users = new Map(config.users.map((u) => [u.id, u]));
  return async (trx, userIds, message, now) => {
    const people = [...new Set(userIds)];
    const devices = await pushAddresses(trx, people);
    const detail = JSON.stringify(message);
    const rows: NewNotificationRow[] = [];
    for (const userId of people) {
      const targets = new Map<string, { channel: string; address: string }>();
      for (const c of users.get(userId)?.contactMethods ?? [])
        if (QUIET_CHANNELS.has(c.type) && c.address !== PUSH_DEVICES_ONLY)
          targets.set(`${c.type} ${c.address}`, { channel: c.type, address: c.address });
      for (const address of devices.get(userId) ?? [])
        targets.set(`push ${address}`, { channel: 'push', address });
      for (const { channel, address } of targets.values()) {
        rows.push(noticeRow({ kind: 'shift', userId, channel, address, detail }, now));
      }
    }
    await queueNotifications(trx, rows);
  };
}
