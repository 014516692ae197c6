/**
 * Delivery against local fakes that speak each service's API, and a real SMTP server. The tests assert
 * the exact requests the fakes received.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, KEYS, startFake, testConfig, TOKENS, type FakeServer } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import { createDatabase, type KlaxonDatabase } from '../db/database.ts';
import { EngineLoop } from '../engine/loop.ts';
import { standardModules } from '../app/modules.ts';
import { buildApp, type KlaxonApp } from '../app/build.ts';
import { getIncident } from '../incidents/store.ts';
import type { DeliveryModule } from './module.ts';
import { slackSignature } from './providers/slack.ts';
import { twilioSignature } from './providers/twilio.ts';
import { webhookSignature } from './providers/webhook.ts';

const MIN = 60_000;
const PD_KEY = 'PDROUTINGKEY01234567890123456789';

interface Fakes {
  twilio: FakeServer;
  vonage: FakeServer;
  ntfy: FakeServer;
  slack: FakeServer;
  pd: FakeServer;
  hook: FakeServer;
}

function configYaml(f: Fakes, smtpPort: number) {
  const contacts = (n: string, phone: string) =>
    `[{ type: voice, address: '${phone}' }, { type: sms, address: '${phone}' }, { type: push, address: 'ntfy:${n}' }, { type: email, address: ${n}@example.com }, { type: slack, address: U0${n.toUpperCase()} }]`;
  return `
server: { publicUrl: 'https://klaxon.example.com' }
links: { grafanaUrl: 'https://grafana.example.com' }
users:
  - { id: alice, name: Alice, contactMethods: ${contacts('alice', '+15550000001')} }
  - { id: bob, name: Bob, contactMethods: ${contacts('bob', '+15550000002')} }
  - { id: erin, name: Erin, contactMethods: ${contacts('erin', '+15550000005')}, notificationRules: { low: [{ type: slack, delayMinutes: 0 }] } }
teams: [{ id: platform, name: Platform, members: [alice, bob], lead: erin }]
services:
  - id: kafka
    name: Apache Kafka
    team: platform
    runbookUrl: 'https://runbooks.example.com/kafka'
    dashboard: { uid: klaxon-kafka, variables: [consumergroup] }
    notify: { slack: C0KAFKA, pagerduty: ${PD_KEY}, webhooks: [hook], email: [ops@example.com] }
  - { id: cost, name: Cloud cost, team: platform, defaultTier: T3, notify: { slack: C0COST } }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: t1 }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: t1 }
  T3: { name: Advisory, urgency: none, pages: false }
schedules:
  - { id: primary, name: Primary, timezone: Europe/London, layers: [{ name: w, users: [alice, bob], rotation: { type: weekly, start: '2026-03-30' } }] }
  - { id: backup, name: Backup, timezone: Europe/London, layers: [{ name: w, users: [bob, alice], rotation: { type: weekly, start: '2026-03-30' } }] }
escalationPolicies:
  - { id: t1, name: T1, steps: [{ targets: [{ schedule: primary }], escalateAfterMinutes: 5 }, { targets: [{ schedule: backup }], escalateAfterMinutes: 5 }, { targets: [{ user: erin }] }] }
notifications:
  timeoutSeconds: 1
  maxAttempts: 3
  retryBaseSeconds: 5
  providers:
    - { id: twilio, type: twilio, accountSid: AC0123, authToken: twilio-token, from: '+15559990000', baseUrl: '${f.twilio.url}' }
    - { id: vonage, type: vonage, apiKey: vonage-key, apiSecret: vonage-secret, from: KLAXON, baseUrl: '${f.vonage.url}' }
    - { id: ntfy, type: ntfy, baseUrl: '${f.ntfy.url}', token: ntfy-token }
    - { id: slack, type: slack, botToken: xoxb-test-token, signingSecret: slack-signing-secret, baseUrl: '${f.slack.url}' }
    - { id: pd, type: pagerduty, url: '${f.pd.url}/v2/enqueue' }
    - { id: hook, type: webhook, url: '${f.hook.url}/hook', secret: hook-secret }
    - { id: smtp, type: smtp, host: 127.0.0.1, port: ${smtpPort}, from: 'klaxon@example.com' }
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: kafka, source: alertmanager, routeByLabel: service }
apiTokens:
  - { name: responder, token: ${TOKENS.responder}, role: responder }
`;
}

const twilioOk = (req: { path: string }, res: Parameters<Parameters<FakeServer['respond']>[0]>[1]) =>
  json(res, 201, { sid: req.path.includes('Calls') ? 'CA0001' : 'SM0001', status: 'queued' });

describe('notification delivery', () => {
  let fakes: Fakes;
  let smtp: SMTPServer;
  let mails: { to: string; subject: string; text: string }[];
  let store: KlaxonDatabase;
  let clock: FakeClock;
  let built: KlaxonApp;
  let loop: EngineLoop;
  let delivery: DeliveryModule;

  beforeEach(async () => {
    fakes = {
      twilio: await startFake(twilioOk),
      vonage: await startFake((_r, res) =>
        json(res, 200, { 'message-count': '1', messages: [{ status: '0', 'message-id': 'V0001' }] }),
      ),
      ntfy: await startFake((_r, res) => json(res, 200, { id: 'ntfy0001' })),
      slack: await startFake((req, res) => {
        const body = JSON.parse(req.body) as { channel: string };
        json(res, 200, { ok: true, channel: body.channel, ts: '1775000000.000100' });
      }),
      pd: await startFake((req, res) =>
        json(res, 202, {
          status: 'success',
          message: 'Event processed',
          dedup_key: (JSON.parse(req.body) as { dedup_key: string }).dedup_key,
        }),
      ),
      hook: await startFake(),
    };
    mails = [];
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        void simpleParser(stream).then((m) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: m.subject ?? '',
            text: m.text ?? '',
          });
          done();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    const config = testConfig('', configYaml(fakes, smtpPort));
    store = createDatabase({
      dialect: 'sqlite',
      path: join(mkdtempSync(join(tmpdir(), 'klaxon-delivery-')), 'k.db'),
    });
    await store.migrate();
    clock = new FakeClock('2026-03-31T10:00:00Z'); // alice primary, bob backup
    const standard = standardModules(config, store, { clock, poke: () => undefined });
    delivery = standard.delivery!;
    built = await buildApp({ config, store, clock, processMetrics: false });
    loop = new EngineLoop({ store, clock, modules: standard.modules, intervalMs: 1000 });
  });

  afterEach(async () => {
    await delivery?.drain();
    await built?.app.close();
    await store?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
    for (const f of Object.values(fakes)) await f.close();
  });

  /** Runs the engine once and waits for every delivery it started. */
  const cycle = async (times = 1) => {
    for (let i = 0; i < times; i++) {
      await loop.runOnce();
      await delivery.drain();
    }
  };
  const fire = async (
    labels: Record<string, string>,
    annotations: Record<string, string> = {},
    fingerprint = 'f1',
  ) => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: { authorization: `Bearer ${KEYS.alertmanager}` },
      payload: {
        version: '4',
        groupKey: `{}:{fp="${fingerprint}"}`,
        status: 'firing',
        receiver: 'klaxon',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        alerts: [{ status: 'firing', labels, annotations, startsAt: '2026-03-31T09:58:00Z', fingerprint }],
      },
    });
    return res.json().results[0].incidentId as number;
  };
  const form = (body: string) => Object.fromEntries(new URLSearchParams(body));
  const timeline = async (id: number) => (await getIncident(store, id)).timeline;
  /** POSTs a form to an inbound Twilio route, signed as Twilio signs it (or with `token` to forge one). */
  const twilioPost = (path: string, params: Record<string, string>, token = 'twilio-token') =>
    built.app.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(token, `https://klaxon.example.com${path}`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });

  it('pages a T1 by Twilio SMS and call, and announces it to Slack, PagerDuty, the webhook and email, each request exact', async () => {
    const id = await fire(
      { alertname: 'KafkaConsumerLagCritical', service: 'kafka', tier: 'T1', consumergroup: 'match-events' },
      {
        summary: 'Consumer group match-events lags 12,000 messages',
        runbook_url: 'https://runbooks.example.com/kafka/lag',
      },
    );
    await cycle();
    const auth = `Basic ${Buffer.from('AC0123:twilio-token').toString('base64')}`;
    const sms = fakes.twilio.requests.find((r) => r.path.endsWith('/Messages.json'))!;
    expect(sms).toMatchObject({ method: 'POST', path: '/2010-04-01/Accounts/AC0123/Messages.json' });
    expect(sms.headers.authorization).toBe(auth);
    expect(sms.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form(sms.body)).toEqual({
      StatusCallback: expect.stringMatching(
        /^https:\/\/klaxon\.example\.com\/api\/v1\/webhooks\/twilio\/status\/\d+$/,
      ),
      To: '+15550000001',
      From: '+15559990000',
      // With the signed acknowledge link (actions/links.ts).
      Body: expect.stringMatching(
        new RegExp(
          `^\\[T1\\] #${id} Consumer group match-events lags 12,000 messages https://klaxon\\.example\\.com/a/${id}/[\\w-]{16}\\.[\\w-]{16} Reply "ack ${id}" or "resolve ${id}"\\.$`,
        ),
      ),
    });
    const call = fakes.twilio.requests.find((r) => r.path.endsWith('/Calls.json'))!;
    expect(form(call.body)).toMatchObject({ To: '+15550000001', From: '+15559990000', Method: 'POST' });
    expect(form(call.body).Url).toMatch(
      /^https:\/\/klaxon\.example\.com\/api\/v1\/webhooks\/twilio\/voice\/\d+$/,
    );

    const post = fakes.slack.requests.find((r) => r.path === '/api/chat.postMessage')!;
    expect(post.headers.authorization).toBe('Bearer xoxb-test-token');
    const slackBody = JSON.parse(post.body);
    expect(slackBody.channel).toBe('C0KAFKA');
    expect(
      slackBody.blocks
        .find((b: { type: string }) => b.type === 'actions')
        .elements.map((e: { action_id: string }) => e.action_id),
    ).toEqual(['klaxon_acknowledge', 'klaxon_resolve']);
    // The deep link covers the alert's start − 30 min, with the alert's labels as variables.
    const dash = new URL(
      /<(https:\/\/grafana[^|]+)\|Dashboard>/.exec(JSON.stringify(slackBody))![1]!.replaceAll('\\u0026', '&'),
    );
    expect(dash.pathname).toBe('/d/klaxon-kafka');
    expect(Number(dash.searchParams.get('from'))).toBe(Date.parse('2026-03-31T09:58:00Z') - 30 * MIN);
    expect(dash.searchParams.get('var-consumergroup')).toBe('match-events');
    expect(JSON.stringify(slackBody)).toContain('https://runbooks.example.com/kafka/lag');

    const pd = JSON.parse(fakes.pd.requests[0]!.body);
    expect(pd).toMatchObject({
      routing_key: PD_KEY,
      event_action: 'trigger',
      dedup_key: `klaxon-${id}`,
      payload: { severity: 'critical', source: 'kafka', component: 'Apache Kafka' },
      client: 'Klaxon',
    });
    expect(pd.links.map((l: { text: string }) => l.text)).toEqual([
      'Grafana dashboard',
      'Logs',
      'Traces',
      'Runbook',
      'Klaxon incident',
    ]);

    const hook = fakes.hook.requests[0]!;
    const ts = hook.headers['x-klaxon-timestamp'] as string;
    expect(hook.headers['x-klaxon-signature']).toBe(
      `sha256=${createHmac('sha256', 'hook-secret').update(`${ts}.${hook.body}`).digest('hex')}`,
    );
    expect(hook.headers['x-klaxon-signature']).toBe(webhookSignature('hook-secret', ts, hook.body));
    expect(JSON.parse(hook.body)).toMatchObject({
      event: 'incident.triggered',
      incident: { id, tier: 'T1' },
    });

    expect(mails).toEqual([
      expect.objectContaining({
        to: 'ops@example.com',
        subject: `[T1] #${id} Consumer group match-events lags 12,000 messages (Apache Kafka)`,
      }),
    ]);
    expect(mails[0]!.text).toContain('Runbook: https://runbooks.example.com/kafka/lag');

    const sent = (await timeline(id)).filter((e) => e.kind === 'notification.sent');
    expect(sent.map((e) => `${String(e.data.channel)}:${String(e.data.provider)}`).sort()).toEqual([
      'email:smtp',
      'pagerduty:pd',
      'slack:slack',
      'sms:twilio',
      'voice:twilio',
      'webhook:hook',
    ]);
  });

  it('sends a T2 page as a push through ntfy', async () => {
    await fire({ alertname: 'KafkaConsumerLagWarning', service: 'kafka', tier: 'T2' }, { summary: 'lag 6k' });
    await cycle();
    const push = fakes.ntfy.requests[0]!;
    expect(push).toMatchObject({ method: 'POST', path: '/alice' });
    expect(push.headers).toMatchObject({
      authorization: 'Bearer ntfy-token',
      priority: '4',
      title: expect.stringContaining('[T2]'),
    });
    expect(push.body).toContain('lag 6k');
    expect(fakes.twilio.requests).toHaveLength(0);
  });

  it('fails an SMS over to Vonage when Twilio answers 500, and when it times out', async () => {
    fakes.twilio.respond((req, res) =>
      req.path.endsWith('Messages.json') ? json(res, 500, { message: 'boom' }) : twilioOk(req, res),
    );
    const id = await fire({ alertname: 'A', service: 'kafka', tier: 'T1' }, {}, 'f-500');
    await cycle();
    const vonage = form(fakes.vonage.requests[0]!.body);
    expect(vonage).toMatchObject({
      api_key: 'vonage-key',
      api_secret: 'vonage-secret',
      from: 'KLAXON',
      to: '15550000001',
    });
    const sms = (await timeline(id))
      .filter((e) => e.data.channel === 'sms')
      .map((e) => [e.kind, e.data.provider]);
    expect(sms).toEqual([
      ['notification.failed', 'twilio'],
      ['notification.sent', 'vonage'],
    ]);

    fakes.twilio.respond((req, res) => {
      if (req.path.endsWith('Messages.json')) setTimeout(() => twilioOk(req, res), 3000);
      else twilioOk(req, res);
    });
    const id2 = await fire({ alertname: 'B', service: 'kafka', tier: 'T1' }, {}, 'f-timeout');
    await cycle();
    const events = (await timeline(id2)).filter((e) => e.data.channel === 'sms');
    expect(events.map((e) => [e.kind, e.data.provider])).toEqual([
      ['notification.failed', 'twilio'],
      ['notification.sent', 'vonage'],
    ]);
    expect(events[0]!.message).toContain('timed out');
  });

  it('honours 429 Retry-After', async () => {
    let calls = 0;
    fakes.slack.respond((req, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' });
      return json(res, 200, { ok: true, channel: 'C0KAFKA', ts: '1775000000.000200' });
    });
    const id = await fire({ alertname: 'C', service: 'kafka', tier: 'T1' }, {}, 'f-429');
    await cycle();
    const row = await store.db
      .selectFrom('notifications')
      .selectAll()
      .where('incident_id', '=', id)
      .where('channel', '=', 'slack')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    expect(row.due_at).toBeGreaterThanOrEqual(clock.now().getTime() + 30_000);
    clock.advance(29_000);
    await cycle();
    expect(calls).toBe(1);
    clock.advance(2_000);
    await cycle();
    expect(calls).toBe(2);
    const slack = (await timeline(id)).filter((e) => e.data.channel === 'slack').map((e) => e.kind);
    expect(slack).toEqual(['notification.failed', 'notification.sent']);
  });

  it('escalates at once when every channel to a person fails', async () => {
    // Twilio refuses alice's number outright (not retryable), and so does Vonage.
    fakes.twilio.respond((req, res) =>
      form(req.body).To === '+15550000001' ? json(res, 400, { message: 'unreachable' }) : twilioOk(req, res),
    );
    fakes.vonage.respond((req, res) =>
      form(req.body).to === '15550000001'
        ? json(res, 200, { messages: [{ status: '6', 'error-text': 'Unroutable' }] })
        : json(res, 200, { messages: [{ status: '0', 'message-id': 'V2' }] }),
    );
    const id = await fire({ alertname: 'D', service: 'kafka', tier: 'T1' }, {}, 'f-dead');
    await cycle(3);
    const detail = await getIncident(store, id);
    expect(detail.timeline.map((e) => e.kind)).toContain('escalation.unreachable');
    // Bob, the backup, is paged at t = 0 instead of at 5 minutes.
    const bob = detail.notifications.filter((n) => n.user === 'bob' && n.status === 'sent');
    expect(bob.map((n) => n.channel).sort()).toEqual(['sms', 'voice']);
    expect(bob.every((n) => n.dueAt === '2026-03-31T10:00:00.000Z')).toBe(true);
  });

  it('sends T3 only to its Slack channel, never to a phone or push', async () => {
    await fire(
      { alertname: 'CostAnomaly', service: 'cost', tier: 'T3' },
      { summary: 'Bedrock spend 2x' },
      'f-t3',
    );
    await cycle(2);
    expect(fakes.slack.requests.map((r) => JSON.parse(r.body).channel)).toEqual(['C0COST']);
    expect(fakes.twilio.requests).toHaveLength(0);
    expect(fakes.vonage.requests).toHaveLength(0);
    expect(fakes.ntfy.requests).toHaveLength(0);
  });

  it('acknowledges from an SMS reply with a valid signature, and refuses a bad one with 403', async () => {
    const id = await fire({ alertname: 'E', service: 'kafka', tier: 'T1' }, {}, 'f-sms');
    await cycle();
    const params = {
      AccountSid: 'AC0123',
      From: '+15550000001',
      To: '+15559990000',
      Body: `ack ${id}`,
      MessageSid: 'SM9',
    };
    const send = (token: string) => twilioPost('/api/v1/webhooks/twilio/sms', params, token);
    const forged = await send('wrong-token');
    expect(forged.statusCode).toBe(403);
    expect((await getIncident(store, id)).incident.state).toBe('triggered');
    const ok = await send('twilio-token');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain(`#${id} acknowledged`);
    expect((await getIncident(store, id)).incident).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'sms:alice',
    });
    // The backup is never paged.
    clock.advance(10 * MIN);
    await cycle();
    expect((await getIncident(store, id)).notifications.some((n) => n.user === 'bob')).toBe(false);
  });

  it('acknowledges from a signed Slack button click, then updates the Slack message and PagerDuty', async () => {
    const id = await fire({ alertname: 'F', service: 'kafka', tier: 'T1' }, {}, 'f-slack');
    await cycle();
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice' },
      actions: [{ action_id: 'klaxon_acknowledge', value: String(id) }],
    });
    const body = new URLSearchParams({ payload }).toString();
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const click = (signature: string) =>
      built.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/slack/interactions',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': signature,
        },
        payload: body,
      });
    expect((await click(slackSignature('not-the-secret', ts, body))).statusCode).toBe(403);
    expect((await click(slackSignature('slack-signing-secret', ts, body))).statusCode).toBe(200);
    expect((await getIncident(store, id)).incident).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'slack:alice',
    });
    clock.advance(1000);
    await cycle();
    const update = fakes.slack.requests.find((r) => r.path === '/api/chat.update')!;
    const updated = JSON.parse(update.body);
    expect(updated).toMatchObject({ channel: 'C0KAFKA', ts: '1775000000.000100' });
    expect(updated.text).toContain('ACKNOWLEDGED');
    const actions = updated.blocks.find((b: { type: string }) => b.type === 'actions');
    expect(actions.elements.map((e: { action_id: string }) => e.action_id)).toEqual(['klaxon_resolve']);
    expect(fakes.pd.requests.map((r) => JSON.parse(r.body).event_action)).toEqual(['trigger', 'acknowledge']);
    expect(JSON.parse(fakes.pd.requests[1]!.body)).toEqual({
      routing_key: PD_KEY,
      event_action: 'acknowledge',
      dedup_key: `klaxon-${id}`,
    });
  });

  it('serves the call script as TwiML, and acts on the key pressed: 1 acknowledges, 2 escalates now', async () => {
    const id = await fire(
      { alertname: 'G', service: 'kafka', tier: 'T1' },
      { summary: 'Game API 5xx at 7%' },
      'f-voice',
    );
    await cycle();
    const call = (await getIncident(store, id)).notifications.find(
      (n) => n.channel === 'voice' && n.user === 'alice',
    )!;
    const post = twilioPost;
    const base = `/api/v1/webhooks/twilio/voice/${call.id}`;
    const script = await post(base, { AccountSid: 'AC0123', CallSid: 'CA1' });
    expect(script.headers['content-type']).toContain('text/xml');
    expect(script.body).toContain(
      `<Gather numDigits="1" action="https://klaxon.example.com${base}/gather" method="POST"`,
    );
    expect(script.body).toContain(`Incident ${id}, Apache Kafka: Game API 5xx at 7%`);
    expect(script.body).toContain('Press 1 to acknowledge. Press 2 to escalate.');
    const unsigned = await built.app.inject({
      method: 'POST',
      url: `${base}/gather`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'Digits=1',
    });
    expect(unsigned.statusCode).toBe(403);

    const escalate = await post(`${base}/gather`, { AccountSid: 'AC0123', Digits: '2' });
    expect(escalate.body).toContain('Escalating');
    await cycle();
    expect(
      (await getIncident(store, id)).notifications.some((n) => n.user === 'bob' && n.status === 'sent'),
    ).toBe(true);
    const ack = await post(`${base}/gather`, { AccountSid: 'AC0123', Digits: '1' });
    expect(ack.body).toContain(`Incident ${id} acknowledged`);
    expect((await getIncident(store, id)).incident).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'voice:alice',
    });
  });

  it('retries a failed send with backoff until it goes through', async () => {
    let n = 0;
    fakes.ntfy.respond((_req, res) =>
      ++n <= 2 ? json(res, 503, { error: 'busy' }) : json(res, 200, { id: 'ok' }),
    );
    const id = await fire({ alertname: 'H', service: 'kafka', tier: 'T2' }, {}, 'f-retry');
    await cycle();
    const row = async () => (await getIncident(store, id)).notifications.find((x) => x.channel === 'push')!;
    expect((await row()).status).toBe('queued');
    // 5 s base, doubled per attempt, with jitter of up to half: the second try is 2.5–5 s later.
    clock.advance(5_000);
    await cycle();
    expect(n).toBe(2);
    clock.advance(10_000);
    await cycle();
    expect(await row()).toMatchObject({ status: 'sent', attempts: 3 });
    expect((await timeline(id)).filter((e) => e.data.channel === 'push').map((e) => e.kind)).toEqual([
      'notification.failed',
      'notification.failed',
      'notification.sent',
    ]);
  });

  it('rate-limits calls to one phone: at most 3 in 15 minutes', async () => {
    for (let i = 0; i < 4; i++) {
      await fire({ alertname: `R${i}`, service: 'kafka', tier: 'T1' }, {}, `f-rate-${i}`);
      await cycle();
      clock.advance(MIN);
    }
    const calls = fakes.twilio.requests.filter(
      (r) => r.path.endsWith('Calls.json') && form(r.body).To === '+15550000001',
    );
    expect(calls).toHaveLength(3);
    const limited = await store.db
      .selectFrom('notifications')
      .selectAll()
      .where('channel', '=', 'voice')
      .where('status', '=', 'failed')
      .execute();
    expect(limited[0]!.last_error).toContain('rate limited: 3 voice per 15 min');
  });

  it('records Twilio delivery reports: delivered, and a call nobody answered as failed', async () => {
    const id = await fire({ alertname: 'S', service: 'kafka', tier: 'T1' }, {}, 'f-status');
    await cycle();
    const mine = async () =>
      (await getIncident(store, id)).notifications.filter(
        (n) => n.user === 'alice' && n.dueAt === '2026-03-31T10:00:00.000Z',
      );
    const report = (nid: number, params: Record<string, string>) =>
      twilioPost(`/api/v1/webhooks/twilio/status/${nid}`, params);
    const sms = (await mine()).find((n) => n.channel === 'sms')!;
    const voice = (await mine()).find((n) => n.channel === 'voice')!;
    expect(
      (await report(sms.id, { AccountSid: 'AC0123', MessageSid: 'SM0001', MessageStatus: 'delivered' }))
        .statusCode,
    ).toBe(204);
    expect(
      (await report(voice.id, { AccountSid: 'AC0123', CallSid: 'CA0001', CallStatus: 'no-answer' }))
        .statusCode,
    ).toBe(204);
    const after = await mine();
    expect(after.find((n) => n.id === sms.id)!.status).toBe('delivered');
    expect(after.find((n) => n.id === voice.id)).toMatchObject({
      status: 'failed',
      lastError: 'Twilio reports no-answer',
    });
    // The SMS got through, so alice is not unreachable: no early escalation.
    expect((await timeline(id)).map((e) => e.kind)).not.toContain('escalation.unreachable');
  });

  it('pages by Slack DM when that is the person’s rule', async () => {
    const id = await fire({ alertname: 'DM', service: 'kafka', tier: 'T2' }, { summary: 'lag 7k' }, 'f-dm');
    await cycle();
    // Primary now, backup at 5 min, erin (the lead) at 10 min.
    for (const _ of [5, 10]) {
      clock.advance(5 * MIN);
      await cycle();
    }
    const dm = fakes.slack.requests
      .map((r) => JSON.parse(r.body) as { channel: string; text: string })
      .find((b) => b.channel === 'U0ERIN');
    expect(dm?.text).toContain(`#${id} lag 7k`);
    expect((await getIncident(store, id)).notifications.find((n) => n.user === 'erin')).toMatchObject({
      channel: 'slack',
      status: 'sent',
    });
  });
});
