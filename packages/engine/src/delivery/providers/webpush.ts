/**
 * Web Push (RFC 8030) with VAPID (RFC 8292): the `web-push` package encrypts the payload for the browser's
 * subscription (RFC 8291, aes128gcm) and signs the VAPID JWT; we POST it to the subscription's endpoint
 * with `Authorization: vapid t=<JWT>, k=<public key>`, `TTL` and `Urgency` (over http too, for a local
 * push service in tests: `web-push`'s own sender speaks https only).
 *
 * Addresses: `webpush:device:<id>`, a browser its owner enabled in the web app (devices/store.ts, read
 * through `devices`), or `webpush:{"endpoint":"…","keys":{…}}`, a subscription written in the config. A
 * device whose push service answers 404 or 410 is forgotten. The payload is what the web app's service
 * worker (packages/web/public/sw.js) shows: title, body, the incident, and the signed one-tap links.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';
import webpush from 'web-push';
import { deviceIdOf, type DeviceDirectory, type PushSubscriptionKeys } from '../../devices/store.ts';
import { ProviderError, type NotificationProvider, type OutboundMessage } from '../provider.ts';

export interface WebPushOptions {
  id: string;
  publicKey: string;
  privateKey: string;
  /** A mailto: or https: contact for the push service operator. */
  subject: string;
  timeoutMs: number;
  /** An HTTPS agent for push services behind a private CA or a proxy. */
  agent?: Agent;
  devices?: DeviceDirectory;
}

/** What the service worker receives, as JSON. */
export interface PushPayload {
  v: 1;
  kind: OutboundMessage['kind'];
  title: string;
  body: string;
  /** Notifications with one tag replace each other: one per incident. */
  tag: string;
  incident: number | null;
  tier: string | null;
  state: string | null;
  url: string | null;
  actions: { acknowledge?: string; resolve?: string };
}

export function pushPayload(msg: OutboundMessage): PushPayload {
  return {
    v: 1,
    kind: msg.kind,
    title: msg.subject,
    body: msg.body,
    tag: msg.incident ? `incident-${msg.incident.id}` : `klaxon-${msg.notificationId}`,
    incident: msg.incident?.id ?? null,
    tier: msg.incident?.tier ?? null,
    state: msg.incident?.state ?? null,
    url: msg.context?.incidentUrl ?? msg.context?.dashboardUrl ?? null,
    actions: msg.incident?.state === 'triggered' ? { ...msg.actions } : {},
  };
}

export function webPushProvider(o: WebPushOptions): NotificationProvider {
  const subscriptionOf = async (address: string): Promise<PushSubscriptionKeys> => {
    const device = deviceIdOf(address);
    if (device !== null) {
      const found = o.devices ? await o.devices.subscription(device) : undefined;
      if (!found)
        throw new ProviderError(`browser ${device} is no longer registered for push`, { retryable: false });
      return found;
    }
    try {
      return JSON.parse(address.slice('webpush:'.length)) as PushSubscriptionKeys;
    } catch {
      throw new ProviderError('the web push subscription is not valid JSON', { retryable: false });
    }
  };
  return {
    id: o.id,
    type: 'webpush',
    channels: ['push'],
    accepts: (_channel, address) => address.startsWith('webpush:'),
    async send(msg) {
      const subscription = await subscriptionOf(msg.address);
      const device = deviceIdOf(msg.address);
      const details = webpush.generateRequestDetails(subscription, JSON.stringify(pushPayload(msg)), {
        vapidDetails: { subject: o.subject, publicKey: o.publicKey, privateKey: o.privateKey },
        TTL: 3600,
        urgency: msg.urgency === 'high' ? 'high' : 'normal',
      });
      let res: PushResponse;
      try {
        res = await post(details, o.timeoutMs, o.agent);
      } catch (err) {
        if (device !== null) await o.devices?.used(device, (err as Error).message);
        throw new ProviderError(`web push: ${(err as Error).message}`, { retryable: true });
      }
      if (res.status >= 200 && res.status < 300) {
        if (device !== null) await o.devices?.used(device, null);
        return { providerId: res.location };
      }
      // 404/410: the subscription is gone for good.
      const gone = res.status === 404 || res.status === 410;
      if (device !== null)
        await (gone ? o.devices?.gone(device) : o.devices?.used(device, `HTTP ${res.status}`));
      throw new ProviderError(`web push answered ${res.status}: ${res.body.slice(0, 300)}`, {
        retryable: res.status === 429 || res.status >= 500,
        status: res.status,
      });
    },
  };
}

interface PushResponse {
  status: number;
  location: string | undefined;
  body: string;
}

/** POSTs web-push's request (headers and encrypted body) to the endpoint, over http or https. */
function post(
  details: webpush.RequestDetails,
  timeoutMs: number,
  agent: Agent | undefined,
): Promise<PushResponse> {
  const url = new URL(details.endpoint);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: details.headers,
        timeout: timeoutMs,
        ...(agent && url.protocol === 'https:' ? { agent } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        res.on('end', () => {
          const location = res.headers.location;
          resolve({
            status: res.statusCode ?? 0,
            location: typeof location === 'string' ? location : undefined,
            body,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(details.body ?? undefined);
  });
}
