/**
 * The shared outbox loop on SQLite: a tick claims each due row once and hands it over after the commit,
 * `drain()` waits for sends in flight, a row abandoned in `sending` is claimed again once stale, and the
 * retry delay stays within its backoff and jitter bounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/clock.ts';
import { createDatabase, type KlaxonDatabase } from '../db/database.ts';
import type { GrafanaAnnotationRow } from '../db/tables.ts';
import { EngineLoop } from './loop.ts';
import { outboxWorker, retryDelayMs, type OutboxWorkerOptions } from './outbox.ts';

const START = Date.parse('2026-03-08T07:00:00Z');
const STALE_MS = 60_000;
const EVERY_MS = 1000;

describe('outbox worker (sqlite)', () => {
  let dir: string;
  let store: KlaxonDatabase;
  let clock: FakeClock;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'klaxon-outbox-'));
    store = createDatabase({ dialect: 'sqlite', path: join(dir, 'klaxon.db') });
    await store.migrate();
    clock = new FakeClock(START);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function insert(
    ref: string,
    o: { dueAt: number; status?: 'queued' | 'sending' | 'sent'; updatedAt?: number },
  ): Promise<number> {
    const row = await store.db
      .insertInto('grafana_annotations')
      .values({
        ref,
        body: '{}',
        status: o.status ?? 'queued',
        due_at: o.dueAt,
        created_at: START - 600_000,
        updated_at: o.updatedAt ?? START - 600_000,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  function setup(
    deliver: OutboxWorkerOptions<'grafana_annotations'>['deliver'],
    o: { claimLimit?: number } = {},
  ) {
    const worker = outboxWorker({
      name: 'test-outbox',
      table: 'grafana_annotations',
      everyMs: EVERY_MS,
      claimLimit: o.claimLimit ?? 10,
      staleMs: STALE_MS,
      deliver,
    });
    const loop = new EngineLoop({ store, clock, modules: [worker.module], intervalMs: 50 });
    return { worker, loop };
  }

  const status = async (id: number) =>
    store.db
      .selectFrom('grafana_annotations')
      .select(['status', 'attempts', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('claims the due rows once, oldest first, up to the limit, and sends them after the commit', async () => {
    const late = await insert('late', { dueAt: START - 1000 });
    const early = await insert('early', { dueAt: START - 5000 });
    const now = await insert('now', { dueAt: START });
    const future = await insert('future', { dueAt: START + 60_000 });
    await insert('done', { dueAt: START - 9000, status: 'sent' });
    const batches: GrafanaAnnotationRow[][] = [];
    const { worker, loop } = setup(
      async (rows) => {
        // After the commit: the claim is visible from outside the tick's transaction.
        const seen = await store.db
          .selectFrom('grafana_annotations')
          .select('status')
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        expect(seen.every((r) => r.status === 'sending')).toBe(true);
        batches.push(rows);
      },
      { claimLimit: 2 },
    );
    expect(worker.module).toMatchObject({ name: 'test-outbox', everyMs: EVERY_MS });

    expect((await loop.runOnce()).ran).toEqual(['test-outbox']);
    await worker.drain();
    expect(batches.map((b) => b.map((r) => [r.ref, r.attempts]))).toEqual([
      [
        ['early', 1],
        ['late', 1],
      ],
    ]);
    expect(await status(early)).toMatchObject({ status: 'sending', attempts: 1, updated_at: START });

    // The next tick takes what the limit left over, not the rows already sending.
    clock.advance(EVERY_MS);
    await loop.runOnce();
    await worker.drain();
    expect(batches.slice(1).map((b) => b.map((r) => r.ref))).toEqual([['now']]);

    // Nothing is due any more until the future row is; a tick within everyMs does not even run.
    clock.advance(EVERY_MS);
    await loop.runOnce();
    expect(await loop.runOnce()).toMatchObject({ ran: [] });
    await worker.drain();
    expect(batches).toHaveLength(2);
    expect(await status(late)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await status(future)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await status(now)).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('drain() waits for every send in flight, from ticks and dispatch(), and survives a failed one', async () => {
    await insert('a', { dueAt: START });
    const releases: (() => void)[] = [];
    const started: string[] = [];
    const { worker, loop } = setup((rows) => {
      started.push(...rows.map((r) => r.ref));
      if (rows[0]!.ref === 'broken') return Promise.reject(new Error('boom'));
      return new Promise<void>((resolve) => releases.push(resolve));
    });
    await loop.runOnce();
    expect(started).toEqual(['a']);
    const handed = await store.db
      .selectFrom('grafana_annotations')
      .selectAll()
      .where('ref', '=', 'a')
      .executeTakeFirstOrThrow();
    worker.dispatch([{ ...handed, ref: 'b' }]);
    worker.dispatch([{ ...handed, ref: 'broken' }]);
    expect(started).toEqual(['a', 'b', 'broken']);

    let drained = false;
    const draining = worker.drain().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    releases[0]!();
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    releases[1]!();
    await draining;
    expect(drained).toBe(true);
    // Nothing in flight: resolves at once.
    await worker.drain();
  });

  it('claims a row stuck in sending past staleMs again, with one more attempt', async () => {
    const stuck = await insert('stuck', {
      dueAt: START - 120_000,
      status: 'sending',
      updatedAt: START - STALE_MS - 1,
    });
    const busy = await insert('busy', { dueAt: START - 120_000, status: 'sending', updatedAt: START - 1000 });
    await store.db.updateTable('grafana_annotations').set({ attempts: 2 }).execute();
    const claimed: GrafanaAnnotationRow[] = [];
    const { worker, loop } = setup((rows) => {
      claimed.push(...rows);
      return Promise.resolve();
    });
    await loop.runOnce();
    await worker.drain();
    expect(claimed.map((r) => [r.ref, r.attempts])).toEqual([['stuck', 3]]);
    expect(await status(stuck)).toMatchObject({ status: 'sending', attempts: 3, updated_at: START });
    expect(await status(busy)).toMatchObject({ status: 'sending', attempts: 2 });

    // The send that has it now is still in time: not claimed again until it too is stale.
    clock.advance(STALE_MS);
    await loop.runOnce();
    await worker.drain();
    expect(claimed.map((r) => r.ref)).toEqual(['stuck', 'busy']);
    clock.advance(EVERY_MS);
    await loop.runOnce();
    await worker.drain();
    expect(claimed.map((r) => [r.ref, r.attempts])).toEqual([
      ['stuck', 3],
      ['busy', 3],
      ['stuck', 4],
    ]);
  });
});

describe('retryDelayMs', () => {
  const fixed = (v: number) => () => v;

  it('doubles from baseMs per attempt, times a jitter between 0.5 and 1', () => {
    const o = { baseMs: 5000, maxMs: 300_000 };
    expect(retryDelayMs({ ...o, attempt: 1, random: fixed(0) })).toBe(2500);
    expect(retryDelayMs({ ...o, attempt: 1, random: fixed(1) })).toBe(5000);
    expect(retryDelayMs({ ...o, attempt: 1, random: fixed(0.5) })).toBe(3750);
    expect(retryDelayMs({ ...o, attempt: 3, random: fixed(0) })).toBe(10_000);
    expect(retryDelayMs({ ...o, attempt: 3, random: fixed(1) })).toBe(20_000);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const backoff = Math.min(300_000, 5000 * 2 ** (attempt - 1));
      const d = retryDelayMs({ ...o, attempt, random: Math.random });
      expect(d).toBeGreaterThanOrEqual(backoff / 2);
      expect(d).toBeLessThanOrEqual(backoff);
    }
  });

  it('caps the backoff at maxMs before the jitter', () => {
    const o = { baseMs: 5000, maxMs: 60_000 };
    expect(retryDelayMs({ ...o, attempt: 10, random: fixed(1) })).toBe(60_000);
    expect(retryDelayMs({ ...o, attempt: 10, random: fixed(0) })).toBe(30_000);
  });

  it('waits at least atLeastMs (Retry-After), and no longer when the backoff is longer', () => {
    const o = { baseMs: 1000, maxMs: 60_000, random: fixed(0) };
    expect(retryDelayMs({ ...o, attempt: 1, atLeastMs: 30_000 })).toBe(30_000);
    expect(retryDelayMs({ ...o, attempt: 6, atLeastMs: 1000 })).toBe(16_000);
    expect(retryDelayMs({ ...o, attempt: 1, atLeastMs: 0 })).toBe(500);
  });
});
