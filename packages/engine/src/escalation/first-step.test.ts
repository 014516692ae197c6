/**
 * Step 0 of a new incident's escalation fires inside the ingest transaction that opened it (the
 * composition root wires `firstSteps` into the ingest queue): its pages exist, claimed, the moment the
 * alert is committed, with no engine cycle, and no later tick fires that step again, on one engine or
 * on two replicas at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestStore,
  DIALECTS,
  freshDatabase,
  ONCALL_YAML,
  skipPostgres,
  testConfig,
} from '@klaxon/testing';
import { standardModules } from '../app/modules.ts';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import { createDatabase, type KlaxonDatabase } from '../db/database.ts';
import type { NotificationRow } from '../db/tables.ts';
import { EngineLoop } from '../engine/loop.ts';
import { resolveIncident, retriggerIncidents } from '../incidents/store.ts';
import { IngestQueue } from '../ingest/queue.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { escalationModule } from './module.ts';

const MIN = 60_000;
// Monday 2026-03-30 10:00 London: alice is primary, bob backup, erin the lead.
const NOW = '2026-03-30T09:00:00Z';

/** An ingest queue and an engine loop on `store`, wired as app/server.ts wires them. */
function engine(store: KlaxonDatabase, clock: FakeClock, config: KlaxonConfig) {
  const dispatched: { rows: NotificationRow[]; visible: Promise<number> }[] = [];
  const dispatch = (rows: NotificationRow[]) =>
    dispatched.push({
      rows,
      // Read on the pool: only what is committed is visible (on PostgreSQL another connection).
      visible: store.db
        .selectFrom('notifications')
        .select('id')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
        .then((r) => r.length),
    });
  const escalation = escalationModule({
    config,
    directory: new OnCallDirectory(config),
    dispatch,
    retrigger: retriggerIncidents,
  });
  const queue = new IngestQueue(store, clock, { reopenWindowMs: 60 * MIN, config });
  queue.onApply(async (trx, results, now) => {
    const { claimed } = await escalation.firstSteps(
      trx,
      results.flatMap((r) => (r.notifies && r.incidentId !== null ? [r.incidentId] : [])),
      now,
      store.locker.rowLocks,
    );
    return claimed.length > 0 ? () => dispatch(claimed) : undefined;
  });
  const others = standardModules(config, store, { clock, delivery: false }).modules;
  const loop = new EngineLoop({
    store,
    clock,
    modules: others.map((m) => (m.name === 'escalation' ? escalation : m)),
    intervalMs: 1000,
  });
  return { queue, loop, dispatched };
}

const alert = (tier: string, key: string, service = 'kafka', action: 'trigger' | 'resolve' = 'trigger') => ({
  serviceId: service,
  source: 'alertmanager',
  integration: 'am',
  actor: 'am',
  defaultTier: 'T2' as const,
  alert: {
    action,
    dedupKey: key,
    groupKey: key,
    summary: `${tier} alert ${key}`,
    labels: { tier },
    annotations: {},
    details: {},
    generatorUrl: null,
    startsAt: null,
    endsAt: null,
  },
});

async function stepsOf(store: KlaxonDatabase, incidentId?: number) {
  let q = store.db
    .selectFrom('incident_events')
    .select(['incident_id', 'at', 'data'])
    .where('kind', '=', 'escalation.step')
    .orderBy('id');
  if (incidentId !== undefined) q = q.where('incident_id', '=', incidentId);
  return (await q.execute()).map((e) => ({
    incident: e.incident_id,
    at: e.at,
    step: (JSON.parse(e.data) as { step: number }).step,
  }));
}

