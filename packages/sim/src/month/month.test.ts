import { describe, expect, it } from 'vitest';
import { JOBS } from '../jobs.ts';
import { Platform } from '../platform/platform.ts';
import { crosses, limitsOf, visibleMs } from './limits.ts';
import { isNight, isWeekend, monthPlan, type TruthEvent } from './plan.ts';
import { signalQualityMarkdown } from './report.ts';
import { scoreMonth, type IncidentLike } from './score.ts';
import { baseOf, seenValue } from './templates.ts';

const START = Date.UTC(2026, 10, 1);
const MIN = 60_000;
const HOUR = 3_600_000;
const SEEDS = [1, 2, 3, 18, 99];
const plans = SEEDS.map((seed) => monthPlan({ seed, startMs: START }));
const count = (events: TruthEvent[], kind: string) => events.filter((e) => e.kind === kind).length;
const holdOf = (e: TruthEvent) => e.faults[0]!.endMs! - e.faults[0]!.startMs;
const valueOf = (e: TruthEvent) => e.faults[0]!.set!;

describe('the month plan', () => {
  it('is the same for a seed and differs between seeds', () => {
    expect(monthPlan({ seed: 18, startMs: START })).toEqual(plans[3]);
    expect(new Set(plans.map((p) => p.key)).size).toBe(SEEDS.length);
  });

  it('has the promised mix', () => {
    for (const p of plans) {
      expect(count(p.events, 't1')).toBeGreaterThanOrEqual(4);
      expect(count(p.events, 't1')).toBeLessThanOrEqual(6);
      expect(count(p.events, 't2')).toBe(12);
      expect(count(p.events, 'near-miss')).toBe(12);
      expect(count(p.events, 'deploy')).toBe(12);
      expect(count(p.events, 'blip')).toBe(45);
      expect(count(p.events, 'gap')).toBe(30);
      expect(p.events.every((e) => e.startMs >= p.startMs && e.endMs <= p.endMs)).toBe(true);
    }
  });

  it('puts T1 incidents on weekends and at night too, and deploys in weekday working hours', () => {
    for (const p of plans) {
      const t1 = p.events.filter((e) => e.kind === 't1');
      expect(t1.some((e) => isWeekend(e.startMs))).toBe(true);
      expect(t1.some((e) => isNight(e.startMs) && !isWeekend(e.startMs))).toBe(true);
      for (const d of p.events.filter((e) => e.kind === 'deploy')) {
        const at = new Date(d.startMs);
        expect([1, 2, 3, 4]).toContain(at.getUTCDay());
        expect(at.getUTCHours()).toBeGreaterThanOrEqual(10);
        expect(at.getUTCHours()).toBeLessThan(16);
      }
    }
  });

  it('holds every real incident past its rule’s for: and range window, a T2 under its T1', () => {
    for (const p of plans)
      for (const e of p.events.filter((x) => x.kind === 't1' || x.kind === 't2')) {
        const f = e.faults[0]!;
        const limits = limitsOf(f.knob, f.labels ?? {});
        const want = e.alerts.find((a) => a.page)!;
        const l = limits.find((x) => x.alert === want.alert && x.tier === want.tier)!;
        expect(crosses(l, valueOf(e)), e.description).toBe(true);
        expect(holdOf(e)).toBeGreaterThanOrEqual(l.forMs + l.windowMs + p.stepMs + 10 * MIN);
        if (e.kind === 't2')
          for (const t1 of limits.filter((x) => x.alert === want.alert && x.tier === 'T1'))
            expect(crosses(t1, valueOf(e)), e.description).toBe(false);
      }
  });

  it('keeps near-misses, blips and deploys short of every for: as the rules see them', () => {
    for (const p of plans)
      for (const e of p.events.filter((x) => ['near-miss', 'blip', 'deploy'].includes(x.kind)))
        for (const f of e.faults) {
          const hold = f.endMs! - f.startMs;
          const base = baseOf(f.knob, f.labels ?? {});
          for (const l of limitsOf(f.knob, f.labels ?? {}).filter((x) => !x.aggregate)) {
            if (!crosses(l, seenValue(l, f.set!, hold, base))) continue;
            expect(e.kind, `${e.description} crosses ${l.alert} ${l.tier}`).not.toBe('deploy');
            expect(visibleMs(l, hold, p.stepMs), e.description).toBeLessThanOrEqual(l.forMs - 2 * MIN);
          }
        }
  });

  it('lists what a near-miss must not page, and nothing for a close call it never crosses', () => {
    const p = plans[3]!;
    const spike = p.events.find((e) => e.template === 'lag-spike')!;
    expect(spike.alerts.map((a) => `${a.alert} ${a.tier} ${a.page}`).sort()).toEqual([
      'KafkaConsumerLag T1 false',
      'KafkaConsumerLag T2 false',
    ]);
    for (const e of p.events.filter((x) => x.template.endsWith('-close'))) {
      const f = e.faults[0]!;
      expect(
        limitsOf(f.knob, f.labels ?? {}).some((l) => crosses(l, f.set!)),
        e.description,
      ).toBe(false);
    }
  });

  it('keeps events apart: real ones and near-misses by 3 hours, blips and gaps by an hour', () => {
    for (const p of plans) {
      const big = p.events.filter((e) => !['blip', 'gap'].includes(e.kind));
      for (const [i, a] of p.events.entries())
        for (const b of p.events.slice(i + 1)) {
          const apart = big.includes(a) && big.includes(b) ? 3 * HOUR : HOUR;
          expect(
            Math.max(a.startMs, b.startMs) - Math.min(a.endMs, b.endMs),
            `${a.id} ${b.id}`,
          ).toBeGreaterThanOrEqual(apart);
        }
    }
  });

  it('makes gaps of 2–4 minutes on real jobs, and the platform accepts every fault', () => {
    const jobs = JOBS.map((j) => j.job);
    for (const p of plans) {
      expect(p.gaps).toHaveLength(30);
      for (const g of p.gaps) {
        expect(jobs).toContain(g.job);
        expect([2, 3, 4].map((m) => m * MIN)).toContain(g.toMs - g.fromMs);
      }
      const platform = new Platform({ seed: p.seed, startMs: p.startMs });
      for (const f of p.faults) platform.addFault(f);
    }
  });

  it('adds weekend seasonality that multiplies player traffic', () => {
    const p = plans[0]!;
    const weekend = p.faults.filter((f) => f.multiply !== undefined);
    expect(weekend.length).toBeGreaterThan(0);
    for (const f of weekend) {
      expect(new Date(f.startMs).getUTCDay() === 5 || f.startMs === p.startMs).toBe(true);
      expect(f.multiply).toBe(1.1);
    }
  });
});

