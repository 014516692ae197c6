/**
 * The `klaxon_oncall_*` gauges come from the in-memory AnalyticsCache: scrapes do not run the analytics
 * computation (only the first one of a process waits for it), and stale figures are refreshed in the
 * background once they are older than the refresh interval by the engine's clock.
 */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { FakeClock } from '../clock/clock.ts';
import type { Analytics } from './analytics.ts';
import { AnalyticsCache } from './cache.ts';
import { registerAnalyticsGauges } from './gauges.ts';

const figures = (mtta: number): Analytics => ({
  from: '',
  to: '',
  total: {
    incidents: 1,
    alertsReceived: 1,
    pagesSent: 1,
    noiseRatio: 1,
    mttaSeconds: mtta,
    mttrSeconds: null,
    t1AckedWithin5m: 0.5,
  },
  byTier: {
    T1: {
      incidents: 1,
      alertsReceived: 1,
      pagesSent: 1,
      noiseRatio: 1,
      mttaSeconds: mtta,
      mttrSeconds: null,
      t1AckedWithin5m: 0.5,
    },
  },
  byService: {},
  offHoursPages: [{ user: 'alice', pages: 2 }],
  pagesPerWeek: [],
  advisories: { opened: 0, unreviewed: 0, reviewedWithinOneBusinessDay: null, dismissedAsNoise: [] },
});

const settle = () => new Promise((r) => setImmediate(r));

describe('analytics gauges', () => {
  it('serve scrapes from the cache and refresh it in the background when stale', async () => {
    const clock = new FakeClock('2026-03-30T09:00:00Z');
    let computed = 0;
    let mtta = 100;
    const cache = new AnalyticsCache(
      () => {
        computed++;
        return Promise.resolve(figures(mtta));
      },
      { clock, refreshMs: 60_000 },
    );
    const registry = new Registry();
    registerAnalyticsGauges(registry, () => cache.get());
    const scrape = async () => {
      const text = await registry.metrics();
      return /klaxon_oncall_mtta_seconds\{tier="T1"\} (\d+)/.exec(text)?.[1];
    };

    // The first scrape of a process waits for the first computation; all six gauges share it.
    expect(await scrape()).toBe('100');
    expect(computed).toBe(1);
    mtta = 200;
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      expect(await scrape()).toBe('100');
      await settle();
    }
    expect(computed).toBe(1);

    // 60 s old: this scrape still answers from memory, and starts one refresh after it.
    clock.advance(10_000);
    expect(await scrape()).toBe('100');
    expect(computed).toBe(1);
    await settle();
    await settle();
    expect(computed).toBe(2);
    expect(await scrape()).toBe('200');
    await settle();
    expect(computed).toBe(2);
    expect(await registry.metrics()).toContain('klaxon_oncall_offhours_pages{user="alice"} 2');
  });

  it('keeps the last figures when a refresh fails', async () => {
    const clock = new FakeClock('2026-03-30T09:00:00Z');
    let fail = false;
    const errors: unknown[] = [];
    const cache = new AnalyticsCache(
      () => (fail ? Promise.reject(new Error('database gone')) : Promise.resolve(figures(100))),
      { clock, refreshMs: 1000, onError: (e) => errors.push(e) },
    );
    expect((await cache.get()).total.mttaSeconds).toBe(100);
    fail = true;
    clock.advance(5000);
    expect((await cache.get()).total.mttaSeconds).toBe(100);
    await settle();
    await settle();
    expect(errors).toHaveLength(1);
    expect((await cache.get()).total.mttaSeconds).toBe(100);
  });
});
