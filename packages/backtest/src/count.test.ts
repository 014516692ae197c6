import { describe, expect, it } from 'vitest';
import { parseConfig } from '@klaxon/engine';
import type { RuleSpec } from './catalog.ts';
import { diffRuns, summarize } from './count.ts';
import type { RuleEvaluation } from './evaluate.ts';

const config = parseConfig(
  `
users:
  - { id: alice, name: Alice, timezone: Europe/London }
  - { id: ravi, name: Ravi, timezone: Asia/Kolkata, workingHours: { days: [saturday], start: '00:00', end: '23:59' } }
teams: [{ id: t, name: T, members: [alice, ravi] }]
services: [{ id: kafka, name: Kafka, team: t }]
`,
  'test.yaml',
  {},
);

const rule = (alert: string, tier: 'T1' | 'T2' | 'T3'): RuleSpec => ({
  alert,
  tier,
  group: 'g',
  expr: 'x > 1',
  for: null,
  keepFiringFor: null,
  forMs: 0,
  keepFiringForMs: 0,
  intervalMs: 30_000,
  labels: { tier },
  annotations: {},
});
const SAT_3AM = Date.parse('2026-11-07T03:00:00Z'); // a Saturday night in London, Saturday 08:30 in Kolkata
const ev = (naiveTimes: number[]): RuleEvaluation => ({
  naive: naiveTimes.length,
  naiveTimes,
  episodes: [{ labels: {}, activeAtMs: SAT_3AM, firingAtMs: SAT_3AM, resolvedAtMs: SAT_3AM + 600_000 }],
  carriedIn: [],
});

describe('summarize', () => {
  const lag = rule('Lag', 'T1');
  const cost = rule('Cost', 'T3');
  const run = summarize({
    label: 'c',
    rules: [lag, cost],
    evaluations: new Map<RuleSpec, RuleEvaluation | { code: string; message: string }>([
      [lag, ev([SAT_3AM, SAT_3AM + 3_600_000, SAT_3AM + 7_200_000, SAT_3AM + 8_000_000])],
      [cost, { code: 'no_data', message: 'no data' }],
    ]),
    replay: {
      incidents: [
        {
          id: 1,
          alert: 'Lag',
          service: 'kafka',
          tier: 'T1',
          openedAtMs: SAT_3AM,
          resolvedAtMs: null,
          maintenance: false,
          reopenedAtMs: [SAT_3AM + 3_600_000],
        },
      ],
      pages: [
        // The first opening: alice by voice and SMS (one page), ravi too.
        { incident: 1, person: 'alice', channel: 'voice', atMs: SAT_3AM },
        { incident: 1, person: 'alice', channel: 'sms', atMs: SAT_3AM + 1000 },
        { incident: 1, person: 'ravi', channel: 'push', atMs: SAT_3AM + 300_000 },
        // The re-opening pages alice again: a second page.
        { incident: 1, person: 'alice', channel: 'voice', atMs: SAT_3AM + 3_600_000 },
      ],
      rejected: [],
    },
    config,
    toMs: SAT_3AM + 86_400_000,
  });

  it('counts a page per person per (re-)opening, channels folded, and wake-ups by working hours', () => {
    const r = run.rules.find((x) => x.alert === 'Lag')!;
    expect(r).toMatchObject({ naive: 4, episodes: 1, incidents: 1, pages: 3, pagesT1: 3, wakeups: 2 });
    expect(run.incidents[0]!.pages.map((p) => [p.person, p.channels.join('+'), p.offHours])).toEqual([
      ['alice', 'voice+sms', true],
      ['ravi', 'push', false],
      ['alice', 'voice', true],
    ]);
    expect(run.people.map((p) => [p.person, p.pages, p.wakeups, p.onHours])).toEqual([
      ['alice', 2, 2, 0],
      ['ravi', 1, 0, 1],
    ]);
    expect(run.days).toEqual([{ day: '2026-11-07', t1: 3, t2: 0, wakeups: 2 }]);
  });

  it('reports a skipped rule with zero counts and totals with the noise reduction', () => {
    expect(run.rules.find((x) => x.alert === 'Cost')).toMatchObject({
      skipped: { code: 'no_data' },
      naive: 0,
    });
    expect(run.totals).toMatchObject({ naive: 4, pages: 3, rulesEvaluated: 1, rulesSkipped: 1 });
    expect(run.totals.noiseReduction).toBe(0.25);
    // Naive alarms off hours in the zone most people share (a tie: the first by name, Asia/Kolkata), with
    // default hours: all four are on a Saturday, so 1 − 2 wake-ups / 4.
    expect(run.totals.wakeupReduction).toBe(0.5);
  });

  it('diffs two runs rule by rule, the largest change in pages first', () => {
    const base = run.rules.map((r) => (r.alert === 'Lag' ? { ...r, pages: 1, wakeups: 0 } : r));
    const extra = { ...run.rules[0]!, alert: 'New', pages: 1 };
    const diff = diffRuns([...run.rules, extra], base);
    expect(diff.map((d) => [d.alert, d.pagesChange])).toEqual([
      ['Lag', 2],
      ['New', 1],
      ['Cost', 0],
    ]);
    expect(diff[1]!.baseline).toBeNull();
  });
});
