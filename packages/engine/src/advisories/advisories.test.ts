/**
 * Advisories (issue 23) end to end on the engine harness: a T3 alert becomes an advisory at the
 * module's tick; people review, dismiss or promote it through the API; a promotion pages the primary
 * through the T1 policy; viewers cannot decide, and another team's advisories stay out of sight.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  auth,
  DIALECTS,
  SERVICES_YAML,
  skipPostgres,
  startHarness,
  testConfig,
  TOKENS,
  type Harness,
} from '@klaxon/testing';

import type { Principal } from '../auth/principal.ts';
import { promoteOptions } from '../incidents/promote.ts';
import { reviewAdvisories } from './review.ts';

const GAMES_TOKEN = 'games-responder-token-00000004';
const YAML = SERVICES_YAML.replace(
  '  - { id: platform, name: Platform, members: [alice, bob], lead: erin }',
  `  - { id: platform, name: Platform, members: [alice, bob], lead: erin }
  - { id: games, name: Games, members: [] }`,
)
  .replace(
    '  - { id: cost, name: Cost, team: platform, defaultTier: T3 }',
    `  - { id: cost, name: Cost, team: platform, defaultTier: T3 }
  - { id: arcade, name: Arcade, team: games, defaultTier: T3 }`,
  )
  .replace(
    `  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }`,
    `  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }
  - { name: games, token: ${GAMES_TOKEN}, role: responder, teams: [games] }`,
  );

type Advisory = {
  incidentId: number;
  state: string;
  alert: string;
  service: string;
  team: string;
  promotedTo: string | null;
  reason: string | null;
  note: string | null;
  decidedBy: string | null;
  firing: boolean;
  incidentState: string;
};

function api(h: Harness) {
  const list = async (query = '', token: string = TOKENS.viewer) => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/advisories${query}`,
      headers: auth(token),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ advisories: Advisory[]; unreviewed: number; nextBefore: number | null }>();
  };
  const review = (payload: object, token: string = TOKENS.responder) =>
    h.app.inject({ method: 'POST', url: '/api/v1/advisories/review', headers: auth(token), payload });
  /** Lets the advisories module run (it runs at most every 5 s). */
  const tick = async () => {
    h.clock.advance(6_000);
    await h.cycle();
  };
  const incident = async (id: number) =>
    (
      await h.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.admin) })
    ).json<{
      incident: { tier: string; state: string };
      timeline: { kind: string; actor: string; data: Record<string, unknown> }[];
    }>();
  return { list, review, tick, incident };
}

describe.each(DIALECTS)('advisories on %s', (dialect) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it.skipIf(skipPostgres(dialect))(
    'a T3 from Alertmanager becomes an advisory; promoting it to T1 pages the primary at once',
    async () => {
      h = await startHarness(dialect, YAML);
      const { list, review, tick, incident } = api(h);
      const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up 40%', 'c1');
      await tick();
      expect(h.sent.filter((m) => m.kind === 'page')).toEqual([]);
      const before = await list();
      expect(before.unreviewed).toBe(1);
      expect(before.advisories).toEqual([
        expect.objectContaining({
          incidentId: id,
          team: 'platform',
          service: 'cost',
          alert: 'CostSpike',
          state: 'unreviewed',
          incidentState: 'triggered',
          firing: true,
          decidedAt: null,
          promotedTo: null,
        }),
      ]);
      // Another tick changes nothing: the pass is idempotent.
      await tick();
      expect((await list()).advisories).toHaveLength(1);

      const res = await review({ incidentIds: [id], action: 'promote', tier: 'T1', note: 'spend is real' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results).toEqual([
        {
          incidentId: id,
          ok: true,
          advisory: expect.objectContaining({
            state: 'promoted',
            promotedTo: 'T1',
            decidedBy: 'responder',
            note: 'spend is real',
          }),
        },
      ]);
      const detail = await incident(id);
      expect(detail.incident).toMatchObject({ tier: 'T1', state: 'triggered' });
      expect(
        detail.timeline.filter((e) => e.kind.startsWith('advisory.') || e.kind === 'incident.promoted'),
      ).toEqual([
        expect.objectContaining({
          kind: 'incident.promoted',
          actor: 'responder',
          data: expect.objectContaining({ from: 'T3', to: 'T1', policy: 't1' }),
        }),
        expect.objectContaining({ kind: 'advisory.promoted', actor: 'responder' }),
      ]);
      await h.cycle();
      const pages = h.sent.filter((m) => m.kind === 'page' && m.incident?.id === id);
      // Step 0 of the T1 policy: the primary (alice this week), by voice and SMS, at high urgency.
      expect(pages.map((p) => p.address)).toContain('+15550000001');
      expect(pages.every((p) => p.address !== '+15550000002')).toBe(true);
      expect(pages.some((p) => p.channel === 'voice' || p.channel === 'sms')).toBe(true);
      expect(pages[0]!.incident).toMatchObject({ tier: 'T1' });
      expect((await list()).unreviewed).toBe(0);
      // Promoted is final.
      const again = await review({ incidentIds: [id], action: 'review' });
      expect(again.json().results[0]).toMatchObject({ ok: false, code: 'advisory_decided' });
    },
  );

  it.skipIf(skipPostgres(dialect))(
    'a T3 whose alerts raise it to T1 is marked promoted by klaxon',
    async () => {
      h = await startHarness(dialect, YAML);
      const { list, tick, incident } = api(h);
      const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up', 'c1');
      await tick();
      expect((await list()).advisories[0]).toMatchObject({ incidentId: id, state: 'unreviewed' });
      // Same group (same fingerprint), now labelled T1: the incident's tier rises.
      await h.fire({ alertname: 'CostSpike', service: 'cost', tier: 'T1' }, 'Spend up a lot', 'c1');
      expect((await incident(id)).incident.tier).toBe('T1');
      await tick();
      expect((await list()).advisories[0]).toMatchObject({
        incidentId: id,
        state: 'promoted',
        promotedTo: 'T1',
        decidedBy: 'klaxon',
      });
      expect((await incident(id)).timeline.filter((e) => e.kind === 'advisory.promoted')).toEqual([
        expect.objectContaining({ actor: 'klaxon' }),
      ]);
    },
  );
});

