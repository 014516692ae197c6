/**
 * A generic outgoing webhook: `POST {url}` with a JSON body, signed with HMAC-SHA256 over
 * `{timestamp}.{body}`: headers `X-Klaxon-Timestamp` and `X-Klaxon-Signature: sha256=<hex>`.
 */
import { createHmac } from 'node:crypto';
import { checkResponse, type NotificationProvider } from '../provider.ts';

export interface WebhookOptions {
  id: string;
  url: string;
  secret: string;
  /** Seconds since the epoch, from the engine's clock. */
  now: () => number;
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookProvider(o: WebhookOptions): NotificationProvider {
  return {
    id: o.id,
    type: 'webhook',
    channels: ['webhook'],
    accepts: (_channel, address) => address === o.id,
    async send(msg, signal) {
      const body = JSON.stringify({
        event: msg.kind === 'update' ? `incident.${msg.incident?.state ?? 'updated'}` : 'incident.triggered',
        notificationId: msg.notificationId,
        incident: msg.incident,
        context: msg.context,
        subject: msg.subject,
      });
      const timestamp = String(Math.floor(o.now()));
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-klaxon-timestamp': timestamp,
          'x-klaxon-signature': webhookSignature(o.secret, timestamp, body),
        },
        body,
        signal,
      });
      await checkResponse(res, `webhook ${o.id}`);
      return {};
    },
  };
}
