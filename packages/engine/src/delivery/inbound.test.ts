/**
 * Who may act through SMS replies, voice key presses and Slack buttons: the same role and team check as
 * the API (auth/principal.ts authorizeAction), refusals that tell the person why (never a 5xx), and
 * signed requests that cannot be replayed. A whole engine (startHarness) on SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DIALECTS,
  KEYS,
  skipPostgres,
  startFake,
  startHarness,
  waitFor,
  type FakeServer,
  type Harness,
} from '@klaxon/testing';
import { getIncident } from '../incidents/store.ts';
import { slackSignature } from './providers/slack.ts';
import { twilioSignature } from './providers/twilio.ts';

const PUBLIC = 'https://klaxon.example.com';

const yaml = (slackBase: string) => `
server: { publicUrl: '${PUBLIC}' }
users:
  - { id: alice, name: Alice, contactMethods: [{ type: voice, address: '+15550000001' }, { type: sms, address: '+15550000001' }, { type: slack, address: U0ALICE }, { type: email, address: alice@example.com }, { type: push, address: 'ntfy:alice' }] }
  - { id: vic, name: Vic, role: viewer, contactMethods: [{ type: voice, address: '+15550000009' }, { type: sms, address: '+15550000009' }, { type: slack, address: U0VIC }, { type: email, address: vic@example.com }, { type: push, address: 'ntfy:vic' }] }
  - { id: gina, name: Gina, contactMethods: [{ type: voice, address: '+15550000007' }, { type: sms, address: '+15550000007' }, { type: slack, address: U0GINA }, { type: email, address: gina@example.com }, { type: push, address: 'ntfy:gina' }] }
  - { id: root, name: Root, role: admin, contactMethods: [{ type: sms, address: '+15550000000' }, { type: slack, address: U0ROOT }] }
teams:
  - { id: platform, name: Platform, members: [alice, vic] }
  - { id: games, name: Games, members: [gina] }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T1 }
  - { id: game-api, name: Game API, team: games, defaultTier: T1 }
  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T1 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: everyone }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: everyone }
  T3: { name: Advisory, urgency: none, pages: false }
escalationPolicies:
  - { id: everyone, name: Everyone, steps: [{ targets: [{ user: vic }, { user: gina }, { user: alice }] }] }
notifications:
  providers:
    - { id: twilio, type: twilio, accountSid: AC0123, authToken: twilio-token, from: '+15559990000' }
    - { id: slack, type: slack, botToken: xoxb-test-token, signingSecret: slack-signing-secret, baseUrl: '${slackBase}' }
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: monitoring, source: alertmanager, routeByLabel: service }
`;

describe.each(DIALECTS)('inbound actions on %s', (dialect) => {
  let h: Harness;
  let slack: FakeServer;

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    slack = await startFake();
    h = await startHarness(dialect, yaml(slack.url));
  });
  afterEach(async () => {
    await h?.close();
    await slack?.close();
  });

  const state = async (id: number) => (await getIncident(h.store, id)).incident;
  const kinds = async (id: number) => (await getIncident(h.store, id)).timeline.map((e) => e.kind);

  /** An incident on `service`, paged (every user gets their voice and SMS page). */
  const paged = async (service: string, fingerprint: string) => {
    const id = await h.fire({ alertname: `Down-${fingerprint}`, service }, `${service} down`, fingerprint);
    await h.cycle();
    return id;
  };

  const twilio = (path: string, params: Record<string, string>) => {
    const body = new URLSearchParams(params).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature('twilio-token', `${PUBLIC}${path}`, params),
    };
    return () => h.app.inject({ method: 'POST', url: path, headers, payload: body });
  };
  let sid = 0;
  /** A signed SMS from `from`; call the result to send it (again). */
  const sms = (from: string, text: string) =>
    twilio('/api/v1/webhooks/twilio/sms', {
      AccountSid: 'AC0123',
      From: from,
      To: '+15559990000',
      Body: text,
      MessageSid: `SM${++sid}`,
    });
  const voiceRow = async (id: number, user: string) =>
    (await getIncident(h.store, id)).notifications.find((n) => n.channel === 'voice' && n.user === user)!;

  /** A signed Slack button press by Slack user `slackUser`; call the result to send it (again). */
  const slackClick = (slackUser: string, action: 'acknowledge' | 'resolve', id: number) => {
    const payload = JSON.stringify({
      type: 'block_actions',
      user: { id: slackUser, username: slackUser.toLowerCase() },
      response_url: `${slack.url}/actions/T0/${id}/respond`,
      actions: [{ action_id: `klaxon_${action}`, value: String(id) }],
    });
    const body = new URLSearchParams({ payload }).toString();
    const ts = String(Math.floor(h.clock.now().getTime() / 1000));
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': slackSignature('slack-signing-secret', ts, body),
    };
    return () =>
      h.app.inject({ method: 'POST', url: '/api/v1/webhooks/slack/interactions', headers, payload: body });
  };
  const ephemeral = (text: string) =>
    waitFor(`an ephemeral reply containing "${text}"`, () =>
      Promise.resolve(
        slack.requests.find(
          (r) =>
            r.path.startsWith('/actions/') && (JSON.parse(r.body) as { text: string }).text.includes(text),
        ),
      ),
    );

  it('refuses an SMS reply from a viewer, says why, and leaves the incident unchanged', async () => {
    const id = await paged('kafka', 'v1');
    for (const text of [`ack ${id}`, `resolve ${id}`, 'ack']) {
      const res = await sms('+15550000009', text)();
      expect(res.statusCode, text).toBe(200);
      expect(res.body, text).toContain('viewer');
      expect(res.body, text).toContain('Nothing was changed');
    }
    expect(await state(id)).toMatchObject({ state: 'triggered', acknowledgedBy: null, resolvedBy: null });
    expect(await kinds(id)).not.toContain('incident.acknowledged');
  });

  it('refuses a responder of another team by SMS and by Slack until the incident pages them', async () => {
    // Opened, not yet paged (the engine has not run): Gina is of another team and was not woken for it.
    const id = await h.fire({ alertname: 'Down-t1', service: 'kafka' }, 'kafka down', 't1');
    const bySms = await sms('+15550000007', `resolve ${id}`)();
    expect(bySms.statusCode).toBe(200);
    expect(bySms.body).toContain(`Incident ${id} does not exist or is not on a service of your teams`);
    const bySlack = await slackClick('U0GINA', 'acknowledge', id)();
    expect(bySlack.statusCode).toBe(200);
    expect(bySlack.json()).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(bySlack.json().text).toContain('not on a service of your teams');
    await ephemeral('not on a service of your teams');
    expect((await state(id)).state).toBe('triggered');
    // The same person may act on their own team's incident.
    const own = await paged('game-api', 't2');
    expect((await sms('+15550000007', `ack ${own}`)()).body).toContain(`#${own} acknowledged`);
    expect(await state(own)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'sms:gina' });
    // Once the tier's policy pages her for the other team's incident, she may stop it.
    await h.cycle();
    expect((await sms('+15550000007', `ack ${id}`)()).body).toContain(`#${id} acknowledged`);
    expect(await state(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'sms:gina' });
  });

  it('refuses a Slack button pressed by a Slack user who is no Klaxon user, with an ephemeral reply', async () => {
    const id = await paged('kafka', 'u1');
    const res = await slackClick('U0NOBODY', 'resolve', id)();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(res.json().text).toContain('not linked to a Klaxon user');
    await ephemeral('not linked to a Klaxon user');
    expect((await state(id)).state).toBe('triggered');
    expect(await kinds(id)).not.toContain('incident.resolved');
  });

  it('refuses a key press from a paged viewer, and acts on the paged responder’s', async () => {
    const id = await paged('kafka', 'k1');
    const vic = await voiceRow(id, 'vic');
    for (const digits of ['1', '2']) {
      const res = await twilio(`/api/v1/webhooks/twilio/voice/${vic.id}/gather`, {
        AccountSid: 'AC0123',
        CallSid: `CA-vic-${digits}`,
        Digits: digits,
      })();
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('viewer');
    }
    expect((await state(id)).state).toBe('triggered');
    expect(await kinds(id)).not.toContain('escalation.manual');
    const alice = await voiceRow(id, 'alice');
    const ack = await twilio(`/api/v1/webhooks/twilio/voice/${alice.id}/gather`, {
      AccountSid: 'AC0123',
      CallSid: 'CA-alice',
      Digits: '1',
    })();
    expect(ack.body).toContain(`Incident ${id} acknowledged`);
    expect(await state(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'voice:alice' });
  });

  it('refuses a replayed Slack request, even within its 5 minutes', async () => {
    const id = await paged('kafka', 'r1');
    const click = slackClick('U0ALICE', 'resolve', id);
    expect((await click()).statusCode).toBe(200);
    expect(await state(id)).toMatchObject({ state: 'resolved', resolvedBy: 'slack:alice' });
    // The alert fires again and re-opens the incident; a captured request must not resolve it again.
    h.clock.advance(60_000);
    expect(await h.fire({ alertname: 'Down-r1', service: 'kafka' }, 'kafka down', 'r1')).toBe(id);
    expect((await state(id)).state).toBe('triggered');
    const replay = await click();
    expect(replay.statusCode).toBe(403);
    expect(replay.json().error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('replay'),
    });
    expect((await state(id)).state).toBe('triggered');
    // Remembered for 10 minutes, then pruned (Slack refuses a request older than 5 minutes anyway).
    expect(await h.store.db.selectFrom('inbound_requests').selectAll().execute()).toHaveLength(1);
    h.clock.advance(10 * 60_000);
    expect((await slackClick('U0ALICE', 'acknowledge', id)()).statusCode).toBe(200);
    expect(await h.store.db.selectFrom('inbound_requests').selectAll().execute()).toHaveLength(1);
    expect(await state(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'slack:alice' });
  });

  it('refuses a replayed Twilio SMS reply', async () => {
    const id = await paged('kafka', 's1');
    const reply = sms('+15550000001', `resolve ${id}`);
    expect((await reply()).body).toContain(`#${id} resolved`);
    h.clock.advance(60_000);
    expect(await h.fire({ alertname: 'Down-s1', service: 'kafka' }, 'kafka down', 's1')).toBe(id);
    const replay = await reply();
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toContain('already handled');
    expect((await state(id)).state).toBe('triggered');
  });

  it('lets an admin act on any team’s incident by Slack', async () => {
    const id = await paged('game-api', 'a1');
    expect((await slackClick('U0ROOT', 'acknowledge', id)()).statusCode).toBe(200);
    expect(await state(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'slack:root' });
  });
});
