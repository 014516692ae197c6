/**
 * What a verified SNS Notification means: a CloudWatch alarm state change, an EventBridge event that a
 * rule turns into an alert, or something Klaxon acknowledges and ignores.
 */
import { safeParseHostile } from '../../validation/http.ts';
import type { IncomingAlert } from '../../alerts/alert.ts';
import type { SnsOptions } from '../config.ts';
import { refuseTooDeep } from '../limits.ts';
import { cloudWatchAlarmSchema, fromAlarm, looksLikeAlarm } from './cloudwatch.ts';
import { eventBridgeEventSchema, fromEvent, looksLikeEvent } from './eventbridge.ts';
import type { SnsMessage } from './message.ts';

/** Why a notification opened nothing; also the `outcome` label of klaxon_alerts_received_total. */
export type IgnoredReason = 'insufficient_data' | 'unmatched_event' | 'unrecognized';

export type NotificationOutcome = { alert: IncomingAlert } | { ignored: IgnoredReason; detail: string };

export function fromNotification(message: SnsMessage, options: SnsOptions): NotificationOutcome {
  let json: unknown;
  try {
    json = JSON.parse(message.Message);
  } catch {
    return { ignored: 'unrecognized', detail: 'the Message is not JSON' };
  }
  // The Message is JSON in a string, so the body's own nesting limit did not see inside it.
  refuseTooDeep(json, 'Message', "The SNS message's Message JSON");
  if (looksLikeAlarm(json)) {
    const alarm = safeParseHostile(cloudWatchAlarmSchema, json);
    if (!alarm?.success)
      return { ignored: 'unrecognized', detail: 'a CloudWatch alarm message out of shape' };
    const alert = fromAlarm(alarm.data, options);
    return alert
      ? { alert }
      : { ignored: 'insufficient_data', detail: `${alarm.data.AlarmName} is INSUFFICIENT_DATA` };
  }
  if (looksLikeEvent(json)) {
    const event = safeParseHostile(eventBridgeEventSchema, json);
    if (!event?.success) return { ignored: 'unrecognized', detail: 'an EventBridge event out of shape' };
    const alert = fromEvent(event.data, options, message.MessageId);
    return alert
      ? { alert }
      : {
          ignored: 'unmatched_event',
          detail: `no sns.eventRules entry matches ${event.data.source} "${event.data['detail-type']}"`,
        };
  }
  return { ignored: 'unrecognized', detail: 'neither a CloudWatch alarm nor an EventBridge event' };
}
