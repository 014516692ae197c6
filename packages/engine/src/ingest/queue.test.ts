import { SelectQueryNode, type KyselyPlugin, type QueryId } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import type { IncomingAlert, IngestItem } from '../alerts/alert.ts';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { IngestQueue } from './queue.ts';

function item(dedupKey: string, action: IncomingAlert['action'], groupKey = dedupKey): IngestItem {
  return {
    serviceId: 'kafka',
    source: 'pagerduty',
    integration: 'events',
    actor: 'events',
    defaultTier: 'T2',
    alert: {
      action,
      dedupKey,
      groupKey,
      summary: `alert ${dedupKey}`,
      labels: {},
      annotations: {},
      details: {},
      generatorUrl: null,
      startsAt: null,
      endsAt: null,
    },
  };
}

const tick = (ms = 5) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `store` whose first ingest transaction stalls before it takes its locks (on its maintenance-window
 * read), so a later transaction with the same keys would take them first if the queue let it start.
 */
function stallFirst(store: KlaxonDatabase): KlaxonDatabase {
  const maintenance = new WeakSet<QueryId>();
  let stalled = false;
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      if (SelectQueryNode.is(node) && JSON.stringify(node.from).includes('maintenance_windows'))
        maintenance.add(queryId);
      return node;
    },
    transformResult: async ({ result, queryId }) => {
      if (!stalled && maintenance.has(queryId)) {
        stalled = true;
        await tick(150);
      }
      return result;
    },
  };
  return { ...store, db: store.db.withPlugin(plugin) };
}

describe.each(DIALECTS)('ingest queue on %s', (dialect) => {
  let store: KlaxonDatabase;
  let clock: FakeClock;

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
    clock = new FakeClock('2026-03-28T02:00:00Z');
  });
  afterEach(async () => {
    await store?.close();
  });

  /** A queue whose transactions each take a little while, counting how many overlap. */
  function slowQueue(concurrency: number) {
    const queue = new IngestQueue(store, clock, { reopenWindowMs: 3_600_000, concurrency, maxBatch: 1 });
    const seen = { now: 0, max: 0 };
    queue.onApply(async () => {
      seen.max = Math.max(seen.max, ++seen.now);
      await tick(50);
      seen.now--;
      return undefined;
    });
    return { queue, seen };
  }

  it('runs transactions side by side on PostgreSQL, one at a time on SQLite, never above the limit', async () => {
    const { queue, seen } = slowQueue(3);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => queue.submit([item(`k${i}`, 'trigger')])),
    );
    expect(results.flat().map((r) => r.outcome)).toEqual(Array(12).fill('opened'));
    expect(seen.max).toBe(dialect === 'postgres' ? 3 : 1);
  });

  it('keeps submissions that share a key in order, one transaction after the other', async () => {
    const queue = new IngestQueue(stallFirst(store), clock, {
      reopenWindowMs: 3_600_000,
      concurrency: 4,
      maxBatch: 1,
    });
    const actions: IncomingAlert['action'][] = ['trigger', 'acknowledge', 'resolve', 'trigger', 'resolve'];
    const results = await Promise.all(actions.map((a) => queue.submit([item('same', a)])));
    expect(results.flat().map((r) => r.outcome)).toEqual([
      'opened',
      'acknowledged',
      'resolved',
      'reopened',
      'resolved',
    ]);
  });

  it('applies interleaved keys in submission order per key while others overtake', async () => {
    const queue = new IngestQueue(store, clock, { reopenWindowMs: 3_600_000, concurrency: 4, maxBatch: 2 });
    const plan: [string, IncomingAlert['action']][] = [];
    for (let round = 0; round < 6; round++)
      for (const key of ['a', 'b', 'c', 'd', 'e'])
        plan.push([key, (round + key.charCodeAt(0)) % 2 === 0 ? 'trigger' : 'resolve']);
    // Keys a–e share group g1 or g2 in turn, so groups order them too.
    const results = await Promise.all(
      plan.map(([key, action]) => queue.submit([item(key, action, key < 'c' ? 'g1' : 'g2')])),
    );
    const last = new Map<string, string>();
    plan.forEach(([key], i) => last.set(key, results[i]![0]!.outcome));
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const final = plan.filter(([k]) => k === key).at(-1)![1];
      const row = await store.db
        .selectFrom('alerts')
        .select('status')
        .where('dedup_key', '=', key)
        .executeTakeFirstOrThrow();
      expect([key, row.status]).toEqual([key, final === 'trigger' ? 'firing' : 'resolved']);
    }
    await queue.drain();
  });

  it('drains only once every submission is committed', async () => {
    const { queue } = slowQueue(2);
    const all = Array.from({ length: 6 }, (_, i) => queue.submit([item(`d${i}`, 'trigger')]));
    let answered = 0;
    for (const p of all) void p.then(() => answered++);
    await queue.drain();
    await Promise.resolve();
    expect(answered).toBe(6);
    const { n } = await store.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(6);
  });
});
