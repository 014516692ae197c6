/**
 * The advisories sync on its own: which incidents get a row (T3, opened in the last 7 days), the alert
 * name, the review deadline from the team's calendar, and that two passes at once (two replicas on
 * PostgreSQL) write each row once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import type { KlaxonDatabase } from '../db/database.ts';
import { businessCalendar } from '../org/business.ts';
import { DEFAULT_BUSINESS_HOURS } from '../org/hours.ts';
import { alertNameOf, syncAdvisories } from './sync.ts';

const DAY = 86_400_000;
// Friday 2026-04-03 23:00 UTC: the review deadline is the end of Monday's business day (18:00 UTC).
const NOW = Date.parse('2026-04-03T23:00:00Z');
const config = { services: [{ id: 'cost', team: 'platform' }] };
const calendars = new Map([['platform', businessCalendar(DEFAULT_BUSINESS_HOURS)]]);

async function incident(
  store: KlaxonDatabase,
  tier: string,
  createdAt: number,
  title = 'Spend up',
  labels?: object,
) {
  const row = await store.db
    .insertInto('incidents')
    .values({
      service_id: 'cost',
      group_ref: `cost/am/${createdAt}-${tier}-${title}`,
      tier,
      state: 'triggered',
      title,
      source: 'alertmanager',
      created_at: createdAt,
      updated_at: createdAt,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (labels)
    await store.db
      .insertInto('alerts')
      .values({
        alert_key: `cost/am/${row.id}`,
        service_id: 'cost',
        dedup_key: String(row.id),
        incident_id: row.id,
        source: 'alertmanager',
        status: 'firing',
        tier,
        summary: title,
        labels: JSON.stringify(labels),
        annotations: '{}',
        details: '{}',
        generator_url: null,
        starts_at: createdAt,
        ends_at: null,
        first_seen_at: createdAt,
        last_seen_at: createdAt,
        fire_count: 1,
      })
      .execute();
  return row.id;
}

describe('alertNameOf', () => {
  it('takes the alertname label, else the title', () => {
    expect(alertNameOf('{"alertname":"CostSpike"}', 't')).toBe('CostSpike');
    expect(alertNameOf('{"alertname":""}', 'title')).toBe('title');
    expect(alertNameOf('not json', 'title')).toBe('title');
    expect(alertNameOf(undefined, 'title')).toBe('title');
  });
});

describe.each(DIALECTS)('syncAdvisories on %s', (dialect) => {
  let store: KlaxonDatabase;
  afterEach(async () => {
    await store?.close();
  });

  it.skipIf(skipPostgres(dialect))(
    'adds recent T3 incidents once, with their deadline and alert name',
    async () => {
      store = await createTestStore(dialect);
      const t3 = await incident(store, 'T3', NOW - 1000, 'Spend up', { alertname: 'CostSpike' });
      const untitled = await incident(store, 'T3', NOW - 2000, 'Budget near');
      await incident(store, 'T3', NOW - 8 * DAY); // before the look-back
      await incident(store, 'T1', NOW - 1000);
      const passes = await Promise.all(
        [0, 1, 2].map(() =>
          store.db.transaction().execute((trx) => syncAdvisories(trx, NOW, calendars, config)),
        ),
      );
      expect(passes.reduce((a, b) => a + b, 0)).toBe(2);
      const rows = await store.db.selectFrom('advisories').selectAll().orderBy('incident_id').execute();
      expect(rows.map((r) => [Number(r.incident_id), r.alert_name, r.state, r.team_id])).toEqual([
        [t3, 'CostSpike', 'unreviewed', 'platform'],
        [untitled, 'Budget near', 'unreviewed', 'platform'],
      ]);
      expect(Number(rows[0]!.opened_at)).toBe(NOW - 1000);
      expect(new Date(Number(rows[0]!.deadline_at)).toISOString()).toBe('2026-04-06T18:00:00.000Z');
      expect(
        await store.db.transaction().execute((trx) => syncAdvisories(trx, NOW + 1, calendars, config)),
      ).toBe(0);
    },
  );
});