describe.each(DIALECTS)('step 0 in the ingest transaction on %s', (dialect) => {
  let store: KlaxonDatabase;
  let clock: FakeClock;
  let config: KlaxonConfig;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
    clock = new FakeClock(NOW);
    config = testConfig('', ONCALL_YAML);
  });
  afterEach(async () => {
    await store?.close();
  });

  it('pages exist, claimed and handed to delivery, as soon as the alert is committed; no tick fires step 0 again', async () => {
    const { queue, loop, dispatched } = engine(store, clock, config);
    const t0 = clock.now().getTime();
    const [r] = await queue.submit([alert('T1', 'a1')]);
    const id = r!.incidentId!;
    // No engine cycle has run.
    const pages = await store.db
      .selectFrom('notifications')
      .selectAll()
      .where('incident_id', '=', id)
      .where('due_at', '=', t0)
      .execute();
    expect(pages.map((p) => [p.user_id, p.channel, p.status, p.step_index]).sort()).toEqual([
      ['alice', 'sms', 'sending', 0],
      ['alice', 'voice', 'sending', 0],
    ]);
    expect(dispatched.flatMap((d) => d.rows.map((n) => n.id)).sort()).toEqual(pages.map((p) => p.id).sort());
    expect(await Promise.all(dispatched.map((d) => d.visible))).toEqual([2]);
    expect(await stepsOf(store, id)).toEqual([{ incident: id, at: t0, step: 0 }]);
    const row = await store.db
      .selectFrom('escalations')
      .selectAll()
      .where('incident_id', '=', id)
      .executeTakeFirstOrThrow();
    expect([row.step_index, row.next_at]).toEqual([1, t0 + 5 * MIN]);
    // The same alert again is deduplicated: no second step 0.
    await queue.submit([alert('T1', 'a1')]);
    for (let m = 0; m <= 15; m++) {
      await loop.runOnce();
      clock.advance(MIN);
    }
    expect((await stepsOf(store, id)).map((s) => [s.step, (s.at - t0) / MIN])).toEqual([
      [0, 0],
      [1, 5],
      [2, 10],
    ]);
  });

  it('T3 never pages and a maintenance window holds the page back, as before', async () => {
    const { queue } = engine(store, clock, config);
    const now = clock.now().getTime();
    await store.db
      .insertInto('maintenance_windows')
      .values({
        service_id: 'kafka',
        starts_at: now - MIN,
        ends_at: now + 60 * MIN,
        reason: 'broker upgrade',
        created_by: 'alice',
        created_at: now,
      })
      .execute();
    const [t3] = await queue.submit([alert('T3', 'quiet')]);
    const [held] = await queue.submit([alert('T1', 'held')]);
    expect(t3!.incidentId).not.toBeNull();
    expect(held!.incidentId).not.toBeNull();
    expect(
      await store.db.selectFrom('notifications').selectAll().where('kind', '=', 'page').execute(),
    ).toEqual([]);
    expect(await store.db.selectFrom('escalations').selectAll().execute()).toEqual([]);
    expect(await stepsOf(store)).toEqual([]);
  });

  it('a failure while firing step 0 never fails the ingest: rolled back to a savepoint, left to the tick', async () => {
    class BrokenDirectory extends OnCallDirectory {
      override resolveTargets(): never {
        throw new Error('directory broke');
      }
    }
    const errors: unknown[] = [];
    const standard = standardModules(config, store, {
      clock,
      delivery: false,
      directory: new BrokenDirectory(config),
      onFirstPagesError: (err) => errors.push(err),
    });
    const queue = new IngestQueue(store, clock, { reopenWindowMs: 60 * MIN, config });
    const wakes: number[] = [];
    queue.onApply((trx, results, now) => standard.firstPages(trx, results, now, (at) => wakes.push(at)));
    const t0 = clock.now().getTime();
    const [r] = await queue.submit([alert('T1', 'kept')]);
    expect(r!.outcome).toBe('opened');
    expect(errors).toHaveLength(1);
    expect(wakes).toEqual([t0]);
    const row = await store.db
      .selectFrom('escalations')
      .selectAll()
      .where('incident_id', '=', r!.incidentId!)
      .executeTakeFirstOrThrow();
    expect([row.step_index, row.next_at, row.state]).toEqual([0, t0, 'active']);
    expect(await stepsOf(store)).toEqual([]);
  });

  it('a re-opened incident pages step 0 again in the transaction that re-opens it', async () => {
    const { queue } = engine(store, clock, config);
    const [r] = await queue.submit([alert('T1', 'flap')]);
    const id = r!.incidentId!;
    clock.advance(MIN);
    await resolveIncident(store, id, 'alice', clock.now().getTime());
    clock.advance(MIN);
    const [again] = await queue.submit([alert('T1', 'flap')]);
    expect(again!.incidentId).toBe(id);
    expect((await stepsOf(store, id)).map((s) => s.step)).toEqual([0, 0]);
  });
});

describe.skipIf(skipPostgres('postgres'))(
  'step 0 in the ingest transaction, two replicas on PostgreSQL',
  () => {
    it('fires every step exactly once while both replicas ingest and tick at once', async () => {
      const database = await freshDatabase('postgres');
      // Two pools on one database, as two engine processes would have.
      const stores = [createDatabase(database), createDatabase(database)];
      await stores[0]!.migrate();
      const clock = new FakeClock(NOW);
      const config = testConfig('', ONCALL_YAML);
      const replicas = stores.map((s) => engine(s, clock, config));
      try {
        const t0 = clock.now().getTime();
        let ticking = true;
        const tickers = replicas.map(async ({ loop }) => {
          while (ticking) await loop.runOnce();
        });
        const INCIDENTS = 120;
        // Each alert twice, once through each replica, concurrently: one incident, one step 0.
        await Promise.all(
          Array.from({ length: INCIDENTS }, (_, i) =>
            Promise.all(replicas.map(({ queue }) => queue.submit([alert('T1', `r-${i}`)]))),
          ),
        );
        for (let m = 0; m < 12; m++) {
          clock.advance(MIN);
          await Promise.all(replicas.map(({ loop }) => loop.runOnce()));
        }
        ticking = false;
        await Promise.all(tickers);
        const steps = await stepsOf(stores[0]!);
        const per = new Map<number, number[]>();
        for (const s of steps) per.set(s.incident, [...(per.get(s.incident) ?? []), s.step]);
        expect(per.size).toBe(INCIDENTS);
        const wrong = [...per.entries()].filter(([, l]) => l.sort().join() !== '0,1,2');
        expect(wrong, 'incidents whose steps did not fire exactly once each').toEqual([]);
        expect(steps.filter((s) => s.step === 0).every((s) => s.at === t0)).toBe(true);
        const pages = await stores[0]!.db
          .selectFrom('notifications')
          .select(['incident_id', 'step_index', 'user_id', 'channel', 'due_at'])
          .where('kind', '=', 'page')
          .execute();
        const keys = new Set(
          pages.map((p) => `${p.incident_id}/${p.step_index}/${p.user_id}/${p.channel}/${p.due_at}`),
        );
        expect(keys.size).toBe(pages.length);
        const dispatched = replicas.flatMap((r) => r.dispatched.flatMap((d) => d.rows.map((n) => n.id)));
        expect(new Set(dispatched).size).toBe(dispatched.length);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    }, 60_000);
  },
);
