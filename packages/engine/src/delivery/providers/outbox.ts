/**
 * A local outbox: every message is appended as one JSON line to a file a person can read. For the demo
 * and for trying Klaxon without Slack or Twilio accounts; it takes every channel.
 */
import { mkdir, writeFile } from 'node:fs/promises';
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
    async send(msg, signal) {
      signal.throwIfAborted();
      ready ??= mkdir(dirname(o.path), { recursive: true });
      await ready;
      signal.throwIfAborted();
      const line = {
        at: new Date(o.now()).toISOString(),
        notificationId: msg.notificationId,
        kind: msg.kind,
        channel: msg.channel,
        to: msg.address,
        subject: msg.subject,
        text: msg.channel === 'sms' || msg.channel === 'voice' ? msg.short : msg.body,
        incident: msg.incident?.id ?? null,
        // The page's signed one-tap links, as the phone would show them (the demo's backup taps one).
        ...(msg.actions && Object.keys(msg.actions).length > 0 ? { actions: msg.actions } : {}),
      };
      try {
        // appendFile, with the signal (appendFile's options do not take one).
        await writeFile(o.path, `${JSON.stringify(line)}\n`, { flag: 'a', signal });
      } catch (err) {
        // Node rejects with its own AbortError; the caller's reason (e.g. its TimeoutError) says more.
        if (signal.aborted) throw signal.reason;
        throw err;
      }
      return { providerId: `outbox-${msg.notificationId}` };
    },
    async update(msg, _previous, signal) {
      await this.send(msg, signal);
    },
  };
}
