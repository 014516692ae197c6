/**
 * Vonage (Nexmo) SMS API, the second SMS provider for failover.
 * `POST {base}/sms/json` form: api_key, api_secret, from, to, text. A 200 can still carry a per-message
 * failure: `messages[0].status` other than "0".
 */
import { checkResponse, ProviderError, type NotificationProvider } from '../provider.ts';

export interface VonageOptions {
  id: string;
  apiKey: string;
  apiSecret: string;
  from: string;
  baseUrl?: string;
}

export function vonageProvider(o: VonageOptions): NotificationProvider {
  const base = (o.baseUrl ?? 'https://rest.nexmo.com').replace(/\/$/, '');
  return {
    id: o.id,
    type: 'vonage',
    channels: ['sms'],
    async send(msg, signal) {
      const res = await fetch(`${base}/sms/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          api_key: o.apiKey,
          api_secret: o.apiSecret,
          from: o.from,
          to: msg.address.replace(/^\+/, ''),
          text: msg.short,
        }).toString(),
        signal,
      });
      await checkResponse(res, 'Vonage');
      const body = (await res.json()) as {
        messages?: { status?: string; 'message-id'?: string; 'error-text'?: string }[];
      };
      const first = body.messages?.[0];
      if (!first || first.status !== '0') {
        // Status 1 is Vonage's throttle; the rest are about the message or account.
        throw new ProviderError(`Vonage refused the SMS: ${first?.['error-text'] ?? 'no message status'}`, {
          retryable: first?.status === '1',
        });
      }
      return { providerId: first['message-id'] };
    },
  };
}
