/**
 * Off-hours pages by the one business-hours function: a person's own workingHours when set (in their
 * zone, no holidays), else the business hours of the team owning the incident's service (its zone, the
 * holidays it lists and those read from iCal), else the top-level default. Holidays read again change
 * the figures at once, even for days already counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  auth,
  buildTestApp,
  DIALECTS,
  KEYS,
  skipPostgres,
  TEST_CONFIG_YAML,
  TOKENS,
} from '@klaxon/testing';

const ICAL_URL = 'https://calendars.example.com/us-holidays.ics';
const YAML = TEST_CONFIG_YAML.replace(
  "  - { id: alice, name: Alice, contactMethods: [{ type: sms, address: '+15550000001' }] }",
  `  - { id: alice, name: Alice, timezone: Europe/London, contactMethods: [{ type: sms, address: '+15550000001' }] }
  - { id: bob, name: Bob, timezone: Europe/London, workingHours: { start: '06:00', end: '12:00' }, contactMethods: [{ type: sms, address: '+15550000002' }] }`,
)
  .replace(
    '  - { id: platform, name: Platform, members: [alice] }',
    `  - { id: platform, name: Platform, members: [alice, bob], businessHours: { timezone: America/New_York, holidays: ['2026-04-03'], holidaysUrl: '${ICAL_URL}' } }
  - { id: games, name: Games, members: [alice] }`,
  )
  .replace(
    '  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T2 }',
    `  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T2 }
  - { id: arcade, name: Arcade, team: games, defaultTier: T1 }`,
  );

describe.each(DIALECTS)('off-hours pages (%s)', (dialect) => {
  let t: Awaited<ReturnType<typeof buildTestApp>> | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it.skipIf(skipPostgres(dialect))(
    'are counted by the person’s own hours, else their service team’s business hours and holidays',
    async () => {
      t = await buildTestApp(dialect, { start: '2026-04-06T12:00:00Z', configYaml: YAML });
      const app = t.app;
      const fire = async (service: string) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/ingest/alertmanager',
          headers: auth(KEYS.alertmanager),
          payload: amPayload(
            [{ labels: { alertname: `A-${service}`, service, tier: 'T1' }, fingerprint: service }],
            service,
          ),
        });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().results[0].incidentId as number;
      };
      const kafka = await fire('kafka');
      const arcade = await fire('arcade');
      const db = t.store.db;
      const page = (incident: number, user: string, iso: string) =>
        db
          .insertInto('notifications')
          .values({
            incident_id: incident,
            kind: 'page',
            user_id: user,
            channel: 'sms',
            address: '+1',
            urgency: 'high',
            step_index: 0,
            due_at: Date.parse(iso),
            status: 'sent',
            sent_at: Date.parse(iso),
            created_at: Date.parse(iso),
            updated_at: Date.parse(iso),
          })
          .execute();
      // The platform team's holidays read from its iCal URL (holidays/ writes this row in the engine).
      await db
        .insertInto('holiday_calendars')
        .values({ team_id: 'platform', url: ICAL_URL, dates: '["2026-04-02"]', fetched_at: 0, updated_at: 0 })
        .execute();

      // Alice has no hours of her own: kafka's team, platform, works 09:00-18:00 in New York.
      await page(kafka, 'alice', '2026-03-30T13:00:00Z'); // Monday 09:00 EDT: in (start inclusive)
      await page(kafka, 'alice', '2026-03-30T08:30:00Z'); // 04:30 EDT (09:30 in her London): off
      await page(kafka, 'alice', '2026-04-02T15:00:00Z'); // Thursday 11:00 EDT, a holiday read from iCal: off
      await page(kafka, 'alice', '2026-04-03T15:00:00Z'); // Friday, a holiday listed in the config: off
      await page(kafka, 'alice', '2026-03-31T22:00:00Z'); // Tuesday 18:00 EDT (end exclusive): off
      // arcade's team, games, sets none: the top-level default, UTC 09:00-18:00.
      await page(arcade, 'alice', '2026-03-30T08:30:00Z'); // off
      await page(arcade, 'alice', '2026-03-30T17:00:00Z'); // in
      // Bob has his own hours, 06:00-12:00 London, and they win (without the team's holidays).
      await page(kafka, 'bob', '2026-04-03T08:00:00Z'); // Friday 09:00 BST, a platform holiday: in for him
      await page(kafka, 'bob', '2026-03-30T13:00:00Z'); // 14:00 BST: off, though business hours in New York

      const offHours = async () => {
        const res = await app.inject({
          method: 'GET',
          url: '/api/v1/analytics?from=2026-03-30T00:00:00Z&to=2026-04-06T00:00:00Z',
          headers: auth(TOKENS.viewer),
        });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().offHoursPages as unknown;
      };
      expect(await offHours()).toEqual([
        { user: 'alice', pages: 5 },
        { user: 'bob', pages: 1 },
      ]);
      // The iCal calendar read again without that holiday: the kept day is counted again.
      await db
        .updateTable('holiday_calendars')
        .set({ dates: '[]' })
        .where('team_id', '=', 'platform')
        .execute();
      expect(await offHours()).toEqual([
        { user: 'alice', pages: 4 },
        { user: 'bob', pages: 1 },
      ]);
    },
  );
});
