/**
 * The retention module on the real engine loop, on both dialects, with a fake clock: it prunes old alerts,
 * timeline details and finished notifications of resolved incidents in bounded batches, keeps every
 * incident, their lifecycle events and notes, and everything an open incident holds, and a pass over
 * nothing left to prune changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop } from '../engine/loop.ts';
import type { RetentionConfig } from './config.ts';
import { retentionModule } from './module.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');

async function seed(store: KlaxonDatabase) {
  const db = store.db;
  const incident = async (state: 'triggered' | 'resolved', at: number) =>
    (
      await db
        .insertInto('incidents')
        .values({
          service_id: 'kafka',
          group_ref: `kafka/am/${state}-${at}`,
          tier: 'T2',
          state,
          title: 't',
          source: 'alertmanager',
          created_at: at,
          updated_at: at,
          acknowledged_at: null,
          acknowledged_by: null,
          resolved_at: state === 'resolved' ? at + 1000 : null,
          resolved_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const alerts = (id: number, at: number, n: number) =>
    db
      .insertInto('alerts')
      .values(
        Array.from({ length: n }, (_, i) => ({
          alert_key: `kafka/am/${id}-${i}`,
          service_id: 'kafka',
          dedup_key: `${id}-${i}`,
          incident_id: id,
          source: 'alertmanager',
          status: 'resolved' as const,
          tier: 'T2',
          summary: 's',
          labels: '{}',
          annotations: '{}',
          details: '{}',
          generator_url: null,
          starts_at: at,
          ends_at: null,
          first_seen_at: at + i,
          last_seen_at: at + i,
          fire_count: 1,
        })),
      )
      .execute();
  const events = (id: number, at: number, kinds: string[]) =>
    db
      .insertInto('incident_events')
      .values(
        kinds.map((kind, i) => ({
          incident_id: id,
          at: at + i,
          kind,
          actor: null,
          message: kind,
          data: '{}',
        })),
      )
      .execute();
  const pages = (id: number, at: number, n: number) =>
    db
      .insertInto('notifications')
      .values(
        Array.from({ length: n }, () => ({
          incident_id: id,
          kind: 'page',
          user_id: 'alice',
          channel: 'sms',
          address: '+1',
          urgency: 'high',
          step_index: 0,
          due_at: at,
          status: 'sent' as const,
          sent_at: at,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
  const kinds = ['incident.triggered', 'alert.triggered', 'alert.triggered', 'alert.triggered'];
  const old = NOW - 200 * DAY;
  const recent = NOW - 10 * DAY;
  const oldResolved = await incident('resolved', old);
  await alerts(oldResolved, old, 5);
  await events(oldResolved, old, [...kinds, 'notification.sent', 'note', 'incident.resolved']);
  await pages(oldResolved, old, 3);
  // Open for 200 days: everything it holds stays.
  const oldOpen = await incident('triggered', old);
  await alerts(oldOpen, old, 3);
  await events(oldOpen, old, kinds);
  await pages(oldOpen, old, 1);
  const recentResolved = await incident('resolved', recent);
  await alerts(recentResolved, recent, 4);
  await events(recentResolved, recent, [...kinds, 'incident.resolved']);
  await pages(recentResolved, recent, 1);
  return { oldResolved, oldOpen, recentResolved };
}

async function counts(store: KlaxonDatabase, incidentId: number) {
  const n = async (table: 'alerts' | 'incident_events' | 'notifications') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('incident_id', '=', incidentId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    alerts: await n('alerts'),
    events: await n('incident_events'),
    notifications: await n('notifications'),
  };
}

const config = (over: Partial<RetentionConfig> = {}): { retention: RetentionConfig } => ({
  retention: {
    alertsDays: 90,
    timelineDetailsDays: 90,
    notificationsDays: 90,
    batchSize: 2,
    intervalSeconds: 60,
    ...over,
  },
});

describe('retention module', () => {
  it('is left out when the config keeps everything (the default)', () => {
    expect(retentionModule({ retention: { batchSize: 2000, intervalSeconds: 60 } })).toBeNull();
  });

  describe.each(DIALECTS)('on %s', (dialect) => {
    let store: KlaxonDatabase;
    beforeEach(async (ctx) => {
      if (skipPostgres(dialect)) ctx.skip();
      store = await createTestStore(dialect);
    });
    afterEach(async () => {
      await store?.close();
    });

    it('prunes old details of resolved incidents in bounded batches, keeps incidents and open ones, and is idempotent', async () => {
      const ids = await seed(store);
      const clock = new FakeClock(NOW);
      const registry = new Registry();
      const module = retentionModule(config(), { registry })!;
      const loop = new EngineLoop({
        store,
        clock,
        modules: [module],
        intervalMs: 1000,
        onError: (_m, err) => {
          throw err;
        },
      });
      const before = await counts(store, ids.oldResolved);
      expect(before).toEqual({ alerts: 5, events: 7, notifications: 3 });

      await loop.runOnce();
      // One pass: at most batchSize (2) rows of each kind, and it knows there is more.
      expect(await counts(store, ids.oldResolved)).toEqual({ alerts: 3, events: 5, notifications: 1 });
      expect(module.backlog).toBe(true);
      expect(module.everyMs).toBe(1000);

      for (let i = 0; i < 5; i++) {
        clock.advance(1000);
        await loop.runOnce();
      }
      // Alerts, the 3 alert events, the delivery event and the pages went; the lifecycle and the note stayed.
      expect(await counts(store, ids.oldResolved)).toEqual({ alerts: 0, events: 3, notifications: 0 });
      const kept = await store.db
        .selectFrom('incident_events')
        .select('kind')
        .where('incident_id', '=', ids.oldResolved)
        .orderBy('id')
        .execute();
      expect(kept.map((e) => e.kind)).toEqual(['incident.triggered', 'note', 'incident.resolved']);
      expect(await counts(store, ids.oldOpen)).toEqual({ alerts: 3, events: 4, notifications: 1 });
      expect(await counts(store, ids.recentResolved)).toEqual({ alerts: 4, events: 5, notifications: 1 });
      const incidents = await store.db.selectFrom('incidents').select('id').execute();
      expect(incidents).toHaveLength(3);
      expect(module.backlog).toBe(false);
      expect(module.everyMs).toBe(60_000);
      const pruned = async () =>
        Object.fromEntries(
          (await registry.getSingleMetric('klaxon_retention_pruned_total')!.get()).values.map((v) => [
            v.labels.kind,
            v.value,
          ]),
        );
      expect(await pruned()).toEqual({ alerts: 5, timeline_details: 4, notifications: 3 });

      // Idempotent: another pass over nothing due changes nothing.
      clock.advance(60_000);
      await loop.runOnce();
      expect(await counts(store, ids.oldResolved)).toEqual({ alerts: 0, events: 3, notifications: 0 });
      expect(await pruned()).toEqual({ alerts: 5, timeline_details: 4, notifications: 3 });

      // 100 days on, the recent incident's details are old too; the open incident still keeps its own.
      clock.advance(100 * DAY);
      for (let i = 0; i < 4; i++) {
        clock.advance(60_000);
        await loop.runOnce();
      }
      expect(await counts(store, ids.recentResolved)).toEqual({ alerts: 0, events: 2, notifications: 0 });
      expect(await counts(store, ids.oldOpen)).toEqual({ alerts: 3, events: 4, notifications: 1 });
    });

    it('prunes only the kinds that have days set', async () => {
      const ids = await seed(store);
      const clock = new FakeClock(NOW);
      const module = retentionModule(
        config({ timelineDetailsDays: undefined, notificationsDays: undefined, batchSize: 100 }),
      )!;
      const loop = new EngineLoop({ store, clock, modules: [module], intervalMs: 1000 });
      await loop.runOnce();
      expect(await counts(store, ids.oldResolved)).toEqual({ alerts: 0, events: 7, notifications: 3 });
      expect(module.backlog).toBe(false);
    });
  });
});