/** YAML with the cost service announcing in Slack and forwarding to PagerDuty (which T3 does not reach). */
const NOTIFY_YAML = YAML.replace(
  '  - { id: cost, name: Cost, team: platform, defaultTier: T3 }',
  "  - { id: cost, name: Cost, team: platform, defaultTier: T3, notify: { slack: C0COST, pagerduty: 'PDROUTINGKEY01234567890123456789' } }",
);

describe.each(DIALECTS)('a T3 whose tier rises, on %s', (dialect) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  /** What reached Slack and PagerDuty (a first announcement is a message of kind `page`). */
  const announcements = () =>
    h.sent
      .filter((m) => m.channel === 'slack' || m.channel === 'pagerduty')
      .map((m) => ({ kind: m.kind, channel: m.channel, tier: m.incident?.tier, state: m.incident?.state }));

  for (const how of ['promoted by a person', 'raised by its alerts'] as const)
    it.skipIf(skipPostgres(dialect))(
      `${how}: its Slack message follows the new tier and PagerDuty gets it once it pages`,
      async () => {
        h = await startHarness(dialect, NOTIFY_YAML);
        const { review, tick } = api(h);
        const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up', 'c1');
        await h.cycle();
        expect(announcements()).toEqual([{ kind: 'page', channel: 'slack', tier: 'T3', state: 'triggered' }]);
        await tick();
        if (how === 'promoted by a person') {
          const res = await review({ incidentIds: [id], action: 'promote', tier: 'T2' });
          expect(res.json().results[0], res.body).toMatchObject({ ok: true });
        } else {
          await h.fire({ alertname: 'CostSpike', service: 'cost', tier: 'T2' }, 'Spend up more', 'c1');
        }
        h.clock.advance(1_000); // the delivery module's next turn
        await h.cycle();
        // Each channel has its own delivery lane: the order between them is not defined.
        expect(
          announcements()
            .slice(1)
            .map((m) => `${m.kind} ${m.channel} ${m.tier} ${m.state}`)
            .sort(),
        ).toEqual(['page pagerduty T2 triggered', 'update slack T2 triggered']);
        // Resolving then follows both.
        await h.app.inject({
          method: 'POST',
          url: `/api/v1/incidents/${id}/resolve`,
          headers: auth(TOKENS.responder),
        });
        h.clock.advance(1_000);
        await h.cycle();
        expect(
          announcements()
            .slice(3)
            .map((a) => `${a.kind} ${a.channel} ${a.state}`)
            .sort(),
        ).toEqual(['update pagerduty resolved', 'update slack resolved']);
      },
    );
});

