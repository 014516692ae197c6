/**
 * Alert counts by day: a range sums the settled days kept in memory and counts the partial days at its
 * ends and today afresh, and the sum equals a straight count of the rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import type { KlaxonDatabase } from '../db/database.ts';
import { alertCounts } from './alert-days.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-10T12:00:00Z');
let n = 0;

describe.each(DIALECTS)('alert counts by day on %s', (dialect) => {
  let store: KlaxonDatabase;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
  });
  afterEach(async () => {
    await store?.close();
  });
  const alert = (at: number, service = 'kafka', source = 'alertmanager') =>
    store.db
      .insertInto('alerts')
      .values({
        alert_key: `k${++n}`,
        service_id: service,
        dedup_key: `k${n}`,
        incident_id: null,
        source,
        status: 'firing',
        tier: 'T2',
        summary: 's',
        labels: '{}',
        annotations: '{}',
        details: '{}',
        generator_url: null,
        starts_at: at,
        ends_at: null,
        first_seen_at: at,
        last_seen_at: at,
        fire_count: 1,
      })
      .execute();
  const total = async (from: number, to: number) =>
    (await alertCounts(store.db, from, to, NOW)).reduce((sum, r) => sum + r.n, 0);

  it('sums settled days from memory and counts the rest afresh', async () => {
    const from = NOW - 5 * DAY - 6 * 3_600_000; // 5 days and 6 hours ago, mid-day
    for (let d = 0; d < 6; d++) await alert(from + d * DAY);
    await alert(NOW - 60_000, 'game-api');
    await alert(NOW - 30_000, 'kafka', 'heartbeat'); // heartbeats are not alerts received
    expect(await total(from, NOW)).toBe(7);
    const byService = await alertCounts(store.db, from, NOW, NOW);
    expect(byService.filter((r) => r.service_id === 'game-api').reduce((s, r) => s + r.n, 0)).toBe(1);

    // A row written into a settled day now (it cannot happen: alerts are stamped when they arrive) is
    // not seen: that day's count is kept. One in today's partial day is.
    await alert(NOW - 3 * DAY);
    await alert(NOW - 1000);
    expect(await total(from, NOW)).toBe(8);
    // A range starting within a day counts that partial day afresh from the rows: the late row of
    // 06-07 12:00, then 06-08 and 06-09 from memory, then today's three.
    expect(await total(NOW - 3 * DAY - 1, NOW)).toBe(6);
  });
});
