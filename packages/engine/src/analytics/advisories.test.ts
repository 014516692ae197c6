/**
 * The advisory measures in `GET /api/v1/analytics` and `klaxon_advisories_unreviewed{team}`, from
 * `advisories` rows inserted directly: opened, still unreviewed, the share decided by the deadline, the
 * alerts dismissed as noise most often; a principal scoped to a team sees only its services' advisories,
 * and the gauge lists every team, 0 for one with none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, DIALECTS, skipPostgres, TEST_CONFIG_YAML, TOKENS } from '@klaxon/testing';

const PLATFORM_VIEWER = 'platform-viewer-token-0000004';
const YAML = TEST_CONFIG_YAML.replace(
  '  - { id: platform, name: Platform, members: [alice] }',
  `  - { id: platform, name: Platform, members: [alice] }
  - { id: games, name: Games, members: [alice] }
  - { id: quiet, name: Quiet, members: [alice] }`,
)
  .replace(
    '  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T2 }',
    `  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T2 }
  - { id: arcade, name: Arcade, team: games, defaultTier: T3 }`,
  )
  .replace(
    '  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }'.replace('${TOKENS.viewer}', TOKENS.viewer),
    `  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }
  - { name: platform-viewer, token: ${PLATFORM_VIEWER}, role: viewer, teams: [platform] }`,
  );

const at = (iso: string) => Date.parse(iso);

describe.each(DIALECTS)('advisory measures (%s)', (dialect) => {
  let t: Awaited<ReturnType<typeof buildTestApp>> | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it.skipIf(skipPostgres(dialect))(
    'counts opened, unreviewed, reviewed within one business day and dismissed as noise, scoped to the principal’s teams',
    async () => {
      t = await buildTestApp(dialect, { start: '2026-04-03T12:00:00Z', configYaml: YAML });
      expect(YAML).toContain(PLATFORM_VIEWER);
      let id = 0;
      const adv = (
        team: string,
        service: string,
        alert: string,
        opened: string,
        deadline: string,
        decided: { state: string; at: string } | null = null,
      ) =>
        t!.store.db
          .insertInto('advisories')
          .values({
            incident_id: ++id,
            team_id: team,
            service_id: service,
            alert_name: alert,
            state: decided?.state ?? 'unreviewed',
            opened_at: at(opened),
            deadline_at: at(deadline),
            deadline_notified_at: null,
            decided_at: decided ? at(decided.at) : null,
            decided_by: decided ? 'alice' : null,
            note: null,
            reason: decided?.state === 'dismissed' ? 'flaps' : null,
            promoted_to: null,
            created_at: at(opened),
            updated_at: at(opened),
          })
          .execute();
      // The range is the week of Monday 2026-03-30 (business hours: UTC 09:00-18:00, Monday to Friday).
      await adv('platform', 'kafka', 'KafkaLagT3', '2026-03-30T10:00:00Z', '2026-03-31T18:00:00Z', {
        state: 'reviewed',
        at: '2026-03-31T11:00:00Z', // in time
      });
      await adv('platform', 'kafka', 'KafkaLagT3', '2026-03-30T11:00:00Z', '2026-03-31T18:00:00Z', {
        state: 'dismissed',
        at: '2026-04-01T09:00:00Z', // late
      });
      await adv('platform', 'cost', 'CostSpike', '2026-03-31T10:00:00Z', '2026-04-01T18:00:00Z'); // unreviewed
      await adv('platform', 'cost', 'CostSpike', '2026-03-31T11:00:00Z', '2026-04-01T18:00:00Z', {
        state: 'dismissed',
        at: '2026-03-31T12:00:00Z', // in time
      });
      await adv('platform', 'kafka', 'KafkaLagT3', '2026-03-20T10:00:00Z', '2026-03-23T18:00:00Z', {
        state: 'dismissed',
        at: '2026-03-30T12:00:00Z', // opened before the range, dismissed in it
      });
      await adv('platform', 'kafka', 'KafkaLagT3', '2026-03-20T11:00:00Z', '2026-03-23T18:00:00Z'); // old, unreviewed
      await adv('games', 'arcade', 'ArcadeSlow', '2026-03-30T10:00:00Z', '2026-03-31T18:00:00Z'); // unreviewed
      await adv('games', 'arcade', 'ArcadeSlow', '2026-03-30T12:00:00Z', '2026-03-31T18:00:00Z', {
        state: 'dismissed',
        at: '2026-03-31T17:59:00Z', // in time
      });
      await adv('platform', 'kafka', 'KafkaLagT3', '2026-03-31T12:00:00Z', '2026-04-01T18:00:00Z', {
        state: 'promoted',
        at: '2026-04-01T18:00:00Z', // at the deadline exactly: in time
      });
      // Outside the range entirely.
      await adv('platform', 'kafka', 'Other', '2026-04-07T10:00:00Z', '2026-04-08T18:00:00Z', {
        state: 'dismissed',
        at: '2026-04-07T11:00:00Z',
      });

      const get = async (token: string) => {
        const res = await t!.app.inject({
          method: 'GET',
          url: '/api/v1/analytics?from=2026-03-30T00:00:00Z&to=2026-04-06T00:00:00Z',
          headers: auth(token),
        });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().advisories as unknown;
      };
      expect(await get(TOKENS.viewer)).toEqual({
        opened: 7,
        unreviewed: 2,
        reviewedWithinOneBusinessDay: 0.571, // 4 of 7
        dismissedAsNoise: [
          { alert: 'KafkaLagT3', service: 'kafka', count: 2 },
          { alert: 'ArcadeSlow', service: 'arcade', count: 1 },
          { alert: 'CostSpike', service: 'cost', count: 1 },
        ],
      });
      // The games team's advisories do not count for a principal scoped to platform.
      expect(await get(PLATFORM_VIEWER)).toEqual({
        opened: 5,
        unreviewed: 1,
        reviewedWithinOneBusinessDay: 0.6, // 3 of 5
        dismissedAsNoise: [
          { alert: 'KafkaLagT3', service: 'kafka', count: 2 },
          { alert: 'CostSpike', service: 'cost', count: 1 },
        ],
      });

      const empty = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics?from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z',
        headers: auth(TOKENS.viewer),
      });
      expect(empty.json().advisories).toEqual({
        opened: 0,
        unreviewed: 0,
        reviewedWithinOneBusinessDay: null,
        dismissedAsNoise: [],
      });

      // The gauge counts every unreviewed row, whenever it opened; a team with none exports 0.
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: auth(TOKENS.viewer) }))
        .body;
      expect(metrics).toContain('klaxon_advisories_unreviewed{team="platform"} 2');
      expect(metrics).toContain('klaxon_advisories_unreviewed{team="games"} 1');
      expect(metrics).toContain('klaxon_advisories_unreviewed{team="quiet"} 0');
    },
  );

  it.skipIf(skipPostgres(dialect))('lists at most 20 alerts dismissed as noise, most first', async () => {
    t = await buildTestApp(dialect, { start: '2026-04-03T12:00:00Z', configYaml: YAML });
    const rows = [];
    let id = 0;
    for (let a = 0; a < 25; a++)
      for (let k = 0; k <= a; k++)
        rows.push({
          incident_id: ++id,
          team_id: 'platform',
          service_id: 'kafka',
          alert_name: `Alert${String(a).padStart(2, '0')}`,
          state: 'dismissed',
          opened_at: at('2026-03-30T10:00:00Z'),
          deadline_at: at('2026-03-31T18:00:00Z'),
          decided_at: at('2026-03-30T11:00:00Z'),
          decided_by: 'alice',
          created_at: 0,
          updated_at: 0,
        });
    await t.store.db.insertInto('advisories').values(rows).execute();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics?from=2026-03-30T00:00:00Z&to=2026-04-06T00:00:00Z',
      headers: auth(TOKENS.viewer),
    });
    const noise = res.json().advisories.dismissedAsNoise as { alert: string; count: number }[];
    expect(noise).toHaveLength(20);
    expect(noise[0]).toEqual({ alert: 'Alert24', service: 'kafka', count: 25 });
    expect(noise.at(-1)).toEqual({ alert: 'Alert05', service: 'kafka', count: 6 });
  });
});
