import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildApp,
  EngineLoop,
  FakeClock,
  parseConfig,
  ProviderRegistry,
  standardModules,
  type NotificationProvider,
  type OutboundMessage,
} from '@klaxon/engine';
import { createTestStore, startFakePagerDuty, type FakePagerDuty } from '@klaxon/testing';
import { importPagerDuty } from './import.ts';

const TOKEN = 'y_BJAeCsWJ8rbi1PLnCm';
const NOW = Date.parse('2027-03-10T12:00:00Z');
const HOUR = 3_600_000;
const ADMIN = 'proof-admin-token-0123456789';

let fake: FakePagerDuty;
beforeEach(async () => {
  fake = await startFakePagerDuty({ token: TOKEN, now: NOW });
});
afterEach(() => fake.close());

const run = (weeks = 8) => importPagerDuty({ token: TOKEN, apiUrl: fake.url, now: NOW, verifyWeeks: weeks });
const who = (id: string, t: number) => {
  const e = fake.render(id, t, t + 1)[0];
  return e ? e.userId : null;
};

describe('klaxon import pagerduty: the proof of equivalence', () => {
  it("finds the same person on call as PagerDuty's rendering, hourly and at every handoff, over 8 weeks across DST", async () => {
    // The fake's rendering keeps local handoff times across DST (Europe/London on 2027-03-28,
    // America/New_York on 2027-03-14): the proof is not comparing two fixed-offset calendars.
    expect(who('PSPLATF', Date.parse('2027-03-22T08:59:00Z'))).not.toBe(
      who('PSPLATF', Date.parse('2027-03-22T09:00:00Z')),
    );
    expect(who('PSPLATF', Date.parse('2027-03-29T07:59:00Z'))).not.toBe(
      who('PSPLATF', Date.parse('2027-03-29T08:00:00Z')),
    );
    expect(who('PSDATAO', Date.parse('2027-03-16T12:59:00Z'))).not.toBe(
      who('PSDATAO', Date.parse('2027-03-16T13:00:00Z')),
    );
    const { verification, reach } = await run();
    // Escalation: whom each step of each policy reaches now, in both tools.
    expect(reach.map((p) => [p.policyId, p.differs, p.steps.length])).toEqual([
      ['platform-ep', false, 3],
      ['data-ep', false, 1],
    ]);
    expect(reach[0]!.steps[2]!.klaxon).toEqual(
      ['dana', who('PSDATAO', NOW) === 'PUFARID' ? 'farid' : 'gita'].sort(),
    );
    expect(verification.map((v) => [v.scheduleId, v.differences])).toEqual([
      ['platform-primary', []],
      ['data-on-call', []],
    ]);
    for (const v of verification) {
      expect(v.from).toBe(NOW);
      expect(v.to).toBe(NOW + 8 * 7 * 24 * HOUR);
    }
    // Every hour, plus every handoff between two hours (Farid's override 11:30Z-17:15Z on 2 April).
    expect(verification.map((v) => v.instants)).toEqual([8 * 7 * 24 + 2, 8 * 7 * 24]);
  });

  it('reports each instant where Klaxon cannot follow PagerDuty (a layer that ends)', async () => {
    const lead = (fake.account.schedules[0]!.schedule_layers as Record<string, unknown>[])[1]!;
    lead.end = '2027-04-01T00:00:00Z';
    const { verification, report } = await run();
    expect(report.entries.find((e) => e.sourceId === 'PLLEADS')).toMatchObject({
      outcome: 'changed',
      notes: ['Klaxon layers do not end: remove this layer from the config at 2027-04-01T00:00:00.000Z'],
    });
    const diffs = verification[0]!.differences;
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.every((d) => d.at >= Date.parse('2027-04-01T00:00:00Z') && d.klaxon[0] === 'erin')).toBe(
      true,
    );
    // Business hours only: Monday to Friday 09:00-18:00 London time.
    expect(diffs.map((d) => new Date(d.at).getUTCDay()).every((day) => day >= 1 && day <= 5)).toBe(true);
    expect(verification[1]!.differences).toEqual([]);
  });
});

