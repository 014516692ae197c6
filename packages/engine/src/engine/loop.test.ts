import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop, type EngineModule, type LoopTimers } from './loop.ts';

/** Timers that only record what the loop armed; `fire()` runs the armed one, as time passing would. */
class FakeTimers implements LoopTimers {
  armed: { fn: () => void; ms: number } | null = null;
  readonly delays: number[] = [];
  set(fn: () => void, ms: number): unknown {
    this.armed = { fn, ms };
    this.delays.push(ms);
    return this.armed;
  }
  clear(handle: unknown): void {
    if (handle === this.armed) this.armed = null;
  }
  fire(): void {
    const armed = this.armed;
    this.armed = null;
    armed?.fn();
  }
}

/** Resolves once the loop has armed its next wake (the cycle and its due-time reads are done). */
async function armed(loop: EngineLoop, timers: FakeTimers): Promise<number> {
  for (let i = 0; i < 200 && (timers.armed === null || loop.wakeAt === null); i++)
    await new Promise((r) => setTimeout(r, 5));
  if (!timers.armed) throw new Error('the loop never armed its timer');
  return timers.armed.ms;
}

describe.each(DIALECTS)('engine loop on %s', (dialect) => {
  let store: KlaxonDatabase;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
  });
  afterEach(async () => {
    await store?.close();
  });

  it('runs every module with the injected clock, and keeps going when one fails', async () => {
    const clock = new FakeClock('2026-03-08T06:59:00Z');
    const seen: string[] = [];
    const modules: EngineModule[] = [
      { name: 'broken', tick: () => Promise.reject(new Error('boom')) },
      {
        name: 'recorder',
        tick: async ({ now, trx }) => {
          await sql`select 1`.execute(trx);
          seen.push(now.toISOString());
        },
      },
    ];
    const errors: string[] = [];
    const loop = new EngineLoop({ store, clock, modules, intervalMs: 1000, onError: (m) => errors.push(m) });
    expect(await loop.runOnce()).toEqual({ ran: ['recorder'], skipped: [], failed: ['broken'] });
    clock.advance(5 * 60_000);
    await loop.runOnce();
    expect(seen).toEqual(['2026-03-08T06:59:00.000Z', '2026-03-08T07:04:00.000Z']);
    expect(errors).toEqual(['broken', 'broken']);
  });

  it('cycles on its interval once started, and stops cleanly', async () => {
    let ticks = 0;
    const loop = new EngineLoop({
      store,
      clock: new FakeClock(0),
      modules: [{ name: 'count', tick: () => Promise.resolve(void ticks++) }],
      intervalMs: 50,
    });
    loop.start();
    await new Promise((r) => setTimeout(r, 400));
    await loop.stop();
    const after = ticks;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 150));
    expect(ticks).toBe(after);
  });
});

describe.each(DIALECTS)('engine loop wake-ups on %s', (dialect) => {
  let store: KlaxonDatabase;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
  });
  afterEach(async () => {
    await store?.close();
  });

  it('sleeps until the earliest due row, not the next interval, and runs then', async () => {
    const clock = new FakeClock('2026-03-08T06:59:00Z');
    const timers = new FakeTimers();
    let due: number | null = clock.now().getTime() + 1234;
    const seen: number[] = [];
    const loop = new EngineLoop({
      store,
      clock,
      timers,
      intervalMs: 250_000,
      modules: [
        {
          name: 'steps',
          tick: ({ now }) => Promise.resolve(void seen.push(now.getTime())),
          nextDueAt: () => Promise.resolve(due),
        },
        { name: 'plain', tick: () => Promise.resolve() },
      ],
    });
    loop.start();
    expect(await armed(loop, timers)).toBe(1234);
    expect(loop.wakeAt).toBe(due);
    clock.advance(1234);
    due = null;
    timers.fire();
    // Nothing due any more: back to the interval.
    expect(await armed(loop, timers)).toBe(250_000);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]! + 1234);
    await loop.stop();
    expect(timers.armed).toBeNull();
  });

  it('wakes earlier when this process schedules work sooner than the planned wake-up (wakeBy)', async () => {
    const clock = new FakeClock(0);
    const timers = new FakeTimers();
    const loop = new EngineLoop({
      store,
      clock,
      timers,
      intervalMs: 250_000,
      modules: [{ name: 'steps', tick: () => Promise.resolve(), nextDueAt: () => Promise.resolve(null) }],
    });
    loop.wakeBy(10); // not started: ignored
    loop.start();
    expect(await armed(loop, timers)).toBe(250_000);
    loop.wakeBy(400);
    expect([timers.armed?.ms, loop.wakeAt]).toEqual([400, 400]);
    loop.wakeBy(900);
    expect(loop.wakeAt).toBe(400);
    await loop.stop();
  });

  it('goes again at once when work is still due, backs off when the same row stays due', async () => {
    const clock = new FakeClock(0);
    const timers = new FakeTimers();
    const loop = new EngineLoop({
      store,
      clock,
      timers,
      intervalMs: 250,
      modules: [{ name: 'stuck', tick: () => Promise.resolve(), nextDueAt: () => Promise.resolve(-5) }],
    });
    loop.start();
    expect(await armed(loop, timers)).toBe(0);
    timers.fire();
    expect(await armed(loop, timers)).toBeGreaterThan(0);
    expect(timers.armed!.ms).toBeLessThan(250);
    await loop.stop();
  });

  it('ignores the due rows of a module that failed or waits out `everyMs`', async () => {
    const clock = new FakeClock(0);
    const timers = new FakeTimers();
    const loop = new EngineLoop({
      store,
      clock,
      timers,
      intervalMs: 250,
      modules: [
        {
          name: 'broken',
          tick: () => Promise.reject(new Error('boom')),
          nextDueAt: () => Promise.resolve(0),
        },
        { name: 'slow', everyMs: 200, tick: () => Promise.resolve(), nextDueAt: () => Promise.resolve(10) },
      ],
    });
    loop.start();
    expect(await armed(loop, timers)).toBe(200);
    await loop.stop();
  });
});

describe.skipIf(skipPostgres('postgres'))('engine loop across two replicas on PostgreSQL', () => {
  it('runs a module on only one replica at a time', async () => {
    const a = await createTestStore('postgres');
    // Two loops on separate pool connections behave like two replicas: the advisory lock is per transaction.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside = 0;
    let maxInside = 0;
    const slow: EngineModule = {
      name: 'exclusive',
      tick: async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await held;
        inside--;
      },
    };
    const clock = new FakeClock(0);
    const first = new EngineLoop({ store: a, clock, modules: [slow], intervalMs: 1000 }).runOnce();
    await new Promise((r) => setTimeout(r, 100));
    const second = await new EngineLoop({ store: a, clock, modules: [slow], intervalMs: 1000 }).runOnce();
    expect(second).toEqual({ ran: [], skipped: ['exclusive'], failed: [] });
    release();
    expect(await first).toEqual({ ran: ['exclusive'], skipped: [], failed: [] });
    expect(maxInside).toBe(1);
    await a.close();
  });
});
