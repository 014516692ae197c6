/**
 * The web UI in a real browser: playwright-core drives Debian's Chromium against a real engine (SQLite,
 * on a FakeClock the test moves) serving the freshly built UI, and a real OpenID Connect provider
 * (`oidc-provider`) for single sign-on. Every check goes through the UI as a person would, then asks the
 * engine's own API what happened. The run also takes the screenshots in docs/ui/.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
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

const ADMIN_TOKEN = 'ui-test-admin-token-0123456789';
const AM_KEY = 'ui-test-am-key-0123456789abcdef';
const OIDC_SECRET = 'ui-test-oidc-client-secret-0123456789';
// Engine time starts at the real time, so the browser's "now" (relative times, the analytics range, the
// calendar's week) agrees with it; the test then moves engine time on.
const START = Math.floor(Date.now() / 60_000) * 60_000;
/** `<input type="datetime-local">` text for an instant, in the browser's zone (UTC here). */
const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/** The fixtures' phone numbers (E.164): a viewer's pages must show none of them. */
const PHONES = ['+15550000001', '+15550000002', '+15550000004', '+15550000005'];

/** Every channel a page may use, all delivered to the outbox file. */
const contacts = (phone: string) =>
  `[{ type: voice, address: '${phone}' }, { type: sms, address: '${phone}' }, { type: push, address: 'ntfy:${phone}' }, { type: email, address: 'p${phone.slice(1)}@example.com' }]`;

function configYaml(enginePort: number, oidcPort: number, outbox: string, hash: string): string {
  return `
server: { publicUrl: 'http://localhost:${enginePort}' }
auth:
  loginAttemptsPerMinute: 100 # this test signs in a dozen times a minute from one address
  oidc:
    name: Acme SSO
    issuer: 'http://localhost:${oidcPort}'
    clientId: klaxon
    clientSecret: '${OIDC_SECRET}'
    allowInsecureHttp: true
links: { grafanaUrl: 'http://grafana.example', alertmanagerUrl: 'http://alertmanager.example' }
users:
  - { id: alice, name: Alice Moreau, email: alice@example.com, role: responder, passwordHash: '${hash}', contactMethods: ${contacts('+15550000001')} }
  - { id: bob, name: Bob Okafor, email: bob@example.com, role: responder, passwordHash: '${hash}', contactMethods: ${contacts('+15550000002')} }
  - { id: vic, name: Vic Viewer, email: vic@example.com, role: viewer, passwordHash: '${hash}' }
  - { id: gina, name: Gina Games, email: gina@example.com, role: responder, passwordHash: '${hash}', contactMethods: ${contacts('+15550000004')} }
  - { id: erin, name: Erin Walsh, email: erin@example.com, role: admin, passwordHash: '${hash}', contactMethods: ${contacts('+15550000005')} }
teams:
  - { id: platform, name: Platform, members: [alice, bob, vic], lead: erin }
  - { id: game, name: Game Backend, members: [gina], lead: erin }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T1, dashboard: { uid: klaxon-kafka }, runbookUrl: 'http://runbooks.example/kafka' }
  - { id: game-api, name: Game API, team: game, defaultTier: T1 }
schedules:
  - id: primary
    name: Primary on-call
    timezone: UTC
    team: platform
    layers:
      - { name: weekly, users: [alice, bob], rotation: { type: weekly, start: '2026-11-02', handoffTime: '09:00' } }
  - id: gaps
    name: Business-hours cover
    timezone: UTC
    layers:
      - name: weekdays
        users: [bob]
        rotation: { type: weekly, start: '2026-11-02', handoffTime: '09:00' }
        restrictions: [{ days: [monday, tuesday, wednesday, thursday, friday], from: '09:00', to: '17:00' }]
escalationPolicies:
  - id: critical
    name: T1 critical
    steps:
      - { targets: [{ schedule: primary }], escalateAfterMinutes: 5 }
      - { targets: [{ user: erin }] }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: critical }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: critical }
  T3: { name: Advisory, urgency: none, pages: false }
notifications:
  providers: [{ id: outbox, type: outbox, path: '${outbox}' }]
integrationKeys:
  - { key: '${AM_KEY}', name: am, service: kafka, source: alertmanager, routeByLabel: service }
apiTokens:
  - { name: ui-test-admin, token: '${ADMIN_TOKEN}', role: admin }
`;
}

