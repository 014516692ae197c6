import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop, type EngineModule } from './loop.ts';

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