describe('klaxon import pagerduty: the engine started on the imported config', () => {
  it('answers GET /api/v1/oncall as PagerDuty renders, and an Events v2 event with an imported key pages the imported people', async () => {
    const { emitted, input } = await run();
    const env = Object.fromEntries(input.secrets);
    const config = parseConfig(
      `${emitted.text}apiTokens:\n  - { name: proof, token: ${ADMIN}, role: admin }\n`,
      'imported.yaml',
      env,
    );
    const store = await createTestStore('sqlite');
    const PAGE_AT = Date.parse('2027-03-13T12:00:00Z'); // a Saturday: the weekly layer, not the lead
    const clock = new FakeClock(new Date(PAGE_AT).toISOString());
    const sent: OutboundMessage[] = [];
    const capture: NotificationProvider = {
      id: 'capture',
      type: 'capture',
      channels: ['voice', 'sms', 'push', 'email', 'slack', 'webhook', 'pagerduty'],
      send(msg) {
        sent.push(msg);
        return Promise.resolve({ providerId: `c-${msg.notificationId}` });
      },
    };
    const registry = new ProviderRegistry([capture]);
    const standard = standardModules(config, store, { clock, registry, random: () => 1 });
    const { app } = await buildApp({ config, store, clock, processMetrics: false, registry });
    const loop = new EngineLoop({ store, clock, modules: standard.modules, intervalMs: 1000 });
    try {
      const klaxonIds = new Map(config.users.map((u) => [u.email?.split('@')[0], u.id]));
      const pdToKlaxon = new Map(
        fake.account.users.map((u) => [String(u.id), klaxonIds.get(String(u.email).split('@')[0])]),
      );
      // Every hour for 8 weeks (both March 2027 DST changes inside), and every handoff PagerDuty renders.
      const until = NOW + 8 * 7 * 24 * HOUR;
      const times = new Set<number>();
      for (let t = NOW; t < until; t += HOUR) times.add(t);
      for (const id of ['PSPLATF', 'PSDATAO'])
        for (const e of fake.render(id, NOW, until)) if (e.start >= NOW) times.add(e.start);
      const instants = [...times].sort((a, b) => a - b).map((t) => new Date(t).toISOString());
      expect(instants.length).toBeGreaterThan(8 * 7 * 24);
      for (const at of instants) {
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/oncall?at=${at}`,
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        expect(res.statusCode).toBe(200);
        const got = new Map(
          res
            .json<{ oncall: { schedule: string; user: string | null }[] }>()
            .oncall.map((o) => [o.schedule, o.user]),
        );
        const t = Date.parse(at);
        const expected = (pd: string) => {
          const u = who(pd, t);
          return u === null ? null : pdToKlaxon.get(u);
        };
        expect([at, got.get('platform-primary'), got.get('data-on-call')]).toEqual([
          at,
          expected('PSPLATF'),
          expected('PSDATAO'),
        ]);
      }

      const key = fake.account.services[0]!.integrations as { integration_key?: string }[];
      const enqueue = await app.inject({
        method: 'POST',
        url: '/v2/enqueue',
        payload: {
          routing_key: key[0]!.integration_key,
          event_action: 'trigger',
          dedup_key: 'eu-login',
          payload: { summary: 'EU logins failing', source: 'eu-west-1', severity: 'critical' },
        },
      });
      expect(enqueue.statusCode).toBe(202);
      const [incident] = (
        await app.inject({
          method: 'GET',
          url: '/api/v1/incidents',
          headers: { authorization: `Bearer ${ADMIN}` },
        })
      ).json<{ incidents: { id: number; service: string; tier: string }[] }>().incidents;
      expect(incident).toMatchObject({ service: 'game-api', tier: 'T1' });
      await loop.runOnce();
      await standard.delivery?.drain();
      // Step 1: whoever PagerDuty has on call for Platform Primary now, by their high-urgency rules.
      const primary = pdToKlaxon.get(who('PSPLATF', PAGE_AT)!)!;
      expect(primary).not.toBe('erin');
      const user = config.users.find((u) => u.id === primary)!;
      const address = (u: typeof user, type: string) =>
        u.contactMethods.find((c) => c.type === type)!.address;
      expect(sent.map((m) => [m.channel, m.address])).toEqual(
        user
          .notificationRules!.high!.filter((r) => r.delayMinutes === 0)
          .map((r) => [r.type, address(user, r.type)]),
      );
      clock.advance(5 * 60_000);
      await loop.runOnce();
      await standard.delivery?.drain();
      const erin = config.users.find((u) => u.id === 'erin')!;
      expect(sent.filter((m) => m.address === address(erin, 'sms'))).toHaveLength(1); // step 2: erin, by sms at once
    } finally {
      await standard.delivery?.drain();
      await app.close();
      await store.close();
    }
  }, 120_000);
});
