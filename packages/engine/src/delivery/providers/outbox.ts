/**
 * A local outbox: every message is appended as one JSON line to a file a person can read. For the demo
 * and for trying Klaxon without Slack or Twilio accounts; it takes every channel.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeliveryChannel, NotificationProvider } from '../provider.ts';

const ALL: DeliveryChannel[] = ['voice', 'sms', 'push', 'email', 'slack', 'webhook', 'pagerduty'];

export function outboxProvider(o: {
  id: string;
  path: string;
  channels?: DeliveryChannel[];
  now: () => number;
}): NotificationProvider {
  let ready: Promise<unknown> | null = null;
  return {
    id: o.id,
    type: 'outbox',
    channels: o.channels ?? ALL,
    async send(msg) {
      ready ??= mkdir(dirname(o.path), { recursive: true });
      await ready;
      const line = {
        at: new Date(o.now()).toISOString(),
        notificationId: msg.notificationId,
        kind: msg.kind,
        channel: msg.channel,
        to: msg.address,
        subject: msg.subject,
        text: msg.channel === 'sms' || msg.channel === 'voice' ? msg.short : msg.body,
        incident: msg.incident?.id ?? null,
      };
      await appendFile(o.path, `${JSON.stringify(line)}\n`);
      return { providerId: `outbox-${msg.notificationId}` };
    },
    async update(msg) {
      await this.send(msg, AbortSignal.timeout(1000));
    },
  };
}
