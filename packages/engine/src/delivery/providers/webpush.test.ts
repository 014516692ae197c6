import { createECDH, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import ece from 'http_ece';
import webpush from 'web-push';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCert, startFake, type FakeServer } from '@klaxon/testing';
import type { OutboundMessage } from '../provider.ts';
import { webPushProvider } from './webpush.ts';

/** A browser's push subscription: its own P-256 key pair and auth secret. */
function subscribe(endpoint: string) {
  const browser = createECDH('prime256v1');
  browser.generateKeys();
  const authSecret = randomBytes(16);
  const subscription = {
    endpoint,
    keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
  };
  return { browser, authSecret, address: `webpush:${JSON.stringify(subscription)}` };
}

function vapidProvider(agent: Agent) {
  const vapid = webpush.generateVAPIDKeys();
  return {
    vapid,
    provider: webPushProvider({
      id: 'webpush',
      publicKey: vapid.publicKey,
      privateKey: vapid.privateKey,
      subject: 'mailto:oncall@example.com',
      timeoutMs: 2000,
      agent,
    }),
  };
}

describe('web push with VAPID', () => {
  const tls = selfSignedCert();
  const agent = new Agent({ ca: tls.cert });
  let endpoint: FakeServer | undefined;
  afterEach(async () => endpoint?.close());

  it('posts an encrypted payload to the subscription endpoint with a VAPID Authorization', async () => {
    endpoint = await startFake(
      (_req, res) => {
        res.writeHead(201, { location: 'https://push.example.com/m/1' });
        res.end();
      },
      { tls },
    );
    const { browser, authSecret, address } = subscribe(`${endpoint.url}/push/v1/abc`);
    const { vapid, provider } = vapidProvider(agent);
    const msg: OutboundMessage = {
      notificationId: 7,
      kind: 'page',
      channel: 'push',
      address,
      urgency: 'high',
      incident: {
        id: 42,
        title: 'Bedrock error rate 7%',
        tier: 'T1',
        state: 'triggered',
        service: 'bedrock',
        serviceName: 'AWS Bedrock',
        createdAt: '2026-03-28T02:00:00.000Z',
      },
      context: null,
      subject: '[T1] #42 Bedrock error rate 7% (AWS Bedrock)',
      body: 'Bedrock error rate 7%',
      short: '[T1] #42 Bedrock error rate 7%',
      callbackBaseUrl: null,
    };
    expect(await provider.send(msg, AbortSignal.timeout(2000))).toEqual({
      providerId: 'https://push.example.com/m/1',
    });
    const req = endpoint.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', path: '/push/v1/abc' });
    expect(req.headers['content-encoding']).toBe('aes128gcm');
    expect(req.headers.ttl).toBe('3600');
    expect(req.headers.urgency).toBe('high');
    expect(req.headers.authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`),
    );
    const plain = ece.decrypt(req.raw, {
      version: 'aes128gcm',
      privateKey: browser,
      authSecret: authSecret.toString('base64url'),
    });
    expect(JSON.parse(plain.toString())).toMatchObject({
      title: '[T1] #42 Bedrock error rate 7% (AWS Bedrock)',
      incident: 42,
    });
  });

  it('treats a gone subscription as permanent and a 5xx as retryable', async () => {
    let status = 410;
    endpoint = await startFake(
      (_req, res) => {
        res.writeHead(status);
        res.end('gone');
      },
      { tls },
    );
    const { address } = subscribe(`${endpoint.url}/p`);
    const { provider } = vapidProvider(agent);
    const msg = {
      notificationId: 1,
      kind: 'page',
      channel: 'push',
      address,
      urgency: 'low',
      incident: null,
      context: null,
      subject: 's',
      body: 'b',
      short: 's',
      callbackBaseUrl: null,
    } as const;
    await expect(provider.send(msg, AbortSignal.timeout(2000))).rejects.toMatchObject({
      retryable: false,
      status: 410,
    });
    status = 503;
    await expect(provider.send(msg, AbortSignal.timeout(2000))).rejects.toMatchObject({
      retryable: true,
      status: 503,
    });
  });
});
