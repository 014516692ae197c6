/**
 * Browsers enabled for push, through the real API on SQLite: who may register, which endpoints are
 * refused, and a page reaching a registered browser as an encrypted Web Push message (decrypted here with
 * the browser's keys), including the signed one-tap links, and a browser its push service dropped.
 */
import { createECDH, randomBytes } from 'node:crypto';
import ece from 'http_ece';
import webpush from 'web-push';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  auth,
  createTestStore,
  KEYS,
  sessionBrowser,
  startFake,
  testConfig,
  type FakeServer,
} from '@klaxon/testing';
import { buildApp, type KlaxonApp } from '../app/build.ts';
import { standardModules } from '../app/modules.ts';
import { hashPassword } from '../auth/password.ts';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop } from '../engine/loop.ts';
import type { DeliveryModule } from '../delivery/module.ts';
import { getIncident } from '../incidents/store.ts';

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'devices-admin-token-000000001';
const vapid = webpush.generateVAPIDKeys();

const yaml = (hash: string, hosts: string) => `
server: { publicUrl: 'https://klaxon.example.com' }
notifications:
  providers:
    - { id: push, type: webpush, publicKey: '${vapid.publicKey}', privateKey: '${vapid.privateKey}', subject: 'mailto:oncall@example.com', endpointHosts: [${hosts}], allowInsecureEndpoints: true }
users:
  - { id: alice, name: Alice, passwordHash: '${hash}', contactMethods: [{ type: push, address: devices }], notificationRules: { low: [{ type: push }], high: [{ type: push }] } }
  - { id: bob, name: Bob, passwordHash: '${hash}', contactMethods: [{ type: push, address: devices }] }
teams:
  - { id: platform, name: Platform, members: [alice, bob] }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: p }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: p }
  T3: { name: Advisory, urgency: none, pages: false }
escalationPolicies:
  - { id: p, name: P, steps: [{ targets: [{ user: alice }] }] }
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: kafka, source: alertmanager, routeByLabel: service }
apiTokens:
  - { name: admin, token: ${ADMIN}, role: admin }
`;

/** A browser's push subscription: its own P-256 key pair and auth secret. */
function browserKeys(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    ecdh,
    authSecret,
    subscription: {
      endpoint,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
    },
  };
}

let hash: string;
beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

