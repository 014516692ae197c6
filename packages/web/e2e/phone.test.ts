/**
 * The responder's phone, in real Chromium at 390×844 against a real engine (SQLite, FakeClock):
 * enabling notifications on the device, a page delivered as an encrypted Web Push message and
 * acknowledged from the notification's own action as that person, cover and swap requests between two
 * people, and an admin's temporary schedule on the calendar. Each check then asks the engine's API what
 * happened. The run takes the phone screenshots in docs/ui/ (phone-*.png).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { FakeClock, hashPassword, parseConfig, type RunningServer } from '@klaxon/engine';
import {
  buildUi,
  freePort,
  haveChromium,
  launchChromium,
  PASSWORD,
  SHOTS,
  startUiEngine,
} from './harness.ts';
import {
  ADMIN_TOKEN,
  AM_KEY,
  configYaml,
  lagAlert,
  notificationShade,
  startPushService,
} from './phone-fixtures.ts';
import { installFakePushManager } from './push-browser.ts';

const HOUR = 3_600_000;
const PHONE = { width: 390, height: 844 };
// Engine time starts at the real time, so the browser's "now" agrees with it.
const START = Math.floor(Date.now() / 60_000) * 60_000;
/** `<input type="datetime-local">` text for an instant, in the browser's zone (UTC here). */
const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const ceilHour = (ms: number) => Math.ceil(ms / HOUR) * HOUR;

type OnCall = { oncall: { schedule: string; user: string | null }[] };
type Shift = { user: string | null; start: string; end: string };

