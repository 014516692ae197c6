import { describe, expect, it } from 'vitest';
import { parseScenario } from '@klaxon/sim';
import { mentionChecks } from './actions.ts';
import type { Delivery } from './observe.ts';
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

describe('deploy actions and mentions', () => {
  const withDeploy = (action: string, expect = '  pages: [{ tier: T2, to: primary }]\n') =>
    parseScenario(`${base}actions:\n  - ${action}\nexpect:\n${expect}`, 't.yaml');

  it('plans a deployment report and the text the page must mention', () => {
    const plan = toPlan(
      withDeploy(
        '{ at: 2s, deploy: { service: narrative, version: v43, author: dana } }',
        '  pages: [{ tier: T2, to: primary }]\n  mentions: ["Changed: narrative v43 by dana"]\n',
      ),
    );
    expect(plan.actions).toEqual([
      { atMs: 2000, deploy: { service: 'narrative', version: 'v43', author: 'dana' } },
    ]);
    expect(plan.expect.mentions).toEqual(['Changed: narrative v43 by dana']);
    expect(toPlan(withDeploy('{ at: 1s, stop: alertmanager }')).actions).toEqual([
      { atMs: 1000, stop: 'alertmanager' },
    ]);
  });

  it('names the file, the path and the fix for a wrong action or mention', () => {
    const bad = (action: string, expect?: string) => () => toPlan(withDeploy(action, expect), 't.yaml');
    expect(bad('{ at: 2s, deploy: { service: narrative } }')).toThrow(
      /t\.yaml: actions\[0\]\.deploy\.version: give the version deployed, e\.g\. `version: v43`/,
    );
    expect(bad('{ at: 2s, deploy: { service: narrative, version: v1, colour: red } }')).toThrow(
      /actions\[0\]\.deploy/,
    );
    expect(bad('{ at: 2s }')).toThrow(
      /t\.yaml: actions\[0\]: each action needs exactly one of `stop: prometheus \| alertmanager` or `deploy/,
    );
    expect(bad('{ at: 2s, stop: prometheus, deploy: { service: x, version: y } }')).toThrow(/exactly one/);
    expect(bad('{ at: 2s, stop: grafana }')).toThrow(/actions\[0\]\.stop: write `stop: prometheus`/);
    expect(bad('{ at: 2s, stop: prometheus }', '  pages: []\n  mentions: ["Changed: x"]\n')).toThrow(
      /t\.yaml: expect\.mentions: mentions are looked for in pages/,
    );
  });
});

describe('mention checks', () => {
  const TEXTS = new Map([
    [1, 'Refusals\nChanged: narrative v43 by dana, just before'],
    [2, 'Refusals\nChanged: kafka 3.7.1 by bob, 4 min before'],
    [3, 'Refusals'],
  ]);
  const delivery = (notificationId: number, channel: string, at = 5000): Delivery => ({
    at,
    notificationId,
    kind: 'page',
    channel,
    to: 'x',
    incidentId: 1,
    subject: '[T2] #1 Refusals',
    user: 'dana',
    step: 0,
    tier: 'T2',
    actions: {},
    text: TEXTS.get(notificationId) ?? '',
  });

  it('finds the text in a page since the start, and says what the pages said instead', () => {
    const [hit] = mentionChecks([delivery(1, 'push')], ['Changed: narrative v43'], 0);
    expect(hit).toMatchObject({ ok: true, actual: 'in the push page(s)' });
    const [miss] = mentionChecks(
      [delivery(1, 'push', 10), delivery(2, 'push'), delivery(3, 'sms'), delivery(1, 'email')],
      ['Changed: narrative v43'],
      1000,
    );
    expect(miss).toMatchObject({
      ok: false,
      actual: 'the pages said: Changed: kafka 3.7.1 by bob, 4 min before; no "Changed:" line',
    });
    expect(mentionChecks([], ['x'], 0)).toMatchObject([{ ok: false, actual: 'no page was sent' }]);
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
