import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import type { IncomingAlert, IngestItem } from '../alerts/alert.ts';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { IngestQueue } from '../ingest/queue.ts';
import { acknowledgeIncident, addNote, getIncident, listIncidents, resolveIncident } from './store.ts';

const MIN = 60_000;

function item(partial: Partial<IncomingAlert> & { dedupKey: string }, serviceId = 'kafka'): IngestItem {
  return {
    serviceId,
    source: 'alertmanager',
    integration: 'am',
    actor: 'am',
    defaultTier: 'T2',
    alert: {
      action: 'trigger',
      groupKey: 'group-a',
      summary: `alert ${partial.dedupKey}`,
      labels: {},
      annotations: {},
      details: {},
      generatorUrl: null,
      startsAt: null,
      endsAt: null,
      ...partial,
    },
  };
}

describe.each(DIALECTS)('incident model on %s', (dialect) => {
  let store: KlaxonDatabase;
  let clock: FakeClock;
  let queue: IngestQueue;

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
    clock = new FakeClock('2026-03-28T02:00:00Z');
    queue = new IngestQueue(store, clock, { reopenWindowMs: 60 * MIN });
  });
  afterEach(async () => {
    await store?.close();
  });

  const timelineKinds = async (id: number) => (await getIncident(store, id)).timeline.map((e) => e.kind);

  it('opens an incident with the tier from labels and de-duplicates repeats on the dedup key', async () => {
    const [first] = await queue.submit([item({ dedupKey: 'fp1', labels: { severity: 'critical' } })]);
    expect(first).toMatchObject({ outcome: 'opened', tier: 'T1' });
    clock.advance(MIN);
    // Same fingerprint, different summary text: still the same alert.
    const [repeat] = await queue.submit([
      item({ dedupKey: 'fp1', summary: 'reworded', labels: { severity: 'critical' } }),
    ]);
    expect(repeat).toMatchObject({ outcome: 'updated', incidentId: first!.incidentId });
    const detail = await getIncident(store, first!.incidentId!);
    expect(detail.alerts).toHaveLength(1);
    expect(detail.alerts[0]).toMatchObject({ fireCount: 2, summary: 'reworded' });
    expect(detail.timeline.map((e) => e.kind)).toEqual(['incident.triggered']);
  });

  it('never de-duplicates on summary text', async () => {
    const results = await queue.submit([
      item({ dedupKey: 'a', groupKey: 'g1', summary: 'same text' }),
      item({ dedupKey: 'b', groupKey: 'g2', summary: 'same text' }),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['opened', 'opened']);
    expect(results[0]!.incidentId).not.toBe(results[1]!.incidentId);
  });

  it('groups alerts of one group into one incident and resolves it only when every alert has resolved', async () => {
    const [a, b] = await queue.submit([item({ dedupKey: 'a' }), item({ dedupKey: 'b' })]);
    expect(a!.outcome).toBe('opened');
    expect(b).toMatchObject({ outcome: 'added', incidentId: a!.incidentId });
    await queue.submit([item({ dedupKey: 'a', action: 'resolve' })]);
    expect((await getIncident(store, a!.incidentId!)).incident.state).toBe('triggered');
    clock.advance(MIN);
    await queue.submit([item({ dedupKey: 'b', action: 'resolve' })]);
    const detail = await getIncident(store, a!.incidentId!);
    expect(detail.incident).toMatchObject({ state: 'resolved', resolvedBy: 'alertmanager:am' });
    expect(detail.incident.resolvedAt).toBe(clock.now().toISOString());
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      'incident.triggered',
      'alert.triggered',
      'alert.resolved',
      'alert.resolved',
      'incident.resolved',
    ]);
  });

  it('re-opens a resolved incident when its source fires again within the window, and opens a new one after', async () => {
    const [opened] = await queue.submit([item({ dedupKey: 'x' })]);
    await queue.submit([item({ dedupKey: 'x', action: 'resolve' })]);
    clock.advance(10 * MIN);
    const [again] = await queue.submit([item({ dedupKey: 'x' })]);
    expect(again).toMatchObject({ outcome: 'reopened', incidentId: opened!.incidentId });
    const detail = await getIncident(store, opened!.incidentId!);
    expect(detail.incident).toMatchObject({ state: 'triggered', reopenCount: 1, resolvedAt: null });
    expect(detail.timeline.map((e) => e.kind)).toContain('incident.reopened');

    await queue.submit([item({ dedupKey: 'x', action: 'resolve' })]);
    clock.advance(61 * MIN);
    const [later] = await queue.submit([item({ dedupKey: 'x' })]);
    expect(later!.outcome).toBe('opened');
    expect(later!.incidentId).not.toBe(opened!.incidentId);
  });

  it('handles fire, resolve and fire of one alert inside a single batch', async () => {
    const results = await queue.submit([
      item({ dedupKey: 'f' }),
      item({ dedupKey: 'f', action: 'resolve' }),
      item({ dedupKey: 'f' }),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['opened', 'resolved', 'reopened']);
    const detail = await getIncident(store, results[0]!.incidentId!);
    expect(detail.incident.state).toBe('triggered');
  });

  it('raises the incident tier when a more urgent alert joins, and never lowers it', async () => {
    const [a] = await queue.submit([item({ dedupKey: 'w', labels: { severity: 'warning' } })]);
    expect(a!.tier).toBe('T2');
    const [b] = await queue.submit([item({ dedupKey: 'c', labels: { tier: 'T1' } })]);
    expect(b).toMatchObject({ outcome: 'added', tier: 'T1' });
    const [c] = await queue.submit([item({ dedupKey: 'i', labels: { severity: 'info' } })]);
    expect(c!.tier).toBe('T1');
    expect(await timelineKinds(a!.incidentId!)).toContain('incident.tier_changed');
  });

  it('falls back to the service default tier, and records T3 like any other', async () => {
    const [r] = await queue.submit([{ ...item({ dedupKey: 'cost1' }, 'cost'), defaultTier: 'T3' }]);
    expect(r).toMatchObject({ outcome: 'opened', tier: 'T3' });
  });

  it('acknowledges from a PagerDuty acknowledge event and ignores one for an unknown key', async () => {
    const [opened] = await queue.submit([item({ dedupKey: 'pd1' })]);
    const [ack, unknown] = await queue.submit([
      item({ dedupKey: 'pd1', action: 'acknowledge' }),
      item({ dedupKey: 'nope', action: 'acknowledge' }),
    ]);
    expect(ack).toMatchObject({ outcome: 'acknowledged', incidentId: opened!.incidentId });
    expect(unknown!.outcome).toBe('ignored');
    expect((await getIncident(store, opened!.incidentId!)).incident.state).toBe('acknowledged');
  });

  it('records a resolve for an alert it never saw firing without opening anything', async () => {
    const [r] = await queue.submit([item({ dedupKey: 'ghost', action: 'resolve' })]);
    expect(r).toMatchObject({ outcome: 'ignored', incidentId: null });
    const row = await store.db
      .selectFrom('alerts')
      .selectAll()
      .where('dedup_key', '=', 'ghost')
      .executeTakeFirst();
    expect(row?.status).toBe('resolved');
    expect(await listIncidents(store, { limit: 10 })).toHaveLength(0);
  });

  it('acknowledge, note and resolve by a person, then re-open when the source fires again', async () => {
    const [opened] = await queue.submit([item({ dedupKey: 'm' })]);
    const id = opened!.incidentId!;
    clock.advance(3 * MIN);
    const acked = await acknowledgeIncident(store, id, 'alice', clock.now().getTime());
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice' });
    expect(await acknowledgeIncident(store, id, 'bob', clock.now().getTime())).toMatchObject({
      acknowledgedBy: 'alice',
    });
    const note = await addNote(store, id, 'alice', 'restarting the consumer', clock.now().getTime());
    expect(note).toMatchObject({ kind: 'note', message: 'restarting the consumer' });
    const resolved = await resolveIncident(store, id, 'alice', clock.now().getTime());
    expect(resolved.state).toBe('resolved');
    await expect(acknowledgeIncident(store, id, 'bob', clock.now().getTime())).rejects.toMatchObject({
      code: 'incident_resolved',
    });
    const [refire] = await queue.submit([item({ dedupKey: 'm' })]);
    expect(refire).toMatchObject({ outcome: 'reopened', incidentId: id });
  });

  it('filters the incident list by state, tier and service', async () => {
    await queue.submit([item({ dedupKey: 'k1', groupKey: 'k1', labels: { tier: 'T1' } })]);
    await queue.submit([item({ dedupKey: 'k2', groupKey: 'k2', labels: { tier: 'T2' } })]);
    await queue.submit([item({ dedupKey: 'g1', groupKey: 'g1' }, 'game-api')]);
    await queue.submit([item({ dedupKey: 'k2', groupKey: 'k2', action: 'resolve' })]);
    expect((await listIncidents(store, { limit: 10, services: ['kafka'] })).length).toBe(2);
    expect((await listIncidents(store, { limit: 10, tiers: ['T1'] })).map((i) => i.title)).toEqual([
      'alert k1',
    ]);
    expect((await listIncidents(store, { limit: 10, states: ['resolved'] })).map((i) => i.title)).toEqual([
      'alert k2',
    ]);
    const page1 = await listIncidents(store, { limit: 2 });
    const page2 = await listIncidents(store, { limit: 2, before: page1[1]!.id });
    expect([...page1, ...page2].map((i) => i.id)).toEqual([3, 2, 1]);
  });

  it('stores text that UTF-8 and PostgreSQL cannot hold (lone surrogates, NUL) as U+FFFD, and still de-duplicates', async () => {
    const [first] = await queue.submit([
      item({
        dedupKey: 'k\uD800',
        groupKey: 'g\u0000',
        summary: 'bad \uDC00 text',
        labels: { 'l\uD800': 'v\u0000' },
      }),
    ]);
    expect(first!.outcome).toBe('opened');
    const [again] = await queue.submit([
      item({ dedupKey: 'k\uD800', groupKey: 'g\u0000', labels: { 'l\uD800': 'v\u0000' } }),
    ]);
    expect(again).toMatchObject({ outcome: 'updated', incidentId: first!.incidentId });
    const detail = await getIncident(store, first!.incidentId!);
    expect(detail.alerts[0]!.dedupKey).toBe('k\uFFFD');
    expect(detail.alerts[0]!.labels).toEqual({ 'l\uFFFD': 'v\uFFFD' });
  });

  it('takes group and dedup keys of any length (PostgreSQL caps index entries at ~2.7 kB)', async () => {
    // Incompressible text: PostgreSQL compresses repeated characters before it checks the size.
    const long = (seed: number) =>
      Array.from({ length: 3000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * seed) % 20000))).join('');
    const [a] = await queue.submit([item({ dedupKey: long(7919), groupKey: long(104729) })]);
    expect(a!.outcome).toBe('opened');
    const [again] = await queue.submit([item({ dedupKey: long(7919), groupKey: long(104729) })]);
    expect(again).toMatchObject({ outcome: 'updated', incidentId: a!.incidentId });
    const [other] = await queue.submit([item({ dedupKey: long(31), groupKey: long(104729) })]);
    expect(other).toMatchObject({ outcome: 'added', incidentId: a!.incidentId });
    expect((await getIncident(store, a!.incidentId!)).alerts[0]!.dedupKey).toBe(long(7919));
  });

  it('keeps one open incident per group under many concurrent submissions', async () => {
    const submissions = Array.from({ length: 50 }, (_, i) => queue.submit([item({ dedupKey: `c${i}` })]));
    const results = (await Promise.all(submissions)).flat();
    expect(new Set(results.map((r) => r.incidentId)).size).toBe(1);
    expect(results.filter((r) => r.outcome === 'opened')).toHaveLength(1);
  });
});
