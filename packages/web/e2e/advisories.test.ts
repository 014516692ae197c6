/**
 * The Advisories page in a real browser (issue 23): T3 alerts ingested through the engine's Alertmanager
 * endpoint become advisories on the engine's `advisories` pass; a responder selects several with the keys
 * and a Shift+click, reviews them at once, and sees the unreviewed count drop in the list and in the nav's
 * badge; a dismissal needs its reason; a viewer sees the list without the actions (and the API refuses
 * them); another team's advisories are not shown. Every outcome is then asked of the engine's own API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const ADMIN_TOKEN = 'advisories-test-admin-token-0123456789';
const AM_KEY = 'advisories-test-am-key-0123456789abcdef';
const START = Math.floor(Date.now() / 60_000) * 60_000;

function configYaml(enginePort: number, outbox: string, hash: string): string {
  return `
server: { publicUrl: 'http://localhost:${enginePort}' }
auth: { loginAttemptsPerMinute: 100 }
users:
  - { id: alice, name: Alice Moreau, email: alice@example.com, role: responder, passwordHash: '${hash}' }
  - { id: vic, name: Vic Viewer, email: vic@example.com, role: viewer, passwordHash: '${hash}' }
  - { id: gina, name: Gina Games, email: gina@example.com, role: responder, passwordHash: '${hash}' }
  - { id: erin, name: Erin Walsh, email: erin@example.com, role: admin, passwordHash: '${hash}', contactMethods: [{ type: voice, address: '+15550000005' }, { type: sms, address: '+15550000005' }, { type: push, address: 'ntfy:erin' }, { type: email, address: erin@example.com }] }
teams:
  - { id: platform, name: Platform, members: [alice, vic], lead: erin }
  - { id: game, name: Game Backend, members: [gina], lead: erin }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T3 }
  - { id: game-api, name: Game API, team: game, defaultTier: T3 }
escalationPolicies:
  - id: critical
    name: T1 critical
    steps: [{ targets: [{ user: erin }] }]
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: critical }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: critical }
  T3: { name: Advisory, urgency: none, pages: false }
notifications:
  providers: [{ id: outbox, type: outbox, path: '${outbox}' }]
integrationKeys:
  - { key: '${AM_KEY}', name: am, service: kafka, source: alertmanager, routeByLabel: service }
apiTokens:
  - { name: advisories-test-admin, token: '${ADMIN_TOKEN}', role: admin }
`;
}

interface Advisory {
  incidentId: number;
  service: string;
  alert: string;
  state: string;
  decidedBy: string | null;
  note: string | null;
  reason: string | null;
}
interface AdvisoryPage {
  advisories: Advisory[];
  unreviewed: number;
}

describe.skipIf(!haveChromium)('the Advisories page in Chromium', () => {
  let engine: RunningServer;
  let browser: Browser;
  let base: string;
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
  const advisories = async (query = 'state=all') =>
    (await api<AdvisoryPage>('GET', `/api/v1/advisories?${query}`)).json;

  let fingerprint = 0;
  /** Incident ids by alert name. */
  const opened = new Map<string, number>();
  /** A T3 alert through the Alertmanager endpoint, as Prometheus would send it. */
  const fire = async (service: string, alertname: string, summary: string) => {
    const labels = { alertname, service, severity: 'info', tier: 'T3' };
    const res = await fetch(`${base}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: `{}:{alertname="${alertname}"}`,
        status: 'firing',
        receiver: 'klaxon',
        groupLabels: { alertname },
        commonLabels: labels,
        commonAnnotations: { summary },
        externalURL: 'http://alertmanager.example',
        alerts: [
          {
            status: 'firing',
            labels,
            annotations: { summary },
            startsAt: clock.now().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example/graph',
            fingerprint: `fp${++fingerprint}`,
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const body = (await res.json()) as { results: { incidentId: number }[] };
    opened.set(alertname, body.results[0]!.incidentId);
  };
  const idOf = (alertname: string) => opened.get(alertname)!;

  /** Moves engine time past the advisories pass's interval and lets the engine loop run it. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    engine.engine.poke();
    await new Promise((r) => setTimeout(r, 300));
  };

  const newPage = async (): Promise<Page & { errors: string[] }> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    contexts.push(context);
    const page = (await context.newPage()) as Page & { errors: string[] };
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    return page;
  };
  const signIn = async (page: Page, user: string) => {
    await page.goto(`${base}/login`);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('current-user').count()).toBe(1);
  };
  const rows = (page: Page) => page.locator('[data-testid^="advisory-row-"]');
  const unreviewedText = (page: Page) => page.getByTestId('advisories-unreviewed').textContent();

  const PLATFORM = [
    'KafkaSlowConsumer',
    'KafkaDiskGrowth',
    'KafkaIsrShrink',
    'KafkaLogCleaner',
    'KafkaQuota',
  ];

  beforeAll(async () => {
    await buildUi();
    const port = await freePort();
    base = `http://localhost:${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-advisories-ui-'));
    const config = parseConfig(
      configYaml(port, join(dir, 'outbox.jsonl'), await hashPassword(PASSWORD)),
      'advisories-ui-test.yaml',
      {},
    );
    engine = await startUiEngine(config, { port, dir, clock });
    browser = await launchChromium();

    for (const name of PLATFORM) {
      await fire('kafka', name, `${name} on kafka`);
      await advance(60_000); // one a minute: newest first has an order to show
    }
    await fire('game-api', 'GameApiSlowMatchmaking', 'Matchmaking p95 above 2 s');
    // The engine's advisories pass turns each T3 incident into an unreviewed advisory.
    let listed = 0;
    for (let i = 0; i < 30 && listed < PLATFORM.length + 1; i++) {
      await advance(6_000);
      listed = (await advisories('state=unreviewed')).advisories.length;
    }
    expect(listed, 'every T3 incident became an unreviewed advisory').toBe(PLATFORM.length + 1);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await engine?.close();
  });

  it('reviews several advisories at once with the keys and a Shift+click, and the unreviewed count drops', async () => {
    const page = await newPage();
    await signIn(page, 'alice');
    // The nav's badge counts alice's team's advisories, not the game team's.
    await expect
      .poll(() => page.getByTestId('advisories-badge').textContent(), { timeout: 10_000 })
      .toBe(String(PLATFORM.length));
    await page.getByTestId('nav-advisories').click();
    await expect.poll(() => rows(page).count()).toBe(PLATFORM.length);
    expect(await unreviewedText(page)).toBe(`${PLATFORM.length} unreviewed`);
    // Newest first; the game team's advisory is not shown to her.
    const shownIds = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(shownIds).toEqual([...PLATFORM].reverse().map((n) => `advisory-row-${idOf(n)}`));
    expect(await page.getByTestId(`advisory-row-${idOf('GameApiSlowMatchmaking')}`).count()).toBe(0);

    // `?` lists the keys; Esc closes the list.
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('advisory-help').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('advisory-help').count()).toBe(0);

    // x selects the first row, j moves down, x selects the second, Shift+click the fourth: rows 1-4.
    const [newest, second, third, fourth, oldest] = [...PLATFORM].reverse().map(idOf) as [
      number,
      number,
      number,
      number,
      number,
    ];
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.getByTestId(`advisory-select-${fourth}`).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('advisory-selected').textContent()).toBe('4 selected');
    for (const id of [newest, second, third, fourth])
      expect(await page.getByTestId(`advisory-select-${id}`).isChecked(), `#${id}`).toBe(true);
    expect(await page.getByTestId(`advisory-select-${oldest}`).isChecked()).toBe(false);

    // r: review them, with a note.
    await page.keyboard.press('r');
    await expect.poll(() => page.getByTestId('advisory-dialog').isVisible()).toBe(true);
    await page.getByTestId('advisory-note').fill('Known: the nightly compaction.');
    await page.getByTestId('advisory-confirm').click();

    await expect.poll(() => rows(page).count()).toBe(1);
    await expect.poll(() => unreviewedText(page)).toBe('1 unreviewed');
    await expect.poll(() => page.getByTestId('advisories-badge').textContent()).toBe('1');
    expect(await page.getByTestId('advisory-done').textContent()).toContain('4 reviewed');
    expect(await page.getByTestId('advisory-failures').count()).toBe(0);

    // The engine recorded each decision, by alice, with the note.
    const all = (await advisories()).advisories;
    for (const id of [newest, second, third, fourth])
      expect(
        all.find((a) => a.incidentId === id),
        `#${id}`,
      ).toMatchObject({
        state: 'reviewed',
        decidedBy: 'alice',
        note: 'Known: the nightly compaction.',
      });
    expect(all.find((a) => a.incidentId === oldest)?.state).toBe('unreviewed');
    expect(page.errors).toEqual([]);
  });

  it('dismisses as noise only with a reason, and the queue empties', async () => {
    const page = await newPage();
    // The browser's clock at engine time (timers still run), so the relative times in the screenshot agree.
    await page.clock.setFixedTime(clock.now());
    await signIn(page, 'alice');
    await page.goto(`${base}/advisories`);
    await expect.poll(() => rows(page).count()).toBe(1);
    const oldest = idOf(PLATFORM[0]!);
    // No selection: d acts on the current row.
    await page.keyboard.press('d');
    await expect.poll(() => page.getByTestId('advisory-dialog').isVisible()).toBe(true);
    expect(await page.getByTestId('advisory-confirm').isDisabled()).toBe(true);
    await page.getByTestId('advisory-reason').fill('Fires on every deploy; threshold too low');
    await page.getByTestId('advisory-confirm').click();
    await expect.poll(() => page.getByTestId('advisories-empty').count()).toBe(1);
    await expect.poll(() => unreviewedText(page)).toBe('0 unreviewed');
    await expect.poll(() => page.getByTestId('advisories-badge').count()).toBe(0);
    const dismissed = (await advisories()).advisories.find((a) => a.incidentId === oldest);
    expect(dismissed).toMatchObject({
      state: 'dismissed',
      decidedBy: 'alice',
      reason: 'Fires on every deploy; threshold too low',
    });

    // A digest's deep link opens the page filtered: one service, one alert, every state.
    await page.goto(`${base}/advisories?team=platform&service=kafka&alert=KafkaQuota&state=all`);
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await page.getByTestId(`advisory-row-${idOf('KafkaQuota')}`).count()).toBe(1);
    expect(await page.getByTestId('advisory-filter-alert').inputValue()).toBe('KafkaQuota');
    await page.screenshot({ path: join(SHOTS, 'advisories-desktop.png') });
    expect(page.errors).toEqual([]);

    // The analytics count the advisories opened and the dismissal against its alert.
    const later = await newPage();
    await later.clock.setFixedTime(clock.now().getTime() + 60_000);
    await signIn(later, 'alice');
    await later.goto(`${base}/analytics`);
    await later.getByTestId('analytics-advisories').waitFor({ timeout: 15_000 });
    expect(await later.getByTestId('advisories-opened').locator('dd').textContent()).toBe(
      String(PLATFORM.length),
    );
    expect(await later.getByTestId('advisories-noise').locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^${PLATFORM[0]}\\s+kafka\\s+1$`)),
    ]);
    expect(later.errors).toEqual([]);
  });

  it('shows a viewer the advisories without the actions, and the API refuses the viewer', async () => {
    const page = await newPage();
    await signIn(page, 'vic');
    await page.goto(`${base}/advisories?state=all`);
    await expect.poll(() => rows(page).count()).toBe(PLATFORM.length);
    for (const id of ['advisory-review', 'advisory-dismiss', 'advisory-promote', 'advisory-select-all'])
      expect(await page.getByTestId(id).count(), id).toBe(0);
    expect(await page.locator('[data-testid^="advisory-select-"]').count()).toBe(0);
    // The keys do nothing for a viewer either.
    await page.keyboard.press('x');
    await page.keyboard.press('r');
    expect(await page.getByTestId('advisory-dialog').count()).toBe(0);
    // Sent anyway from the viewer's own signed-in browser: 403.
    const own = idOf('KafkaQuota'); // one of the viewer's team's, reviewed by alice
    const status = await page.evaluate(async (incidentId) => {
      const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/advisories/review', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ incidentIds: [incidentId], action: 'review' }),
      });
      return res.status;
    }, own);
    expect(status).toBe(403);
    expect((await advisories()).advisories.find((a) => a.incidentId === own)).toMatchObject({
      state: 'reviewed',
      decidedBy: 'alice',
    });
    expect(page.errors).toEqual([]);
  });

  it("shows a responder of another team only their team's advisories", async () => {
    const page = await newPage();
    await signIn(page, 'gina');
    await page.goto(`${base}/advisories?state=all`);
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await page.getByTestId(`advisory-row-${idOf('GameApiSlowMatchmaking')}`).count()).toBe(1);
    expect(await unreviewedText(page)).toBe('1 unreviewed');
  });
});
