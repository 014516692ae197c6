/**
 * Prometheus's alerting state machine (rules/alerting.go, AlertingRule.Eval, v2.42), replayed: an alert is
 * pending from the first evaluation with the condition (ActiveAt), firing at the first evaluation with
 * `ts − ActiveAt ≥ for`, and resolved at the first evaluation without the condition, or, with
 * keep_firing_for, at the first absent evaluation with `ts − KeepFiringSince ≥ keep_firing_for`
 * (KeepFiringSince: the first absent evaluation; reset when the condition returns). A pending alert is
 * deleted at its first absent evaluation. Expectations below are worked out from those rules, step by step.
 */
import { describe, expect, it } from 'vitest';
import { alertLabels, evaluateSeries, type AlertingRule, type RuleEvaluation } from './evaluate.ts';

const STEP = 30_000;
const S = Date.parse('2026-11-01T00:00:00Z');
const at = (i: number) => S + i * STEP;

function rule(o: Partial<AlertingRule> = {}): AlertingRule {
  return { alert: 'Test', forMs: 0, keepFiringForMs: 0, labels: {}, ...o };
}

/** Evaluations 0..last; the range starts at evaluation `from` (0 … from−1 are the warm-up). */
function run(r: AlertingRule, present: number[], o: { from?: number; last?: number } = {}): RuleEvaluation {
  const into: RuleEvaluation = { naive: 0, naiveTimes: [], episodes: [], carriedIn: [] };
  evaluateSeries(
    r,
    { __name__: 'up', job: 'api' },
    present.map(at),
    { startMs: S, fromMs: at(o.from ?? 1), toMs: at(o.last ?? 100), stepMs: STEP },
    into,
  );
  return into;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('for:', () => {
  it('fires at the evaluation where the condition has held for exactly for:', () => {
    // for 60s: ActiveAt = 5; at 6, 30s < 60s (pending); at 7, 60s ≥ 60s (firing); absent at 8 → resolved.
    const ev = run(rule({ forMs: 60_000 }), [5, 6, 7]);
    expect(ev.episodes).toEqual([
      {
        labels: { job: 'api', alertname: 'Test' },
        activeAtMs: at(5),
        firingAtMs: at(7),
        resolvedAtMs: at(8),
      },
    ]);
    expect(ev.naive).toBe(1);
  });

  it('stays pending, and is deleted, when the condition ends one evaluation before for: is reached', () => {
    // Held at 5 and 6 only: 30s < 60s at 6, absent at 7 → the pending alert is dropped.
    const ev = run(rule({ forMs: 60_000 }), [5, 6]);
    expect(ev.episodes).toEqual([]);
    expect(ev.naive).toBe(1);
  });

  it('rounds a for: between two steps up to the next evaluation', () => {
    // for 45s: 30s < 45s at 6, 60s ≥ 45s at 7.
    expect(run(rule({ forMs: 45_000 }), [5, 6]).episodes).toEqual([]);
    expect(run(rule({ forMs: 45_000 }), [5, 6, 7]).episodes[0]?.firingAtMs).toBe(at(7));
  });

  it('fires at the first evaluation with for: 0', () => {
    const ev = run(rule(), [10]);
    expect(ev.episodes.map((e) => [e.activeAtMs, e.firingAtMs, e.resolvedAtMs])).toEqual([
      [at(10), at(10), at(11)],
    ]);
  });

  it('counts a blip shorter than for: as one naive alarm and no episode', () => {
    const ev = run(rule({ forMs: 300_000 }), [20, 21, 22]);
    expect(ev).toMatchObject({ naive: 1, naiveTimes: [at(20)], episodes: [], carriedIn: [] });
  });

  it('restarts for: after a gap: two short runs never add up', () => {
    // for 90s (3 steps): runs 10–12 and 14–16 each last 60s from their ActiveAt; only 20–23 fires (at 23).
    const ev = run(rule({ forMs: 90_000 }), [10, 11, 12, 14, 15, 16, 20, 21, 22, 23]);
    expect(ev.naive).toBe(3);
    expect(ev.episodes.map((e) => [e.activeAtMs, e.firingAtMs])).toEqual([[at(20), at(23)]]);
  });
});

describe('keep_firing_for:', () => {
  it('bridges a gap shorter than keep_firing_for: one episode, resolved keep_firing_for after the last absence began', () => {
    // kff 60s, for 0. Firing at 10. Absent at 13 (KeepFiringSince 13: 0s < 60s, keeps firing), back at
    // 14 and 15 (reset). Absent from 16: 0s, 30s keep; at 18, 60s ≥ 60s → resolved at 18.
    const ev = run(rule({ keepFiringForMs: 60_000 }), [...range(10, 12), 14, 15]);
    expect(ev.naive).toBe(2);
    expect(ev.episodes.map((e) => [e.firingAtMs, e.resolvedAtMs])).toEqual([[at(10), at(18)]]);
  });

  it('does not bridge a gap as long as keep_firing_for: the return is a new episode', () => {
    // Absent 13, 14, 15: at 15, 60s ≥ 60s → resolved at 15 (the return at 16 comes too late).
    const ev = run(rule({ keepFiringForMs: 60_000 }), [...range(10, 12), 16]);
    expect(ev.episodes.map((e) => [e.firingAtMs, e.resolvedAtMs])).toEqual([
      [at(10), at(15)],
      [at(16), at(19)],
    ]);
  });

  it('does not keep a pending alert: keep_firing_for applies only once firing', () => {
    // for 60s: pending at 10, 11; absent at 12 → deleted, even with keep_firing_for.
    const ev = run(rule({ forMs: 60_000, keepFiringForMs: 300_000 }), [10, 11, 13, 14]);
    expect(ev.episodes.map((e) => [e.activeAtMs, e.firingAtMs])).toEqual([]);
  });

  it('a return at the very evaluation it would have resolved continues the episode', () => {
    // kff 60s: absent 13, 14; at 15 the condition holds again, so it is not absent there.
    const ev = run(rule({ keepFiringForMs: 60_000 }), [...range(10, 12), 15]);
    expect(ev.episodes).toHaveLength(1);
    expect(ev.episodes[0]!.resolvedAtMs).toBe(at(18));
  });
});

describe('the edges of the range', () => {
  it('carries in, and never counts, a condition already true at the first evaluation', () => {
    const ev = run(rule(), range(0, 5), { from: 1 });
    expect(ev.naive).toBe(0);
    expect(ev.episodes).toEqual([]);
    expect(ev.carriedIn.map((e) => e.resolvedAtMs)).toEqual([at(6)]);
  });

  it('carries in an episode that fired during the warm-up, and counts one that was pending at the start and fired after it', () => {
    const warm = run(rule({ forMs: 60_000 }), range(2, 12), { from: 5 });
    expect(warm.episodes).toEqual([]);
    expect(warm.carriedIn.map((e) => e.firingAtMs)).toEqual([at(4)]);
    expect(warm.naive).toBe(0); // the rising edge (2) is before the range

    const pending = run(rule({ forMs: 120_000 }), range(3, 12), { from: 5 });
    expect(pending.carriedIn).toEqual([]);
    expect(pending.episodes.map((e) => [e.activeAtMs, e.firingAtMs])).toEqual([[at(3), at(7)]]);
  });

  it('drops an episode resolved before the range starts', () => {
    const ev = run(rule(), [2, 3], { from: 10 });
    expect(ev.episodes).toEqual([]);
    expect(ev.carriedIn).toEqual([]);
  });

  it('leaves an episode still firing at the end of the range unresolved', () => {
    expect(run(rule(), range(50, 100), { last: 100 }).episodes[0]?.resolvedAtMs).toBeNull();
    // Absent from 96, but keep_firing_for (5 min = 10 steps) runs past the last evaluation (100).
    const kept = run(rule({ keepFiringForMs: 300_000 }), range(50, 95), { last: 100 });
    expect(kept.episodes[0]?.resolvedAtMs).toBeNull();
  });

  it('ignores an alert that would fire after the range', () => {
    expect(run(rule({ forMs: 300_000 }), range(95, 110), { last: 100 }).episodes).toEqual([]);
  });

  it('accumulates naive alarms and episodes of several series into one evaluation', () => {
    const into: RuleEvaluation = { naive: 0, naiveTimes: [], episodes: [], carriedIn: [] };
    const o = { startMs: S, fromMs: at(1), toMs: at(50), stepMs: STEP };
    evaluateSeries(rule(), { instance: 'a' }, [at(10), at(20)], o, into);
    evaluateSeries(rule(), { instance: 'b' }, [at(15)], o, into);
    expect(into.naive).toBe(3);
    expect(into.episodes.map((e) => e.labels.instance)).toEqual(['a', 'a', 'b']);
  });
});

describe('alert labels', () => {
  it("takes the series' labels without __name__, lets the rule's labels override them, and sets alertname", () => {
    const labels = alertLabels(
      { __name__: 'up', job: 'api', tier: 'T9', instance: 'i-1' },
      rule({ alert: 'TargetDown', labels: { tier: 'T1', severity: 'page', alertname: 'Other' } }),
    );
    expect(labels).toEqual({
      job: 'api',
      tier: 'T1',
      instance: 'i-1',
      severity: 'page',
      alertname: 'TargetDown',
    });
  });

  it('removes a series label that the rule sets to the empty string (labels.Builder.Set)', () => {
    const labels = alertLabels({ job: 'api', instance: 'i-1' }, rule({ labels: { instance: '' } }));
    expect(labels).toEqual({ job: 'api', alertname: 'Test' });
  });

  it('puts those labels on every episode', () => {
    const ev = run(rule({ alert: 'Down', labels: { tier: 'T2' } }), [10]);
    expect(ev.episodes[0]!.labels).toEqual({ job: 'api', tier: 'T2', alertname: 'Down' });
  });
});
