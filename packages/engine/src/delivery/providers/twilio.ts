/**
 * Twilio Programmable Messaging and Voice over its REST API.
 * - SMS: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json` form: To, From, Body.
 * - Call: `POST {base}/2010-04-01/Accounts/{AccountSid}/Calls.json` form: To, From, Url (our TwiML).
 * Basic auth AccountSid:AuthToken. Inbound webhooks carry `X-Twilio-Signature` (see verifyTwilioSignature).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  checkResponse,
  ProviderError,
  type NotificationProvider,
  type OutboundMessage,
} from '../provider.ts';

export interface TwilioOptions {
  id: string;
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl?: string;
}

export function twilioProvider(o: TwilioOptions): NotificationProvider {
  const base = (o.baseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
  const auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
  const post = async (resource: 'Messages' | 'Calls', form: Record<string, string>, signal: AbortSignal) => {
    const res = await fetch(
      `${base}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/${resource}.json`,
      {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        signal,
      },
    );
    await checkResponse(res, 'Twilio');
    const body = (await res.json()) as { sid?: string };
    return { providerId: body.sid };
  };
  return {
    id: o.id,
    type: 'twilio',
    channels: ['sms', 'voice'],
    async send(msg: OutboundMessage, signal) {
      // With a public URL, Twilio reports delivery (delivered, undelivered, no-answer …) back to us.
      const status: Record<string, string> = msg.callbackBaseUrl
        ? { StatusCallback: `${msg.callbackBaseUrl}/api/v1/webhooks/twilio/status/${msg.notificationId}` }
        : {};
      if (msg.channel === 'sms') {
        return post('Messages', { To: msg.address, From: o.from, Body: msg.short, ...status }, signal);
      }
      if (!msg.callbackBaseUrl) {
        throw new ProviderError('voice calls need server.publicUrl so Twilio can fetch the call script', {
          retryable: false,
        });
      }
      return post(
        'Calls',
        {
          To: msg.address,
          From: o.from,
          Url: `${msg.callbackBaseUrl}/api/v1/webhooks/twilio/voice/${msg.notificationId}`,
          Method: 'POST',
          ...status,
        },
        signal,
      );
    },
  };
}

/**
 * Twilio's request signature: base64 HMAC-SHA1 over the full URL followed by every POST parameter, sorted
 * by name, as name+value, keyed with the auth token.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The TwiML a page call plays: the incident, then "press 1 to acknowledge, 2 to escalate". */
export function pageCallTwiml(text: string, gatherUrl: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Response>',
    `<Gather numDigits="1" action="${xml(gatherUrl)}" method="POST" timeout="10">`,
    `<Say>${xml(text)}</Say>`,
    '<Say>Press 1 to acknowledge. Press 2 to escalate.</Say>',
    '</Gather>',
    '<Say>No input received. Goodbye.</Say>',
    '</Response>',
  ].join('');
}

export function sayTwiml(text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${xml(text)}</Say></Response>`;
}
