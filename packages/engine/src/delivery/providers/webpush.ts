/**
 * Web Push (RFC 8030) with VAPID (RFC 8292), through the `web-push` package: the payload is encrypted for
 * the browser's subscription (aes128gcm) and POSTed to the subscription's endpoint with
 * `Authorization: vapid t=<JWT>, k=<public key>`, `TTL` and `Urgency`. Push addresses look like
 * `webpush:{"endpoint":"…","keys":{"p256dh":"…","auth":"…"}}`.
 */
import type { Agent } from 'node:https';
import webpush, { WebPushError } from 'web-push';
import { ProviderError, type NotificationProvider } from '../provider.ts';

export interface WebPushOptions {
  id: string;
  publicKey: string;
  privateKey: string;
  /** A mailto: or https: contact for the push service operator. */
  subject: string;
  timeoutMs: number;
  /** An HTTPS agent for push services behind a private CA or a proxy. */
  agent?: Agent;
}

export function webPushProvider(o: WebPushOptions): NotificationProvider {
  return {
    id: o.id,
    type: 'webpush',
    channels: ['push'],
    accepts: (_channel, address) => address.startsWith('webpush:'),
    async send(msg) {
      let subscription: webpush.PushSubscription;
      try {
        subscription = JSON.parse(msg.address.slice('webpush:'.length)) as webpush.PushSubscription;
      } catch {
        throw new ProviderError('the web push subscription is not valid JSON', { retryable: false });
      }
      const payload = JSON.stringify({
        title: msg.subject,
        body: msg.body,
        incident: msg.incident?.id ?? null,
        url: msg.context?.incidentUrl ?? msg.context?.dashboardUrl ?? null,
      });
      try {
        const res = await webpush.sendNotification(subscription, payload, {
          vapidDetails: { subject: o.subject, publicKey: o.publicKey, privateKey: o.privateKey },
          TTL: 3600,
          urgency: msg.urgency === 'high' ? 'high' : 'normal',
          timeout: o.timeoutMs,
          ...(o.agent ? { agent: o.agent } : {}),
        });
        return { providerId: typeof res.headers.location === 'string' ? res.headers.location : undefined };
      } catch (err) {
        if (err instanceof WebPushError) {
          // 404/410: the subscription is gone for good.
          throw new ProviderError(`web push answered ${err.statusCode}: ${err.body}`, {
            retryable: err.statusCode === 429 || err.statusCode >= 500,
            status: err.statusCode,
          });
        }
        throw new ProviderError(`web push: ${(err as Error).message}`, { retryable: true });
      }
    },
  };
}