/** The OpenID provider: any login name whose email is <name>@example.com, consent granted by a click. */
async function startOidc(port: number, redirectUri: string): Promise<Server> {
  const provider = new Provider(`http://localhost:${port}`, {
    clients: [
      {
        client_id: 'klaxon',
        client_secret: OIDC_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['ui-test-oidc-cookie-key'] },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
    }),
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe.skipIf(!haveChromium)('the web UI in Chromium', () => {
  let engine: RunningServer;
  let oidc: Server;
  let browser: Browser;
  let base: string;
  const clock = new FakeClock(START);

  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T }> => {
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

  let fingerprint = 0;
  /** Incident ids by the alert name that opened them. */
  const incidents = new Map<string, number>();
  /** Fires an alert through the Alertmanager endpoint, as Prometheus would. */
  const fire = async (service: string, alertname: string, summary: string) => {
    const fp = `fp${++fingerprint}`;
    const res = await fetch(`${base}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: `{}:{alertname="${alertname}"}`,
        status: 'firing',
        receiver: 'klaxon',
        groupLabels: { alertname },
        commonLabels: { alertname, service, severity: 'critical' },
        commonAnnotations: { summary },
        externalURL: 'http://alertmanager.example',
        alerts: [
          {
            status: 'firing',
            labels: { alertname, service, severity: 'critical', tier: 'T1' },
            annotations: { summary },
            startsAt: new Date(clock.now().getTime()).toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example/graph',
            fingerprint: fp,
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const body = (await res.json()) as { results: { incidentId: number }[] };
    const id = body.results[0]!.incidentId;
    incidents.set(alertname, id);
    return id;
  };

  type Detail = {
    incident: { id: number; state: string; service: string; title: string };
    timeline: { kind: string; actor: string | null; message: string; data: Record<string, unknown> }[];
    escalation: { state: string; step: number } | null;
  };
  const detail = async (id: number) => (await api<Detail>('GET', `/api/v1/incidents/${id}`)).json;
  const incidentByTitle = (alertname: string) => {
    const id = incidents.get(alertname);
    if (id === undefined) throw new Error(`no incident was opened by ${alertname}`);
    return id;
  };
  /** Moves engine time forward and waits for the engine loop to act on it. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    engine.engine.poke();
    await new Promise((r) => setTimeout(r, 600));
  };

  const contexts: BrowserContext[] = [];
  const newPage = async (viewport = { width: 1280, height: 800 }): Promise<Page> => {
    const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
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

  beforeAll(async () => {
    await buildUi();
    const [enginePort, oidcPort] = await Promise.all([freePort(), freePort()]);
    base = `http://localhost:${enginePort}`;
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-ui-'));
    const config = parseConfig(
      configYaml(enginePort, oidcPort, join(dir, 'outbox.jsonl'), await hashPassword(PASSWORD)),
      'ui-test.yaml',
      {},
    );
    oidc = await startOidc(oidcPort, `${base}/auth/oidc/callback`);
    engine = await startUiEngine(config, { port: enginePort, dir, clock });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await engine?.close();
    await new Promise((r) => (oidc ? oidc.close(r) : r(undefined)));
  });

  it('signs in with a password, and refuses a wrong one', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill('wrong password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/\S/);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain('Alice');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'klaxon_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true });
  });

  it('shows an alert ingested through the API in the list without a reload, and acknowledging it stops the escalation', async () => {
    const page = await newPage();
    await signIn(page, 'alice');
    await expect.poll(() => page.getByTestId('live-status').textContent()).toBe('live');
    const marker = await page.evaluate(() => ((globalThis as unknown as { __marker: number }).__marker = 42));

    await fire('kafka', 'KafkaBrokerDown', 'Broker kafka-2 is down');
    await fire('kafka', 'KafkaUnderReplicated', 'Partitions under-replicated');
    const acked = incidentByTitle('KafkaBrokerDown');
    const left = incidentByTitle('KafkaUnderReplicated');
    await expect.poll(() => page.getByTestId(`incident-row-${acked}`).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId(`incident-row-${left}`).count()).toBe(1);
    // The same document: the row arrived over the live stream, not through a reload.
    expect(await page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(marker);

    // Step 1 paged the primary for both.
    await expect
      .poll(async () => (await detail(acked)).timeline.some((e) => e.kind === 'escalation.step'))
      .toBe(true);

    await advance(2 * 60_000); // alice takes two minutes to get to it
    await page.getByTestId(`incident-row-${acked}`).click();
    await expect.poll(() => page.getByTestId('incident-state').first().textContent()).toMatch(/triggered/i);
    await page.getByTestId('ack-button').click();
    await expect
      .poll(() => page.getByTestId('incident-state').first().textContent())
      .toMatch(/acknowledged/i);
    await expect.poll(() => page.getByTestId('ack-button').count()).toBe(0);

    // Ten minutes later the policy's second step (erin) has paged for the incident left alone, not for
    // the acknowledged one: the engine's own timeline says so.
    await advance(6 * 60_000);
    await advance(1000);
    await expect
      .poll(async () => (await detail(left)).timeline.filter((e) => e.kind === 'escalation.step').length)
      .toBe(2);
    const after = await detail(acked);
    expect(after.incident.state).toBe('acknowledged');
    expect(after.timeline.find((e) => e.kind === 'incident.acknowledged')?.actor).toBe('alice');
    expect(after.timeline.filter((e) => e.kind === 'escalation.step')).toHaveLength(1);
    expect(after.escalation?.state).not.toBe('active');
  });

  it('adds a note from the incident page', async () => {
    const id = incidentByTitle('KafkaBrokerDown');
    const page = await newPage();
    await signIn(page, 'alice');
    // The page an SMS link opens renders from one data request: no chain of spinners.
    const requests: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/')) requests.push(path);
    });
    const opened = performance.now();
    await page.goto(`${base}/incidents/${id}`);
    await page.getByTestId('timeline-entry').first().waitFor();
    const ms = Math.round(performance.now() - opened);
    expect(
      requests.filter((p) => p !== '/api/v1/auth/session' && p !== '/api/v1/stream'),
      requests.join(', '),
    ).toEqual([`/api/v1/incidents/${id}`]);
    console.log(
      `[ui] incident page: timeline shown ${ms} ms after navigation; API requests: ${requests.join(', ')}`,
    );
    await page.getByTestId('note-input').fill('Restarted kafka-2; watching ISR recover.');
    await page.getByTestId('note-submit').click();
    await expect
      .poll(() => page.getByTestId('timeline').textContent())
      .toContain('Restarted kafka-2; watching ISR recover.');
    const note = (await detail(id)).timeline.find((e) => e.kind === 'note');
    expect(note).toMatchObject({ actor: 'alice', message: 'Restarted kafka-2; watching ISR recover.' });
  });

  it('changes GET /api/v1/oncall with an override created in the schedule calendar', async () => {
    const at = new Date(START + 2 * 3_600_000).toISOString();
    const before = await api<{ oncall: { schedule: string; user: string | null }[] }>(
      'GET',
      `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(at)}`,
    );
    const who = before.json.oncall[0]!.user;
    const other = who === 'alice' ? 'bob' : 'alice';
    const page = await newPage();
    await signIn(page, 'alice');
    await page.goto(`${base}/schedules`);
    await expect.poll(() => page.getByTestId('schedule-primary').count()).toBe(1);
    // Gaps are highlighted: the business-hours schedule has nights and weekends uncovered.
    await expect
      .poll(() => page.locator('[data-testid="shift"][data-gap="true"]').count())
      .toBeGreaterThan(0);
    const form = page.getByTestId('override-user').locator('xpath=ancestor::form');
    const schedulePicker = form.getByTestId('override-schedule');
    if ((await schedulePicker.count()) > 0) await schedulePicker.selectOption('primary');
    await page.getByTestId('override-user').selectOption(other);
    await page.getByTestId('override-from').fill(localInput(START + 3_600_000));
    await page.getByTestId('override-to').fill(localInput(START + 3 * 3_600_000));
    await page.getByTestId('override-submit').click();
    await expect
      .poll(async () => {
        const now = await api<{ oncall: { user: string | null }[] }>(
          'GET',
          `/api/v1/oncall?schedule=primary&at=${encodeURIComponent(at)}`,
        );
        return now.json.oncall[0]!.user;
      })
      .toBe(other);
    await expect.poll(() => page.getByTestId('override-row').count()).toBeGreaterThan(0);
  });

  it('shows a viewer no acknowledge button, and the API refuses the viewer with 403', async () => {
    await fire('kafka', 'KafkaConsumerLag', 'Consumer group lagging');
    const id = incidentByTitle('KafkaConsumerLag');
    const page = await newPage();
    await signIn(page, 'vic');
    await page.goto(`${base}/incidents/${id}`);
    await expect
      .poll(() => page.getByTestId('incident-title').textContent())
      .toContain('Consumer group lagging');
    expect(await page.getByTestId('ack-button').count()).toBe(0);
    expect(await page.getByTestId('resolve-button').count()).toBe(0);
    expect(await page.getByTestId('note-submit').count()).toBe(0);
    // Trying anyway, from the viewer's own signed-in browser with its CSRF token: 403.
    const status = await page.evaluate(async (incident) => {
      const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/v1/incidents/${incident}/acknowledge`, {
        method: 'POST',
        headers: { 'x-csrf-token': session.csrfToken },
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    }, id);
    expect(status).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await detail(id)).incident.state).toBe('triggered');
  });

  it("shows a viewer's incident page without anyone's phone number", async () => {
    const id = incidentByTitle('KafkaBrokerDown');
    // The incident paged people by voice and SMS, so the numbers exist to leak.
    const full = await api<{ notifications: { channel: string }[] }>('GET', `/api/v1/incidents/${id}`);
    expect(full.json.notifications.some((n) => n.channel === 'voice' || n.channel === 'sms')).toBe(true);
    const page = await newPage();
    await signIn(page, 'vic');
    await page.goto(`${base}/incidents/${id}`);
    await page.getByTestId('timeline-entry').first().waitFor();
    await expect.poll(() => page.getByTestId('incident-title').textContent()).toContain('Broker kafka-2');
    const text = await page.locator('body').innerText();
    const html = await page.content();
    for (const phone of PHONES) {
      expect(text, phone).not.toContain(phone);
      expect(html, phone).not.toContain(phone);
    }
    expect(text).not.toMatch(/\+[1-9]\d{7,14}/);
  });

  it("refuses a responder of another team an override on a team's schedule, and leaves who is on call alone", async () => {
    const at = new Date(START + 2 * 3_600_000).toISOString();
    type OnCall = { oncall: { schedule: string; user: string | null }[] };
    const before = (await api<OnCall>('GET', `/api/v1/oncall?at=${encodeURIComponent(at)}`)).json.oncall;
    const page = await newPage();
    await signIn(page, 'gina'); // a responder of the game team; primary is the platform team's
    await page.goto(`${base}/schedules`);
    await expect.poll(() => page.getByTestId('schedule-gaps').count()).toBe(1);
    // The platform team's schedule is not shown to her, nor offered in the override form.
    expect(await page.getByTestId('schedule-primary').count()).toBe(0);
    const options = await page.getByTestId('override-schedule').locator('option').all();
    expect(await Promise.all(options.map((o) => o.getAttribute('value')))).toEqual(['gaps']);
    // The schedule she does see has no team: only an admin may change its overrides. The UI says so.
    await page.getByTestId('override-schedule').selectOption('gaps');
    await page.getByTestId('override-user').selectOption('gina');
    await page.getByTestId('override-from').fill(localInput(START + 3_600_000));
    await page.getByTestId('override-to').fill(localInput(START + 3 * 3_600_000));
    await page.getByTestId('override-submit').click();
    await expect
      .poll(() => page.getByTestId('override-error').textContent())
      .toContain('only an admin may change its overrides');
    // Sent anyway from her signed-in browser, straight to the platform team's schedule: not found.
    const direct = await page.evaluate(
      async (body) => {
        const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
        const res = await fetch('/api/v1/schedules/primary/overrides', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as { error: { code: string } } };
      },
      {
        user: 'gina',
        from: new Date(START + 3_600_000).toISOString(),
        to: new Date(START + 3 * 3_600_000).toISOString(),
      },
    );
    expect(direct).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    // The engine's answer to "who is on call" did not move.
    expect((await api<OnCall>('GET', `/api/v1/oncall?at=${encodeURIComponent(at)}`)).json.oncall).toEqual(
      before,
    );
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('hides an incident from a user of another team', async () => {
    const id = incidentByTitle('KafkaBrokerDown');
    const page = await newPage();
    await signIn(page, 'gina');
    await expect.poll(() => page.getByTestId('incident-list').count()).toBe(1);
    expect(await page.getByTestId(`incident-row-${id}`).count()).toBe(0);
    await page.goto(`${base}/incidents/${id}`);
    await expect.poll(() => page.getByTestId('not-found').count()).toBe(1);
    const res = await page.evaluate(
      async (incident) => (await fetch(`/api/v1/incidents/${incident}`)).status,
      id,
    );
    expect(res).toBe(404);
    // The same incident is there for its own team.
    await fire('game-api', 'GameApiErrors', 'Game API 5xx above 5%');
    const own = incidentByTitle('GameApiErrors');
    await page.goto(`${base}/`);
    await expect.poll(() => page.getByTestId(`incident-row-${own}`).count()).toBe(1);
  });

  it('signs in through OpenID Connect against a local provider', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.getByTestId('login-oidc').click();
    // oidc-provider's own login and consent pages.
    await page.locator('input[name="login"]').fill('bob');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await expect
      .poll(() => page.getByTestId('current-user').textContent(), { timeout: 15_000 })
      .toContain('Bob');
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json());
    expect(session).toMatchObject({ user: { id: 'bob', via: 'oidc', role: 'responder' } });
  });

  it('takes screenshots of every page at desktop and phone sizes', async () => {
    const id = incidentByTitle('KafkaBrokerDown');
    // Each page, and what shows it has rendered.
    const pages: [string, string, string][] = [
      ['login', '/login', '[data-testid="login-submit"]'],
      ['incidents', '/', `[data-testid="incident-row-${id}"]`],
      ['incident', `/incidents/${id}`, '[data-testid="timeline-entry"]'],
      ['oncall', '/oncall', '[data-testid="oncall-schedule-primary"]'],
      ['schedules', '/schedules', '[data-testid="schedule-primary"] [data-testid="shift"]'],
      ['policies', '/policies', '[data-testid="policy-critical"]'],
      ['services', '/services', '[data-testid="service-kafka"]'],
      ['analytics', '/analytics', '[data-testid="chart-mtta"] svg'],
    ];
    // Resolve one incident for the analytics, and show the pages at engine time (the browser's clock is
    // fixed to it, timers still run), so relative times and the analytics range match the engine.
    await advance(3 * 60_000);
    expect((await api('POST', `/api/v1/incidents/${id}/resolve`)).status).toBe(200);
    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await newPage(viewport);
      await page.clock.setFixedTime(clock.now());
      for (const [name, path, ready] of pages) {
        if (name === 'incidents') await signIn(page, 'erin');
        await page.goto(`${base}${path}`);
        await page.locator(ready).first().waitFor({ timeout: 15_000 });
        await page.waitForTimeout(name === 'analytics' ? 1500 : 300); // chart animations, fonts
        await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: size === 'phone' });
      }
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
    }
  });
});
