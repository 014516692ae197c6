/**
 * A reload is atomic per ingest request and per engine tick: what a generation's routes submit is applied
 * with that generation's config even when the next one is already running, a batch never mixes two
 * configs, and an engine cycle in progress finishes with the modules it began with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore, ONCALL_YAML, testConfig } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop, type EngineModule } from '../engine/loop.ts';
import { IngestQueue } from '../ingest/queue.ts';
import type { IngestItem } from '../alerts/alert.ts';

// Monday 2026-03-30 09:00Z.
const NOW = '2026-03-30T09:00:00Z';
const MAINTENANCE = `maintenance: [{ service: kafka, from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z' }]\n`;

let store: KlaxonDatabase | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const item = (dedupKey: string): IngestItem => ({
  serviceId: 'kafka',
  source: 'alertmanager',
  integration: 'am',
  actor: 'am',
  defaultTier: 'T1',
  alert: {
    action: 'trigger',
    dedupKey,
    groupKey: dedupKey,
    summary: dedupKey,
    labels: { alertname: dedupKey },
    annotations: {},
    details: {},
    generatorUrl: null,
    startsAt: null,
    endsAt: null,
  },
});

describe('ingest across a reload', () => {
  it('applies each submission with the config of the generation that took it, in batches of one config', async () => {
    store = await createTestStore('sqlite');
    const clock = new FakeClock(NOW);
    const inMaintenance = testConfig('', ONCALL_YAML + MAINTENANCE);
    const paging = testConfig('', ONCALL_YAML);
    const root = new IngestQueue(store, clock, { reopenWindowMs: 3_600_000, config: inMaintenance });
    const batches: number[] = [];
    root.onCommit((items) => batches.push(items.length));
    const old = root.withConfig(inMaintenance);
    const next = root.withConfig(paging);
    // Submitted in the same tick, so they would share one batch if configs were not kept apart.
    const [a, b, c] = await Promise.all([
      old.submit([item('old-1')]),
      next.submit([item('new-1')]),
      old.submit([item('old-2')]),
    ]);
    expect(a[0]).toMatchObject({ outcome: 'opened' });
    expect(a[0]!.notifies).toBeUndefined(); // in maintenance: nobody paged
    expect(b[0]).toMatchObject({ outcome: 'opened', notifies: true });
    expect(c[0]!.notifies).toBeUndefined();
    expect(batches).toEqual([1, 1, 1]);

    // setConfig changes what is submitted to the root from then on.
    root.setConfig(paging);
    const [d] = await root.submit([item('root-1')]);
    expect(d).toMatchObject({ outcome: 'opened', notifies: true });
  });
});

describe('engine modules across a reload', () => {
  it('finishes a cycle with the modules it began with and runs the new list from the next one', async () => {
    store = await createTestStore('sqlite');
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const mod = (name: string, wait?: Promise<void>): EngineModule => ({
      name,
      async tick() {
        ran.push(name);
        if (wait) await wait;
      },
    });
    const loop = new EngineLoop({
      store,
      clock: new FakeClock(NOW),
      modules: [mod('old-a', gate), mod('old-b')],
      intervalMs: 60_000,
    });
    const cycle = loop.runOnce();
    await new Promise((r) => setTimeout(r, 20));
    loop.setModules([mod('new-a'), mod('new-b')], 500);
    release();
    expect((await cycle).ran).toEqual(['old-a', 'old-b']);
    expect((await loop.runOnce()).ran).toEqual(['new-a', 'new-b']);
    expect(ran).toEqual(['old-a', 'old-b', 'new-a', 'new-b']);
    expect(loop.modules.map((m) => m.name)).toEqual(['new-a', 'new-b']);
  });
});