describe('push devices', () => {
  let store: KlaxonDatabase;
  let built: KlaxonApp;
  let loop: EngineLoop;
  let delivery: DeliveryModule;
  let pushService: FakeServer;
  let status = 201;
  let clock: FakeClock;

  beforeEach(async () => {
    status = 201;
    pushService = await startFake((_req, res) => {
      res.writeHead(status);
      res.end();
    });
    const config = testConfig('', yaml(hash, "'127.0.0.1', '*.push.example.com'"));
    store = await createTestStore('sqlite');
    clock = new FakeClock('2026-03-31T10:00:00Z');
    const standard = standardModules(config, store, { clock, poke: () => undefined });
    delivery = standard.delivery!;
    built = await buildApp({ config, store, clock, processMetrics: false });
    loop = new EngineLoop({ store, clock, modules: standard.modules, intervalMs: 1000 });
  });
  afterEach(async () => {
    await delivery?.drain();
    await built?.app.close();
    await store?.close();
    await pushService?.close();
  });

  const signedIn = async (user: string) => {
    const b = sessionBrowser(built.app);
    await b.login(user, PASSWORD);
    return b;
  };
  const register = (b: ReturnType<typeof sessionBrowser>, subscription: object, name = 'Phone') =>
    b.request('POST', '/api/v1/me/devices', { name, subscription });

  it('lets a person register, list and remove their own browsers, and nobody else', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    const first = await alice.request('GET', '/api/v1/me/devices');
    expect(first.json()).toEqual({ vapidPublicKey: vapid.publicKey, devices: [] });

    const res = await register(alice, browserKeys('https://fcm.push.example.com/send/abc').subscription);
    expect(res.statusCode).toBe(201);
    const device = res.json().device;
    expect(device).toMatchObject({ name: 'Phone', service: 'fcm.push.example.com', lastUsedAt: null });
    expect(JSON.stringify(device)).not.toContain('/send/abc'); // never the subscription itself
    expect((await alice.request('GET', '/api/v1/me/devices')).json().devices).toHaveLength(1);
    expect((await bob.request('GET', '/api/v1/me/devices')).json().devices).toEqual([]);
    // Bob cannot remove or test Alice's device: it is not his.
    expect((await bob.request('DELETE', `/api/v1/me/devices/${device.id}`)).statusCode).toBe(404);
    expect((await bob.request('POST', `/api/v1/me/devices/${device.id}/test`)).statusCode).toBe(404);
    expect((await alice.request('DELETE', `/api/v1/me/devices/${device.id}`)).statusCode).toBe(204);
    expect((await alice.request('GET', '/api/v1/me/devices')).json().devices).toEqual([]);
  });

  it('refuses API tokens, push services the config does not allow, and malformed keys', async () => {
    const token = await built.app.inject({ method: 'GET', url: '/api/v1/me/devices', headers: auth(ADMIN) });
    expect(token.statusCode).toBe(403);
    const alice = await signedIn('alice');
    const elsewhere = await register(alice, browserKeys('https://evil.example.net/push').subscription);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.code).toBe('push_endpoint_refused');
    expect(elsewhere.json().error.message).toContain('evil.example.net');
    const sub = browserKeys('https://fcm.push.example.com/x').subscription;
    const badKey = await register(alice, { ...sub, keys: { ...sub.keys, p256dh: 'AAAA' } });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().error.code).toBe('invalid_payload');
    const extra = await register(alice, { ...sub, keys: { ...sub.keys, extra: 1 } });
    expect(extra.statusCode).toBe(400);
  });

  it('pages a registered browser with an encrypted payload carrying the signed links, and forgets a dropped one', async () => {
    const alice = await signedIn('alice');
    const keys = browserKeys(`${pushService.url}/push/alice-phone`);
    expect((await register(alice, keys.subscription)).statusCode).toBe(201);
    const fire = await built.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: amPayload([
        { labels: { alertname: 'KafkaLag', service: 'kafka', tier: 'T2' }, fingerprint: 'f1' },
      ]),
    });
    const incidentId = fire.json().results[0].incidentId as number;
    await loop.runOnce();
    await delivery.drain();

    const req = pushService.requests.find((r) => r.path === '/push/alice-phone')!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-encoding']).toBe('aes128gcm');
    expect(req.headers.authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`),
    );
    const plain = ece.decrypt(req.raw, {
      version: 'aes128gcm',
      privateKey: keys.ecdh,
      authSecret: keys.authSecret.toString('base64url'),
    });
    const payload = JSON.parse(plain.toString('utf8'));
    expect(payload).toMatchObject({
      v: 1,
      kind: 'page',
      incident: incidentId,
      tier: 'T2',
      state: 'triggered',
      tag: `incident-${incidentId}`,
    });
    expect(payload.title).toContain(`#${incidentId}`);
    expect(payload.actions.acknowledge).toMatch(
      new RegExp(`^https://klaxon\\.example\\.com/a/${incidentId}/`),
    );
    expect(payload.actions.resolve).toMatch(new RegExp(`^https://klaxon\\.example\\.com/a/${incidentId}/`));
    const timeline = (await getIncident(store, incidentId)).timeline.map((e) => e.message).join('\n');
    expect(timeline).toContain('alice by push');
    const listed = (await alice.request('GET', '/api/v1/me/devices')).json().devices[0];
    expect(listed.lastUsedAt).not.toBeNull();

    // The push service drops the subscription: the device is forgotten.
    status = 410;
    expect((await alice.request('POST', `/api/v1/me/devices/${listed.id}/test`)).statusCode).toBe(202);
    clock.advance(1000);
    await loop.runOnce();
    await delivery.drain();
    expect(pushService.requests.filter((r) => r.path === '/push/alice-phone')).toHaveLength(2);
    expect((await alice.request('GET', '/api/v1/me/devices')).json().devices).toEqual([]);
  });
});