describe('scrape gaps in the history', () => {
  const from = START + HOUR;
  const write = (gaps?: { job: string; fromMs: number; toMs: number }[]) => {
    let out = '';
    new Platform({ seed: 1, startMs: START }).history({
      fromMs: from,
      toMs: from + 5 * MIN,
      stepMs: MIN,
      write: (c) => (out += c),
      ...(gaps ? { gaps } : {}),
    });
    return out.split('\n');
  };

  it('leaves out exactly the job’s samples in the window and nothing when there are none', () => {
    const all = write();
    expect(write([])).toEqual(all);
    const gapped = write([{ job: 'kafka-exporter', fromMs: from + MIN, toMs: from + 3 * MIN }]);
    const inGap = (l: string) => {
      const ts = Number(l.split(' ').at(-1)) * 1000;
      return l.includes('job="kafka-exporter"') && ts >= from + MIN && ts < from + 3 * MIN;
    };
    expect(all.filter(inGap).length).toBeGreaterThan(0);
    expect(gapped).toEqual(all.filter((l) => !inGap(l)));
  });
});

describe('scoring a backtest against the plan', () => {
  const p = plans[3]!;
  const [first, second] = p.events.filter((e) => e.kind === 't1');
  const near = p.events.find((e) => e.kind === 'near-miss')!;
  const incident = (id: number, alert: string, at: number, pages: boolean): IncidentLike => ({
    id,
    alert,
    tier: 'T1',
    openedAtMs: at,
    resolvedAtMs: at + 20 * MIN,
    pages: pages ? [{ person: 'alice', atMs: at + 1000, tier: 'T1', offHours: true }] : [],
  });
  const alertOf = (e: TruthEvent) => e.alerts.find((a) => a.page)?.alert ?? e.alerts[0]!.alert;
  const result = {
    incidents: [
      incident(1, alertOf(first!), first!.startMs + 6 * MIN, true),
      incident(2, alertOf(near), near.startMs + MIN, true),
      incident(3, 'Watchdog', p.startMs + 60_000, true),
    ],
    rules: [
      {
        alert: alertOf(first!),
        tier: 'T1',
        episodeList: [
          { activeAtMs: first!.startMs, firingAtMs: first!.startMs + 5 * MIN, resolvedAtMs: null },
        ],
        // One alarm during the incident, one at the very start of the month (before any event).
        naiveTimes: [first!.startMs + MIN, p.startMs + 1000],
      },
    ],
  };
  const score = scoreMonth(p.events, result);

  it('finds a detected T1 with its delays and reports a missed one', () => {
    const d1 = score.t1.find((d) => d.event.id === first!.id)!;
    expect(d1.detected).toBe(true);
    expect(d1.openDelayMs).toBe(6 * MIN);
    expect(d1.pageDelayMs).toBe(6 * MIN + 1000);
    expect(d1.firingDelayMs).toBe(5 * MIN);
    const d2 = score.t1.find((d) => d.event.id === second!.id)!;
    expect(d2.detected).toBe(false);
    expect(d2.incident).toBeNull();
  });

  it('tells naive alarms during injected events from background noise', () => {
    expect(p.events.some((e) => e.startMs <= p.startMs + 1000)).toBe(false);
    expect(score.naive).toEqual({ injected: 1, background: 1 });
  });

  it('reports pages during near-misses and incidents no real fault explains', () => {
    expect(score.quietPaged.map((q) => q.event.id)).toEqual([near.id]);
    expect(score.unexplained.map((i) => i.id).sort()).toEqual([2, 3]);
  });

  it('says in the document which T1 was missed', () => {
    const totals = { naive: 1000, episodes: 3, incidents: 3, pages: 3, pagesT1: 3, pagesT2: 0, wakeups: 3 };
    const input: Parameters<typeof signalQualityMarkdown>[0] = {
      plan: p,
      score,
      result: {
        totals: {
          ...totals,
          noiseReduction: 0.997,
          wakeupReduction: 0.9,
          rulesEvaluated: 60,
          rulesSkipped: 0,
        },
        rules: [],
        warnings: [],
        evaluationIntervalSeconds: 30,
        ackAfterSeconds: 120,
      },
      run: {
        command: 'x',
        date: '2026-12-02',
        machine: 'm',
        engineConfig: 'e',
        stepReason: 's',
        backtestSeconds: 1,
        peakRssMiB: 1,
      },
    };
    const md = signalQualityMarkdown(input);
    expect(md).toContain(`**T1 missed**: ${score.t1.filter((d) => !d.detected).map((d) => d.event.id)[0]} (`);
    expect(md).toContain('99.70%, above');
    expect(md).toContain('**misses** our ≥ 99% goal');
    expect(md).not.toContain('A catalog change');
    const withChange = signalQualityMarkdown({
      ...input,
      change: {
        description: 'Lag T2 at 3000.',
        command: 'klaxon backtest --baseline seed',
        rows: [{ alert: 'KafkaConsumerLag', tier: 'T2', pages: [1, 4], wakeups: [0, 0], naive: [10, 90] }],
      },
    });
    expect(withChange).toContain('## A catalog change, measured');
    expect(withChange).toContain('| KafkaConsumerLag | T2 | 1 → 4 | 0 → 0 | 10 → 90 |');
  });
});
