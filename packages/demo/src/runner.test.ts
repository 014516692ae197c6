import { describe, expect, it } from 'vitest';
import { parseScenario } from '@klaxon/sim';
import { describeFailures, type ScenarioResult } from './runner.ts';
import { PlanError, toPlan } from './scenarios.ts';

const base = `name: t
title: T
description: D
duration: 30s
faults: [{ at: 5s, knob: kafka.consumer_lag, labels: { consumergroup: narrative-workers, topic: player-actions }, set: 15000 }]
`;

describe('scenario plans', () => {
  it('turns a scenario file into a plan with who is paged and who acknowledges', () => {
    const plan = toPlan(
      parseScenario(
        `${base}expect:\n  fire: [{ alertname: KafkaConsumerLag, tier: T1 }]\n  pages: [{ tier: T1, to: primary }]\n  ack: primary\n`,
        't.yaml',
      ),
    );
    expect(plan.faults[0]).toMatchObject({ atMs: 5000, knob: 'kafka.consumer_lag', set: 15000 });
    expect(plan.expect).toMatchObject({ pages: [{ tier: 'T1', to: 'primary' }], ack: 'primary' });
  });

  it('names the file, the path and the fix when the runner part is wrong', () => {
    const bad = (expect: string) => () =>
      toPlan(parseScenario(`${base}expect:\n${expect}`, 't.yaml'), 't.yaml');
    expect(bad('  fire: []\n')).toThrow(PlanError);
    expect(bad('  fire: []\n')).toThrow(/t\.yaml: expect\.pages: list who is paged/);
    expect(bad('  pages: [{ tier: T3, to: primary }]\n')).toThrow(
      /t\.yaml: expect\.pages\[0\]\.tier: a page is T1 or T2 \(T3 never pages\)/,
    );
    expect(bad('  pages: [{ tier: T1, to: boss }]\n')).toThrow(
      /to is the escalation step paged: primary, backup, lead/,
    );
  });
});

describe('failure report', () => {
  it('names the scenario, each failed expectation, what happened instead, and the feed', () => {
    const result: ScenarioResult = {
      name: 'consumer-lag',
      title: 'A stalled consumer group',
      passed: false,
      checks: [
        { ok: true, expected: 'alert KafkaConsumerLag [T2] fires', actual: 'fired after 24.0 s' },
        {
          ok: false,
          expected: 'T1 page reaches the backup (escalation step 2)',
          actual: 'no such page; pages were: T1 step 1 bob voice',
        },
      ],
      detection: { latencyMs: 24_000, floorMs: 24_000, what: null },
      alertsFired: { T1: 1, T2: 1, T3: 0 },
      incidents: { T1: 1, T2: 1, T3: 0 },
      pages: { T1: 1, T2: 1 },
      klaxonPages: 2,
      naivePages: 9,
      feed: [
        { at: 1000, kind: 'fault', text: 'fault injected: kafka.consumer_lag = 15000' },
        { at: 25_000, kind: 'page', text: 'PAGE → bob by voice', tier: 'T1' },
      ],
      elapsedMs: 60_000,
    };
    const text = describeFailures(result);
    expect(text).toContain(
      'scenario "consumer-lag" (A stalled consumer group): 1 expected outcome(s) failed',
    );
    expect(text).toContain(
      '  - expected: T1 page reaches the backup (escalation step 2)\n    instead:  no such page; pages were: T1 step 1 bob voice',
    );
    expect(text).not.toContain('KafkaConsumerLag [T2] fires');
    expect(text).toContain('+24.0s page: PAGE → bob by voice');
  });
});