describe.skipIf(!haveChromium)('the responder’s phone in Chromium', () => {
  let engine: RunningServer;
  let browser: Browser;
  let base: string;
  let push: Awaited<ReturnType<typeof startPushService>>;
  let pushBase: string;
  const vapid = webpush.generateVAPIDKeys();
  const clock = new FakeClock(START);
  const contexts: BrowserContext[] = [];

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  };
  const onCallAt = async (ms: number) =>
    (
      await api<OnCall>(
        'GET',
        `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(new Date(ms).toISOString())}`,
      )
    ).json.oncall[0]?.user;
  /** The rotation's shifts over the next four weeks, from the engine. */
  const shifts = async () =>
    (
      await api<{ shifts: Shift[] }>(
        'GET',
        `/api/v1/schedules/primary/shifts?from=${new Date(START).toISOString()}&to=${new Date(START + 28 * 24 * HOUR).toISOString()}`,
      )
    ).json.shifts.map((s) => ({ user: s.user, start: Date.parse(s.start), end: Date.parse(s.end) }));
  /** A `hours`-long range inside `user`'s first shift that leaves room after `after`. */
  const rangeOf = async (user: string, hours: number, after: number) => {
    for (const s of await shifts()) {
      if (s.user !== user) continue;
      const from = Math.max(ceilHour(after), s.start);
      if (from + hours * HOUR <= s.end) return { from, to: from + hours * HOUR };
    }
    throw new Error(`${user} has no shift with ${hours} h free after ${new Date(after).toISOString()}`);
  };

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    (page as Page & { errors: string[] }).errors = errors;
    return page;
  };
  const signIn = async (page: Page, user: string) => {
    await page.goto(`${base}/login`);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    const name = user.charAt(0).toUpperCase() + user.slice(1);
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(name);
  };
  /** Picks the option of a shift select whose shift holds [from, to). */
  const pickShift = async (page: Page, testId: string, from: number, to: number) => {
    const values = await page
      .getByTestId(testId)
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    const value = values.find((v) => {
      const [s, e] = v.split('|');
      return Date.parse(s!) <= from && Date.parse(e!) >= to;
    });
    expect(value, `a ${testId} option holding the range among ${values.join(', ')}`).toBeDefined();
    await page.getByTestId(testId).selectOption(value!);
  };

  beforeAll(async () => {
    await buildUi();
    const [enginePort, pushPort] = await Promise.all([freePort(), freePort()]);
    base = `http://localhost:${enginePort}`;
    pushBase = `http://127.0.0.1:${pushPort}`;
    push = await startPushService(pushPort);
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-phone-'));
    const config = parseConfig(configYaml(enginePort, vapid, await hashPassword(PASSWORD)), 'phone.yaml', {});
    engine = await startUiEngine(config, { port: enginePort, dir, clock });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await engine?.close();
    await new Promise((r) => (push ? push.server.close(r) : r(undefined)));
  });

  it('serves an installable app: the manifest, its icons and the service worker', async () => {
    const manifest = await fetch(`${base}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const app = (await manifest.json()) as { icons: { src: string; sizes: string; type: string }[] };
    expect(app).toMatchObject({ name: 'Klaxon', start_url: '/', display: 'standalone' });
    expect(app.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of app.icons) {
      const res = await fetch(new URL(icon.src, base));
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type'), icon.src).toContain(icon.type);
    }
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    // A changed worker must reach browsers at once: never served from a cache without asking.
    expect(sw.headers.get('cache-control')).toMatch(/no-cache|max-age=0\b/);
    const page = await newPage();
    await page.goto(`${base}/login`);
    expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest');
  });

  it('enables notifications on the phone, and acknowledges a page from its notification as that person', async () => {
    const page = await newPage();
    const context = page.context();
    await context.grantPermissions(['notifications'], { origin: base });
    await context.addInitScript(installFakePushManager, pushBase);
    await signIn(page, 'alice');

    // Enable, through the UI as a person would: service worker, permission, subscription, POST.
    await page.getByTestId('nav-devices').click();
    await expect.poll(() => page.getByTestId('push-status').textContent()).toContain('Off');
    await page.getByTestId('enable-push').click();
    await expect.poll(() => page.getByTestId('push-done').textContent(), { timeout: 15_000 }).toContain('on');
    await expect.poll(() => page.getByTestId('device-row').count()).toBe(1);
    await expect.poll(() => page.getByTestId('push-status').textContent()).toContain('On');
    await page.screenshot({ path: join(SHOTS, 'phone-notifications.png') });
    const devices = await page.evaluate(async () => (await fetch('/api/v1/me/devices')).json());
    expect(devices).toMatchObject({
      vapidPublicKey: vapid.publicKey,
      devices: [{ service: expect.stringContaining('127.0.0.1') }],
    });

    // The DevTools protocol knows the service worker's registration: that is where the push goes.
    const cdp: CDPSession = await context.newCDPSession(page);
    const registrations = new Map<string, string>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      for (const r of e.registrations) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => registrations.get(`${base}/`)).toBeDefined();

    // A warning fires; the escalation pages Alice by push: the engine POSTs to her push service.
    const before = push.received.length;
    const fired = await fetch(`${base}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(lagAlert(clock.now().getTime())),
    });
    expect(fired.status, await fired.clone().text()).toBeLessThan(300);
    const incident = ((await fired.json()) as { results: { incidentId: number }[] }).results[0]!.incidentId;
    engine.engine.poke();
    await expect.poll(() => push.received.length, { timeout: 15_000 }).toBeGreaterThan(before);
    const sent = push.received[push.received.length - 1]!;
    expect(sent.path).toMatch(/^\/push\//);
    expect(sent.headers['content-encoding']).toBe('aes128gcm');
    expect(sent.headers.authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`),
    );
    expect(Number(sent.headers.ttl)).toBeGreaterThan(0);

    // Only the browser holds the private key: it decrypts the body (RFC 8291) ...
    const plaintext = await page.evaluate(
      (b64) =>
        (
          globalThis as unknown as { __klaxonDecryptPush: (s: string) => Promise<string> }
        ).__klaxonDecryptPush(b64),
      sent.body.toString('base64'),
    );
    const payload = JSON.parse(plaintext) as {
      incident: number;
      tier: string;
      tag: string;
      actions: { acknowledge?: string };
    };
    expect(payload).toMatchObject({ v: 1, kind: 'page', incident, tier: 'T2', tag: `incident-${incident}` });
    expect(payload.actions.acknowledge).toMatch(new RegExp(`^${base}/a/${incident}/`));

    // ... and Chromium delivers it to the service worker as its push event.
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: base,
      registrationId: registrations.get(`${base}/`)!,
      data: plaintext,
    });
    type Shown = { title: string; body: string; tag: string; actions: string[]; requireInteraction: boolean };
    type Raw = Omit<Shown, 'actions'> & { actions: { action: string }[] };
    type Nav = { navigator: { serviceWorker: { ready: Promise<{ getNotifications(): Promise<Raw[]> }> } } };
    const shown = () =>
      page.evaluate(async (): Promise<Shown[]> => {
        const reg = await (globalThis as unknown as Nav).navigator.serviceWorker.ready;
        return (await reg.getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          requireInteraction: n.requireInteraction,
          actions: n.actions.map((a) => a.action),
        }));
      });
    await expect.poll(async () => (await shown()).length, { timeout: 10_000 }).toBe(1);
    const page1 = (await shown())[0]!;
    // Acknowledge, then Resolve (a T2), then Open, as many as the browser shows (Chromium: 2).
    const maxActions = await page.evaluate(
      () => (globalThis as unknown as { Notification: { maxActions: number } }).Notification.maxActions,
    );
    expect(maxActions).toBeGreaterThanOrEqual(2);
    expect(page1).toMatchObject({
      tag: `incident-${incident}`,
      actions: ['acknowledge', 'resolve', 'open'].slice(0, maxActions),
    });
    expect(page1.title).toContain(`#${incident}`);

    // Tap Acknowledge: the notificationclick the system would send, dispatched inside the service worker.
    const worker = context.serviceWorkers().find((w) => w.url() === `${base}/sw.js`);
    expect(worker, 'the service worker is running').toBeDefined();
    type Worker = {
      registration: { getNotifications(filter: { tag: string }): Promise<unknown[]> };
      dispatchEvent(event: unknown): boolean;
      NotificationEvent: new (type: string, init: { notification: unknown; action: string }) => unknown;
    };
    await worker!.evaluate(async (tag) => {
      const sw = globalThis as unknown as Worker;
      const [notification] = await sw.registration.getNotifications({ tag });
      if (!notification) throw new Error(`no notification tagged ${tag}`);
      sw.dispatchEvent(
        new sw.NotificationEvent('notificationclick', { notification, action: 'acknowledge' }),
      );
    }, page1.tag);

    // The engine acknowledged it as Alice, by push, and the follow-up notification says so.
    type Detail = {
      incident: { state: string };
      timeline: { kind: string; actor: string | null; message: string }[];
    };
    await expect
      .poll(async () => (await api<Detail>('GET', `/api/v1/incidents/${incident}`)).json.incident.state, {
        timeout: 10_000,
      })
      .toBe('acknowledged');
    const detail = (await api<Detail>('GET', `/api/v1/incidents/${incident}`)).json;
    const ack = detail.timeline.find((e) => e.kind === 'incident.acknowledged');
    expect(ack?.actor).toBe('push:alice');
    await expect
      .poll(async () => (await shown()).map((n) => `${n.title}: ${n.body}`).join('\n'), { timeout: 10_000 })
      .toMatch(new RegExp(`^Acknowledged #${incident}: .*Alice Moreau`)); // the engine's own sentence
    const followUp = (await shown())[0]!;
    expect(followUp.tag).toBe(page1.tag);
    expect(followUp.actions).toEqual([]);

    // Headless Chromium draws no system notifications, so the screenshot renders the service worker's own
    // notifications (title, body, action buttons) as a phone's notification shade would show them.
    const shade = await context.newPage();
    await shade.setContent(notificationShade([page1, followUp], clock.now().getTime()));
    await shade.screenshot({ path: join(SHOTS, 'phone-push-notification.png') });
    await shade.close();

    // "Send a test" reaches the same browser; Remove stops pages to it.
    const sentBefore = push.received.length;
    await page.getByTestId('device-test').click();
    await expect.poll(() => page.getByTestId('push-done').textContent()).toContain('test');
    // The delivery module runs at most every few seconds of engine time: let a little pass.
    clock.advance(10_000);
    engine.engine.poke();
    await expect.poll(() => push.received.length, { timeout: 15_000 }).toBeGreaterThan(sentBefore);
    const testPush = await page.evaluate(
      (b64) =>
        (
          globalThis as unknown as { __klaxonDecryptPush: (s: string) => Promise<string> }
        ).__klaxonDecryptPush(b64),
      push.received[push.received.length - 1]!.body.toString('base64'),
    );
    // The engine's test message: no incident, so nothing to acknowledge.
    expect(JSON.parse(testPush)).toMatchObject({
      v: 1,
      title: 'Klaxon test notification',
      incident: null,
      actions: {},
    });
    await page.getByTestId('device-remove').click();
    await expect.poll(() => page.getByTestId('no-devices').count()).toBe(1);
    expect(await page.evaluate(async () => (await fetch('/api/v1/me/devices')).json())).toMatchObject({
      devices: [],
    });
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('covers part of a shift: Alice asks, Bob takes it, GET /api/v1/oncall changes exactly for that range', async () => {
    const cover = await rangeOf('alice', 3, clock.now().getTime() + 2 * HOUR);
    expect(await onCallAt(cover.from + HOUR)).toBe('alice');
    const alice = await newPage();
    await signIn(alice, 'alice');
    await alice.goto(`${base}/schedules`);
    await alice.getByTestId('request-shift').waitFor();
    await alice.getByTestId('request-kind-cover').check({ force: true });
    await pickShift(alice, 'request-shift', cover.from, cover.to);
    await alice.getByTestId('request-from').fill(localInput(cover.from));
    await alice.getByTestId('request-to').fill(localInput(cover.to));
    await alice.getByTestId('request-note').fill('Dentist, back by lunch');
    await alice.getByTestId('request-submit').click();
    await expect.poll(() => alice.getByTestId('request-done').count()).toBe(1);
    const row = alice.locator('[data-testid="request-row"][data-kind="cover"]');
    await expect.poll(() => row.count()).toBe(1);
    await alice.getByTestId('shift-requests').scrollIntoViewIfNeeded();
    await alice.getByTestId('shift-requests').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await alice.screenshot({ path: join(SHOTS, 'phone-cover-request.png') });

    const bob = await newPage();
    await signIn(bob, 'bob');
    await bob.goto(`${base}/schedules`);
    const offered = bob.locator('[data-testid="request-row"][data-kind="cover"]');
    await expect.poll(() => offered.count()).toBe(1);
    await offered.getByTestId('request-accept').click();
    await expect.poll(() => onCallAt(cover.from + HOUR)).toBe('bob');
    expect(await onCallAt(cover.from)).toBe('bob');
    expect(await onCallAt(cover.to - 60_000)).toBe('bob');
    expect(await onCallAt(cover.from - 60_000)).toBe('alice');
    expect(await onCallAt(cover.to)).toBe('alice');
    // The override says where it came from, in the list both see.
    await bob.reload();
    const made = bob.locator('[data-testid="override-row"][data-source="cover"]');
    await expect.poll(() => made.count()).toBe(1);
    expect(await made.textContent()).toContain('Bob Okafor');
    expect((alice as Page & { errors: string[] }).errors).toEqual([]);
    expect((bob as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('swaps: Alice offers a range of her shift for one of Bob’s, Bob accepts, both ranges change hands', async () => {
    const mine = await rangeOf('alice', 2, clock.now().getTime() + 30 * HOUR);
    const theirs = await rangeOf('bob', 2, mine.to + 2 * HOUR);
    const alice = await newPage();
    await signIn(alice, 'alice');
    await alice.goto(`${base}/schedules`);
    await alice.getByTestId('request-shift').waitFor();
    await alice.getByTestId('request-kind-swap').check({ force: true });
    await pickShift(alice, 'request-shift', mine.from, mine.to);
    await alice.getByTestId('request-from').fill(localInput(mine.from));
    await alice.getByTestId('request-to').fill(localInput(mine.to));
    await alice.getByTestId('request-with').selectOption('bob');
    await pickShift(alice, 'request-their-shift', theirs.from, theirs.to);
    await alice.getByTestId('request-swap-from').fill(localInput(theirs.from));
    await alice.getByTestId('request-swap-to').fill(localInput(theirs.to));
    await alice.getByTestId('request-submit').click();
    await expect.poll(() => alice.getByTestId('request-done').textContent()).toContain('Bob Okafor');

    const bob = await newPage();
    await signIn(bob, 'bob');
    await bob.goto(`${base}/schedules`);
    const asked = bob.locator('[data-testid="request-row"][data-kind="swap"]');
    await expect.poll(() => asked.count()).toBe(1);
    await asked.getByTestId('request-accept').click();
    await expect.poll(() => onCallAt(mine.from + HOUR)).toBe('bob');
    expect(await onCallAt(theirs.from + HOUR)).toBe('alice');
    expect(await onCallAt(mine.to)).toBe('alice');
    expect(await onCallAt(theirs.to)).toBe('bob');
  });

  it('lets an admin make a temporary schedule in the UI, and the calendar shows it', async () => {
    // A launch tomorrow: first whoever the rotation would NOT have on call, then the other.
    const from = ceilHour(clock.now().getTime() + 24 * HOUR);
    const mid = from + 3 * HOUR;
    const to = from + 6 * HOUR;
    const first = (await onCallAt(from + HOUR)) === 'bob' ? 'alice' : 'bob';
    const second = first === 'bob' ? 'alice' : 'bob';
    const edges = [await onCallAt(from - 60_000), await onCallAt(to)];
    const erin = await newPage();
    await signIn(erin, 'erin');
    await erin.goto(`${base}/schedules`);
    await erin.getByTestId('temporary-name').fill('Launch night');
    await erin.getByTestId('temporary-from').fill(localInput(from));
    await erin.getByTestId('temporary-to').fill(localInput(to));
    await erin.getByTestId('temporary-add-row').click();
    const rows = erin.getByTestId('temporary-row');
    await rows.nth(0).getByTestId('temporary-user').selectOption(first);
    await rows.nth(0).getByTestId('temporary-shift-from').fill(localInput(from));
    await rows.nth(0).getByTestId('temporary-shift-to').fill(localInput(mid));
    await rows.nth(1).getByTestId('temporary-user').selectOption(second);
    await rows.nth(1).getByTestId('temporary-shift-from').fill(localInput(mid));
    await rows.nth(1).getByTestId('temporary-shift-to').fill(localInput(to));
    await erin.getByTestId('temporary-submit').click();
    await expect.poll(() => erin.getByTestId('temporary-done').count()).toBe(1);

    expect(await onCallAt(from + HOUR)).toBe(first);
    expect(await onCallAt(mid + HOUR)).toBe(second);
    expect([await onCallAt(from - 60_000), await onCallAt(to)]).toEqual(edges);
    const temporary = erin.locator(
      '[data-testid="schedule-primary"] [data-testid="shift"][data-source="temporary"]',
    );
    await expect.poll(() => temporary.count()).toBeGreaterThan(0);
    expect(await temporary.first().textContent()).toContain('Launch night');
    expect(await erin.getByTestId('temporary-note').first().textContent()).toContain('Launch night');
    await temporary.first().evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await erin.screenshot({ path: join(SHOTS, 'phone-temporary-schedule.png') });
    expect((erin as Page & { errors: string[] }).errors).toEqual([]);
  });
});
