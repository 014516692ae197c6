import { holds } from '@klaxon/catalog';
import { describe, expect, it } from 'vitest';
import { parseText, type Sample } from '../exposition/parse.ts';
import { thresholdOf } from '../model/knob.ts';
import { KNOBS } from '../model/knobs.ts';
import { BLIP_MAX_MS } from '../model/random.ts';
import { Platform } from './platform.ts';

const START = Date.UTC(2025, 4, 12, 3, 17);
const HOUR = 3_600_000;

describe('a quiet day', () => {
  it('keeps every knob inside its thresholds for 8 days (blip knobs aside)', () => {
    const p = new Platform({ seed: 2025, startMs: START });
    const problems: string[] = [];
    for (let t = START; t < START + 8 * 24 * HOUR; t += 60_000 + 137) {
      p.advanceTo(t);
      for (const k of KNOBS) {
        if (k.blip) continue;
        for (const a of k.alerts) {
          if (a.aggregate === 'sum') {
            const sum = k.instances.reduce((s, l) => s + p.value(k.name, l), 0);
            if (holds(a.op, sum, thresholdOf(a, {}))) problems.push(`${k.name} sum ${a.alertname} at ${t}`);
            continue;
          }
          for (const l of k.instances) {
            const v = p.value(k.name, l);
            const x = a.relative ? v / k.wave!(l, p.seed).c : v;
            if (holds(a.op, x, thresholdOf(a, l)))
              problems.push(`${k.name}${JSON.stringify(l)}=${x} ${a.alertname} ${a.tier}`);
          }
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('crosses thresholds only in blips of at most 4 s, about once a minute per series', () => {
    const p = new Platform({ seed: 2025, startMs: START });
    const blipKnobs = KNOBS.filter((k) => k.blip);
    expect(blipKnobs.map((k) => k.name).sort()).toEqual([
      'bedrock.latency_p95_ms',
      'bedrock.throttles',
      'bedrock.ttft_ms',
      'kafka.consumer_lag',
      'redshift.cpu_pct',
      'redshift.wlm_queue_length',
    ]);
    const runs = new Map<string, number>();
    const counts = new Map<string, number>();
    const span = 3 * HOUR;
    for (let t = START; t < START + span; t += 1000) {
      p.advanceTo(t);
      for (const k of blipKnobs)
        for (const l of k.instances) {
          const key = `${k.name}${JSON.stringify(l)}`;
          const v = p.value(k.name, l);
          const over = k.alerts.some((a) => holds(a.op, v, thresholdOf(a, l)));
          const run = over ? (runs.get(key) ?? 0) + 1 : 0;
          if (run === 1) counts.set(key, (counts.get(key) ?? 0) + 1);
          runs.set(key, run);
          expect(run * 1000, key).toBeLessThanOrEqual(BLIP_MAX_MS);
        }
    }
    const minutes = span / 60_000;
    for (const [key, n] of counts) {
      expect(n / minutes, key).toBeGreaterThan(0.4);
      expect(n / minutes, key).toBeLessThan(1.2);
    }
    expect(counts.size).toBe(blipKnobs.reduce((s, k) => s + k.instances.length, 0));
  });

  it('keeps the rule expressions over counters and histograms quiet (demo windows of 10 s)', () => {
    const p = new Platform({ seed: 77, startMs: START });
    const problems: string[] = [];
    for (let t = START + HOUR; t < START + 25 * HOUR; t += 2 * HOUR + 7 * 60_000) {
      p.advanceTo(t);
      const a = p.targets().flatMap((j) => parseText(p.exposition(j)));
      p.advanceTo(t + 10_000);
      const b = p.targets().flatMap((j) => parseText(p.exposition(j)));
      const rate = rates(a, b);
      const check = (what: string, v: number, op: '>' | '<', limit: number) => {
        if (!Number.isFinite(v) || holds(op, v, limit))
          problems.push(`${what}=${v} at ${new Date(t).toISOString()}`);
      };
      for (const [g, q] of quantiles(rate, 'http_server_request_duration_seconds', 'service_name', 0.99))
        check(`http p99 ${g}`, q, '>', 0.5);
      for (const [g, q] of quantiles(rate, 'narrative_generation_duration_seconds', 'story_type', 0.95))
        check(`narrative p95 ${g}`, q, '>', 5);
      for (const [g, q] of quantiles(rate, 'ai_agent_response_duration_seconds', 'agent', 0.95))
        check(`agent p95 ${g}`, q, '>', 3);
      for (const [g, q] of quantiles(
        rate,
        'gen_ai_client_operation_duration_seconds',
        'gen_ai_request_model',
        0.95,
      ))
        check(`genai p95 ${g}`, q, '>', 3);
      const ratio = (num: (s: Sample) => boolean, den: (s: Sample) => boolean, by: string) => {
        const n = sumBy(rate.filter(num), by);
        const d = sumBy(rate.filter(den), by);
        return [...d].map(([g, v]) => [g, (n.get(g) ?? 0) / v] as const);
      };
      const named =
        (name: string, extra: (s: Sample) => boolean = () => true) =>
        (s: Sample) =>
          s.name === name && extra(s);
      for (const [g, v] of ratio(
        named('http_server_request_duration_seconds_count', (s) =>
          s.labels.http_response_status_code!.startsWith('5'),
        ),
        named('http_server_request_duration_seconds_count'),
        'service_name',
      ))
        check(`http 5xx ${g}`, v, '>', 0.01);
      for (const [g, v] of ratio(
        named('gen_ai_client_operation_duration_seconds_count', (s) => !!s.labels.error_type),
        named('gen_ai_client_operation_duration_seconds_count'),
        'gen_ai_request_model',
      ))
        check(`genai errors ${g}`, v, '>', 0.02);
      for (const [g, v] of ratio(
        named('narrative_requests_total', (s) => s.labels.outcome === 'error'),
        named('narrative_requests_total'),
        'story_type',
      ))
        check(`narrative errors ${g}`, v, '>', 0.05);
      for (const [g, v] of ratio(
        named('game_server_connection_failures_total'),
        named('game_server_connection_attempts_total'),
        'region',
      ))
        check(`game failures ${g}`, v, '>', 0.1);
      for (const [g, v] of ratio(
        named('kafka_server_brokertopicmetrics_failedproducerequests_total'),
        named('kafka_server_brokertopicmetrics_totalproducerequests_total'),
        'topic',
      ))
        check(`producer failures ${g}`, v, '>', 0.01);
      const throughput = sumBy(rate.filter(named('kafka_topic_partition_current_offset')), 'topic');
      expect(throughput.size).toBe(4);
      for (const [g, v] of throughput) check(`throughput ${g}`, v, '<', 20);
    }
    expect(problems).toEqual([]);
  });
});

const key = (s: Sample) => `${s.name}${JSON.stringify(s.labels)}`;

/** Per-second increase between two scrapes 10 s apart. */
function rates(a: Sample[], b: Sample[]): Sample[] {
  const before = new Map(a.map((s) => [key(s), s.value]));
  return b.flatMap((s) => {
    const v = before.get(key(s));
    return v === undefined ? [] : [{ ...s, value: (s.value - v) / 10 }];
  });
}

function sumBy(samples: Sample[], by: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) out.set(s.labels[by]!, (out.get(s.labels[by]!) ?? 0) + s.value);
  return out;
}

/** histogram_quantile(q, sum by (le, by) (rate(x_bucket[10s]))), as Prometheus interpolates it. */
function quantiles(rate: Sample[], name: string, by: string, q: number): Map<string, number> {
  const groups = new Map<string, Map<number, number>>();
  for (const s of rate.filter((x) => x.name === `${name}_bucket`)) {
    const g = groups.get(s.labels[by]!) ?? new Map<number, number>();
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    g.set(le, (g.get(le) ?? 0) + s.value);
    groups.set(s.labels[by]!, g);
  }
  const out = new Map<string, number>();
  for (const [g, buckets] of groups) {
    const sorted = [...buckets].sort((x, y) => x[0] - y[0]);
    const total = sorted.at(-1)![1];
    const rank = q * total;
    let prevLe = 0;
    let prevCount = 0;
    for (const [le, count] of sorted) {
      if (count >= rank) {
        out.set(
          g,
          le === Infinity ? prevLe : prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount),
        );
        break;
      }
      prevLe = le;
      prevCount = count;
    }
  }
  return out;
}
