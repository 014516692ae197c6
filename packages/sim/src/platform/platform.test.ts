import { describe, expect, it } from 'vitest';
import { indexSamples, parseText, sampleKey } from '../exposition/parse.ts';
import { Platform } from './platform.ts';

const START = Date.UTC(2025, 0, 6, 0, 0, 0);

const all = (p: Platform) =>
  p
    .targets()
    .map((j) => `## ${j}\n${p.exposition(j)}`)
    .join('');

describe('Platform', () => {
  it('is deterministic for a seed, and differs between seeds', () => {
    const a = new Platform({ seed: 7, startMs: START });
    const b = new Platform({ seed: 7, startMs: START });
    const c = new Platform({ seed: 8, startMs: START });
    for (const t of [START, START + 61_000, START + 3_600_000, START + 5 * 3_600_000 + 1234]) {
      a.advanceTo(t);
      b.advanceTo(t);
      c.advanceTo(t);
      expect(all(a)).toBe(all(b));
      expect(all(a)).not.toBe(all(c));
    }
  });

  it('gives the same counters whatever the step, with and without faults', () => {
    const fine = new Platform({ seed: 3, startMs: START });
    const coarse = new Platform({ seed: 3, startMs: START });
    const t = START + 6 * 3_600_000;
    fine.advanceTo(t, 1000);
    coarse.advanceTo(t, 120_000);
    expect(fine.exposition('game-api')).toBe(coarse.exposition('game-api'));
  });

  it('keeps counters monotonic and histograms cumulative over a long advance with faults', () => {
    const p = new Platform({ seed: 11, startMs: START });
    const at = START + 3_600_000;
    p.addFault({
      knob: 'http.error_ratio',
      labels: { service: 'game-api' },
      set: 0.4,
      startMs: at,
      endMs: at + 600_000,
    });
    p.addFault({
      knob: 'http.latency_p99_seconds',
      set: 2,
      startMs: at,
      rampMs: 60_000,
      endMs: at + 900_000,
    });
    p.addFault({ knob: 'game.connection_rate', set: 0, startMs: at, endMs: at + 300_000 });
    p.addFault({
      knob: 'k8s.crashloop',
      labels: { pod: 'kafka-1' },
      set: 1,
      startMs: at,
      endMs: at + 300_000,
    });
    p.addFault({ knob: 'genai.latency_p95_seconds', multiply: 4, startMs: at, endMs: at + 300_000 });
    const counterNames = new Set<string>();
    const families = new Map<string, string>();
    for (const j of p.targets())
      for (const line of p.exposition(j).split('\n')) {
        const m = /^# TYPE (\S+) (\S+)$/.exec(line);
        if (m) families.set(m[1]!, m[2]!);
      }
    for (const [name, type] of families) {
      if (type === 'counter') counterNames.add(name);
      if (type === 'histogram') for (const x of ['_bucket', '_sum', '_count']) counterNames.add(name + x);
    }
    const isCounter = (name: string) =>
      counterNames.has(name) || name === 'kafka_topic_partition_current_offset';
    let prev = new Map<string, number>();
    for (let t = START; t <= START + 2 * 3_600_000; t += 30_000) {
      p.advanceTo(t, 5000);
      const samples = p.targets().flatMap((j) => parseText(p.exposition(j)));
      const now = new Map<string, number>();
      for (const s of samples) {
        if (!isCounter(s.name)) continue;
        const k = sampleKey(s);
        now.set(k, s.value);
        const before = prev.get(k);
        if (before !== undefined && s.value < before)
          throw new Error(`${k} went down: ${before} → ${s.value}`);
      }
      // Buckets are cumulative, +Inf equals _count.
      const idx = indexSamples(samples);
      const groups = new Map<string, { le: number; v: number }[]>();
      for (const s of samples.filter((x) => x.name.endsWith('_bucket'))) {
        const { le, ...rest } = s.labels;
        const key = sampleKey({ ...s, labels: rest });
        groups.set(key, [
          ...(groups.get(key) ?? []),
          { le: le === '+Inf' ? Infinity : Number(le), v: s.value },
        ]);
      }
      expect(groups.size).toBe(23);
      for (const [key, buckets] of groups) {
        buckets.sort((a, b) => a.le - b.le);
        for (let i = 1; i < buckets.length; i++)
          expect(buckets[i]!.v).toBeGreaterThanOrEqual(buckets[i - 1]!.v);
        const count = idx.get(key.replace('_bucket{', '_count{'));
        expect(count?.value).toBeCloseTo(buckets.at(-1)!.v, 6);
      }
      prev = now;
    }
    // The faults moved the counters: 500s and restarts grew.
    const ksm = parseText(p.exposition('kube-state-metrics'));
    const restarts = ksm.find(
      (s) => s.name === 'kube_pod_container_status_restarts_total' && s.labels.pod === 'kafka-1',
    );
    expect(restarts!.value).toBeGreaterThanOrEqual(9);
  });

  it('applies set, add, multiply, ramps and ends', () => {
    const p = new Platform({ seed: 1, startMs: START });
    const l = { consumergroup: 'game-state', topic: 'game-events' };
    p.addFault({ knob: 'kafka.brokers', add: -1, startMs: START + 1000, endMs: START + 5000 });
    p.addFault({
      knob: 'kafka.consumer_lag',
      labels: l,
      set: 10_000,
      startMs: START + 10_000,
      rampMs: 10_000,
    });
    p.addFault({
      knob: 'cost.daily_usd',
      labels: { service: 'AmazonEKS' },
      multiply: 3,
      startMs: START + 1000,
    });
    p.advanceTo(START + 2000);
    expect(p.value('kafka.brokers', {})).toBe(2);
    const eks = p.value('cost.daily_usd', { service: 'AmazonEKS' });
    expect(eks).toBeGreaterThan(1500);
    p.advanceTo(START + 15_000);
    const mid = p.value('kafka.consumer_lag', l);
    expect(mid).toBeGreaterThan(4000);
    expect(mid).toBeLessThan(6000);
    p.advanceTo(START + 20_000);
    expect(p.value('kafka.consumer_lag', l)).toBe(10_000);
    expect(p.value('kafka.brokers', {})).toBe(3);
    expect(p.exposition('kafka-exporter')).toContain(
      'kafka_consumergroup_lag_sum{consumergroup="game-state",topic="game-events"} 10000',
    );
  });

  it('refuses faults that do not fit, naming the knob and the fix', () => {
    const p = new Platform({ seed: 1, startMs: START });
    expect(() => p.addFault({ knob: 'kafka.lag', set: 1, startMs: START })).toThrow(
      /unknown knob "kafka.lag"; use one of: .*kafka.consumer_lag/,
    );
    expect(() => p.addFault({ knob: 'kafka.brokers', set: 1, add: 2, startMs: START })).toThrow(
      /exactly one of set, add or multiply/,
    );
    expect(() => p.addFault({ knob: 'kafka.brokers', startMs: START })).toThrow(/got none/);
    expect(() =>
      p.addFault({ knob: 'kafka.consumer_lag', labels: { consumergroup: 'nope' }, set: 1, startMs: START }),
    ).toThrow(/match no instance; instances are \{consumergroup=narrative-workers,topic=player-actions\}/);
    expect(() => p.value('kafka.consumer_lag', { consumergroup: 'narrative-workers' })).toThrow(
      /match 2 instances/,
    );
  });

  it('lists knobs with their label sets and the targets by job', () => {
    const p = new Platform({ seed: 1, startMs: START });
    const knobs = p.knobs();
    expect(knobs.length).toBeGreaterThanOrEqual(40);
    expect(knobs.find((k) => k.knob === 'kafka.consumer_lag')!.labels).toContainEqual({
      consumergroup: 'narrative-workers',
      topic: 'player-actions',
    });
    expect(p.targets()).toEqual([
      'kafka-exporter',
      'kafka-jmx',
      'node-exporter',
      'yace',
      'kube-state-metrics',
      'kubelet',
      'blackbox',
      'klaxon-bedrock-prober',
      'game-backend',
      'game-api',
      'narrative',
      'klaxon-cost-exporter',
      'klaxon-redshift-exporter',
    ]);
    const total = p.targets().reduce((s, j) => s + parseText(p.exposition(j)).length, 0);
    expect(total).toBeGreaterThan(250);
    expect(total).toBeLessThan(560);
  });
});