describe('advisory review (sqlite)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('dismisses with a reason, refuses a viewer, and lets a dismissed one be promoted only', async () => {
    h = await startHarness('sqlite', YAML);
    const { list, review, tick, incident } = api(h);
    const a = await h.fire({ alertname: 'DiskSlow', service: 'cost' }, 'Disk slow', 'd1');
    const b = await h.fire({ alertname: 'DiskSlow', service: 'cost' }, 'Disk slow again', 'd2');
    await tick();

    const viewer = await review({ incidentIds: [a], action: 'review' }, TOKENS.viewer);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error.code).toBe('forbidden');
    expect((await list()).advisories.every((x) => x.state === 'unreviewed')).toBe(true);

    const noReason = await review({ incidentIds: [a], action: 'dismiss' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.code).toBe('invalid_payload');
    const long = await review({ incidentIds: [a], action: 'dismiss', reason: 'x'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect((await review({ incidentIds: [a], action: 'promote' })).statusCode).toBe(400);
    expect((await review({ incidentIds: [a, a], action: 'review' })).statusCode).toBe(400);
    expect((await review({ incidentIds: [], action: 'review' })).statusCode).toBe(400);
    const many = Array.from({ length: 201 }, (_, i) => i + 1);
    expect((await review({ incidentIds: many, action: 'review' })).statusCode).toBe(400);
    expect((await list()).unreviewed).toBe(2);

    const res = await review({ incidentIds: [a, b, 999_999], action: 'dismiss', reason: 'flaps on backup' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results[0]).toMatchObject({
      incidentId: a,
      ok: true,
      advisory: { state: 'dismissed', reason: 'flaps on backup', decidedBy: 'responder' },
    });
    expect(results[1]).toMatchObject({ incidentId: b, ok: true, advisory: { state: 'dismissed' } });
    expect(results[2]).toMatchObject({ incidentId: 999_999, ok: false, code: 'not_found' });
    const row = await h.store.db
      .selectFrom('advisories')
      .selectAll()
      .where('incident_id', '=', a)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'dismissed', reason: 'flaps on backup', alert_name: 'DiskSlow' });
    expect((await incident(a)).timeline.filter((e) => e.kind === 'advisory.dismissed')).toEqual([
      expect.objectContaining({
        actor: 'responder',
        data: expect.objectContaining({ reason: 'flaps on backup' }),
      }),
    ]);
    expect((await list()).unreviewed).toBe(0);

    // Dismissed: not again, not reviewed, but it can still be promoted (to T2 here).
    const redo = await review({ incidentIds: [a], action: 'review' });
    expect(redo.json().results[0]).toMatchObject({ ok: false, code: 'advisory_decided' });
    const up = await review({ incidentIds: [a], action: 'promote', tier: 'T2' });
    expect(up.json().results[0]).toMatchObject({
      ok: true,
      advisory: { state: 'promoted', promotedTo: 'T2' },
    });
    expect((await incident(a)).incident.tier).toBe('T2');

    // A T1 incident is not an advisory.
    const t1 = await h.fire({ alertname: 'Down', service: 'kafka', tier: 'T1' }, 'Kafka down', 'k1');
    await tick();
    const notAdvisory = await review({ incidentIds: [t1], action: 'review' });
    expect(notAdvisory.json().results[0]).toMatchObject({ ok: false, code: 'not_an_advisory' });
  });

  it('promotes a resolved advisory by re-opening it and paging', async () => {
    h = await startHarness('sqlite', YAML);
    const { review, tick, incident } = api(h);
    const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up', 'c1');
    await tick();
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${id}/resolve`,
      headers: auth(TOKENS.responder),
    });
    const res = await review({ incidentIds: [id], action: 'promote', tier: 'T2' });
    expect(res.json().results[0]).toMatchObject({
      ok: true,
      advisory: { incidentState: 'triggered', firing: false },
    });
    expect((await incident(id)).incident).toMatchObject({ tier: 'T2', state: 'triggered' });
    await h.cycle();
    expect(
      h.sent.some((m) => m.kind === 'page' && m.incident?.id === id && m.address.includes('alice')),
    ).toBe(true);
  });

  it('refuses to re-open a resolved advisory whose alert group has a newer open incident', async () => {
    h = await startHarness('sqlite', YAML);
    const { review, tick, incident } = api(h);
    const id = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up', 'c1');
    await tick();
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${id}/resolve`,
      headers: auth(TOKENS.responder),
    });
    h.clock.advance(3 * 24 * 3_600_000); // past the re-open window: the group opens a new incident
    const newer = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend up again', 'c1');
    expect(newer).not.toBe(id);
    const res = await review({ incidentIds: [id], action: 'promote', tier: 'T1' });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0]).toMatchObject({ ok: false, code: 'incident_resolved' });
    expect(res.json().results[0].message).toContain(`#${newer}`);
    expect((await incident(id)).incident).toMatchObject({ tier: 'T3', state: 'resolved' });
  });

  it("keeps another team's advisories out of sight", async () => {
    h = await startHarness('sqlite', YAML);
    const { list, review, tick } = api(h);
    const ours = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend', 'c1');
    const theirs = await h.fire({ alertname: 'LagHigh', service: 'arcade' }, 'Lag', 'g1');
    await tick();
    const games = await list('', GAMES_TOKEN);
    expect(games.advisories.map((x) => x.incidentId)).toEqual([theirs]);
    expect(games.unreviewed).toBe(1);
    expect((await list('?team=platform', GAMES_TOKEN)).advisories).toEqual([]);
    expect((await list('?service=cost', GAMES_TOKEN)).unreviewed).toBe(0);
    const res = await review({ incidentIds: [ours, theirs], action: 'review' }, GAMES_TOKEN);
    expect(res.json().results).toEqual([
      { incidentId: ours, ok: false, code: 'not_found', message: `Incident ${ours} does not exist.` },
      expect.objectContaining({ incidentId: theirs, ok: true }),
    ]);
    const mine = await list('', TOKENS.admin);
    expect(mine.advisories.find((x) => x.incidentId === ours)).toMatchObject({ state: 'unreviewed' });
  });

  it('filters by team, service, alert and state, pages with a cursor, and counts the unreviewed', async () => {
    h = await startHarness('sqlite', YAML);
    const { list, review, tick } = api(h);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await h.fire({ alertname: i % 2 ? 'Odd' : 'Even', service: 'cost' }, `n${i}`, `f${i}`));
      h.clock.advance(1000);
    }
    const arcade = await h.fire({ alertname: 'Even', service: 'arcade' }, 'arcade', 'g1');
    await tick();
    const all = await list('', TOKENS.admin);
    expect(all.advisories.map((x) => x.incidentId)).toEqual([arcade, ...[...ids].reverse()]);
    expect(all.unreviewed).toBe(6);
    expect((await list('?team=platform', TOKENS.admin)).advisories).toHaveLength(5);
    expect((await list('?service=arcade', TOKENS.admin)).advisories.map((x) => x.incidentId)).toEqual([
      arcade,
    ]);
    const even = await list('?alert=Even&team=platform', TOKENS.admin);
    expect(even.advisories.map((x) => x.incidentId)).toEqual([ids[4], ids[2], ids[0]]);
    expect(even.unreviewed).toBe(3);

    const p1 = await list('?limit=2&team=platform');
    expect(p1.advisories.map((x) => x.incidentId)).toEqual([ids[4], ids[3]]);
    expect(p1.nextBefore).toBe(ids[3]);
    const p2 = await list(`?limit=2&team=platform&before=${p1.nextBefore}`);
    expect(p2.advisories.map((x) => x.incidentId)).toEqual([ids[2], ids[1]]);
    const p3 = await list(`?limit=2&team=platform&before=${p2.nextBefore}`);
    expect(p3.advisories.map((x) => x.incidentId)).toEqual([ids[0]]);
    expect(p3.nextBefore).toBeNull();

    await review({ incidentIds: [ids[0]!, ids[1]!], action: 'review', note: 'known' });
    const reviewed = await list('?state=reviewed');
    expect(reviewed.advisories.map((x) => x.incidentId)).toEqual([ids[1], ids[0]]);
    expect(reviewed.advisories[0]).toMatchObject({ note: 'known', decidedBy: 'responder' });
    expect(reviewed.unreviewed).toBe(4);
    expect((await list('?state=unreviewed&team=platform')).advisories).toHaveLength(3);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/advisories?state=nope&limit=0',
      headers: auth(TOKENS.viewer),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_query');
  });

  it('wakes the engine loop once when a promotion pages, and not for a review', async () => {
    h = await startHarness('sqlite', YAML);
    const { tick } = api(h);
    const a = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend', 'c1');
    const b = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend', 'c2');
    const c = await h.fire({ alertname: 'CostSpike', service: 'cost' }, 'Spend', 'c3');
    await tick();
    const config = testConfig('', YAML);
    const alice: Principal = {
      name: 'alice',
      role: 'responder',
      kind: 'user',
      userId: 'alice',
      teams: ['platform'],
      via: 'password',
    };
    const poke = vi.fn();
    const deps = { config, promote: promoteOptions(config, h.store.locker), poke };
    const now = h.clock.now().getTime();
    await reviewAdvisories(h.store.db, alice, { incidentIds: [a], action: 'review' }, now, deps);
    expect(poke).not.toHaveBeenCalled();
    const results = await reviewAdvisories(
      h.store.db,
      alice,
      { incidentIds: [b, c], action: 'promote', tier: 'T1' },
      now,
      deps,
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(poke).toHaveBeenCalledTimes(1);
    const escalations = await h.store.db
      .selectFrom('escalations')
      .selectAll()
      .orderBy('incident_id')
      .execute();
    expect(escalations.map((e) => [Number(e.incident_id), e.policy_id, e.state, Number(e.next_at)])).toEqual([
      [b, 't1', 'active', now],
      [c, 't1', 'active', now],
    ]);
  });
});
