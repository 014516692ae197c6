import { holds } from '@klaxon/catalog';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOBS } from '../model/knobs.ts';
import { thresholdOf, type AlertLink, type KnobDef } from '../model/knob.ts';
import type { Labels } from '../model/labels.ts';
import { Platform } from '../platform/platform.ts';
import { loadScenario, loadScenarios, parseScenario, scenarioFaults, ScenarioError } from './load.ts';
import type { Scenario } from './schema.ts';

const START = Date.UTC(2025, 3, 2, 14, 0);
const scenarios = loadScenarios();

/** Alert labels name the same things as knob labels under other names: match on values. */
const valuesMatch = (expected: Labels | undefined, knobLabels: Labels) =>
  Object.values(expected ?? {}).every((v) => Object.values(knobLabels).includes(v));

const links = (alertname: string, tier?: string) =>
  KNOBS.flatMap((k) =>
    k.alerts.filter((a) => a.alertname === alertname && (!tier || a.tier === tier)).map((a) => ({ k, a })),
  );

/** Whether the knob's value (as the rule sees it) crosses the link's threshold for this instance. */
function crosses(p: Platform, base: Platform, k: KnobDef, a: AlertLink, l: Labels): boolean {
  if (a.aggregate === 'sum') {
    const sum = k.instances.reduce((s, i) => s + p.value(k.name, i), 0);
    return holds(a.op, sum, thresholdOf(a, l));
  }
  const v = p.value(k.name, l);
  const ratio = a.relative ? v / base.value(k.name, l) : v;
  return holds(a.op, ratio, thresholdOf(a, l));
}

function platformsAt(s: Scenario, tMs: number): { p: Platform; base: Platform } {
  const p = new Platform({ seed: 9, startMs: START });
  for (const f of scenarioFaults(s, START)) p.addFault(f);
  const base = new Platform({ seed: 9, startMs: START });
  p.advanceTo(tMs);
  base.advanceTo(tMs);
  return { p, base };
}

describe('scenarios', () => {
  it('are the sixteen of the game days and the demo’s default, each named as its file', () => {
    expect(scenarios.map((s) => s.name).sort()).toEqual(
      [
        'demo',
        'consumer-lag',
        'under-replicated',
        'broker-disk',
        'bedrock-throttling',
        'bedrock-latency',
        'synthetic-model-check',
        'crashloop',
        'http-5xx',
        'game-connections',
        'token-spend',
        'budget',
        'redshift-disk',
        'monitoring-outage',
        'quiet-day',
        'prompt-refusals',
        'quota-exhausted',
      ].sort(),
    );
    const outage = scenarios.find((s) => s.name === 'monitoring-outage')!;
    expect(outage.actions).toEqual([{ at: '10s', atMs: 10_000, stop: 'prometheus' }]);
    expect(outage.expect.fire).toEqual([]);
    expect(scenarios.find((s) => s.name === 'quiet-day')!.durationMs).toBeGreaterThanOrEqual(120_000);
  });

  it('step every fault whose alert pages (detection latency is measured from `at`)', () => {
    for (const s of scenarios)
      for (const f of s.faults) {
        const pages = KNOBS.find((k) => k.name === f.knob)!.alerts.some((a) => a.tier !== 'T3');
        if (pages) expect(f.rampMs, `${s.name}: ${f.knob}`).toBe(0);
      }
  });

  for (const s of scenarios.filter((x) => x.expect.fire.length > 0))
    it(`${s.name}: a fault crosses each expected alert's threshold, in the expected order`, () => {
      let previous = -1;
      for (const e of s.expect.fire) {
        const candidates = links(e.alertname, e.tier);
        expect(candidates.length, `${e.alertname} ${e.tier} has a knob`).toBeGreaterThan(0);
        let firstCross: number | undefined;
        for (const f of s.faults) {
          const hits = candidates.filter(({ k }) => k.name === f.knob);
          if (hits.length === 0) continue;
          const at = START + f.atMs + f.rampMs + 1000;
          const { p, base } = platformsAt(s, at);
          for (const { k, a } of hits)
            for (const l of k.instances.filter((i) =>
              Object.entries(f.labels ?? {}).every(([n, v]) => i[n] === v),
            ))
              if (valuesMatch(e.labels, l) && crosses(p, base, k, a, l))
                firstCross = Math.min(firstCross ?? Infinity, f.atMs);
        }
        expect(firstCross, `${s.name}: no fault crosses ${e.alertname} ${e.tier}`).toBeDefined();
        expect(firstCross!).toBeGreaterThanOrEqual(previous);
        previous = firstCross!;
      }
    });

  for (const s of scenarios.filter((x) => x.expect.silent.length > 0))
    it(`${s.name}: no fault crosses the thresholds of the silent alerts`, () => {
      const times = [...s.faults.map((f) => f.atMs + f.rampMs + 1000), s.durationMs - 1];
      for (const t of times) {
        const { p, base } = platformsAt(s, START + t);
        for (const q of s.expect.silent)
          for (const { k, a } of links(q.alertname, q.tier)) {
            if (k.blip) continue; // transient blips are allowed; they never last a `for:`
            for (const l of k.instances.filter((i) => valuesMatch(q.labels, i)))
              expect(
                crosses(p, base, k, a, l),
                `${s.name} at ${t} ms: ${k.name}${JSON.stringify(l)} ${a.alertname}`,
              ).toBe(false);
          }
      }
    });
});

describe('scenario loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-sim-scenarios-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file, line, path and fix', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'name: broken',
        'title: Broken',
        'description: Broken on purpose.',
        'duration: 60s',
        'faults:',
        '  - at: 5s',
        '    knob: kafka.lagg',
        '    set: 1',
        '  - at: 5 seconds',
        '    knob: kafka.brokers',
        '    set: 1',
        '    add: 2',
        '  - at: 7s',
        '    knob: kafka.consumer_lag',
        '    labels: { consumergroup: nobody }',
        '    multiply: 2',
        '    colour: red',
        'expect: { fire: [{ alertname: X, tier: T4 }] }',
        '',
      ].join('\n'),
    );
    let err: ScenarioError | undefined;
    try {
      loadScenario(file);
    } catch (e) {
      err = e as ScenarioError;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const byPath = new Map(err!.problems.map((p) => [p.path, p]));
    expect(byPath.get('faults[0].knob')).toMatchObject({ file, line: 7 });
    expect(byPath.get('faults[0].knob')!.message).toMatch(
      /unknown knob "kafka.lagg"; use one of: .*kafka.consumer_lag/,
    );
    expect(byPath.get('faults[1].at')!.message).toMatch(/duration such as "500ms", "30s"/);
    expect(byPath.get('faults[2]')!.message).toMatch(/unknown key "colour"; remove it/);
    expect(byPath.get('expect.fire[0].tier')).toBeDefined();
    expect(err!.message).toContain(`${file}:7:`);
  });

  it('checks the name against the file, labels against the knob, and exactly one operation', () => {
    const base = 'title: T\ndescription: D.\nduration: 30s\nexpect: {}\n';
    expect(() => parseScenario(`name: other\n${base}`, join(dir, 'mine.yaml'))).toThrow(
      /name must equal the file name \(mine\)/,
    );
    expect(() =>
      parseScenario(`name: x\n${base}faults: [{ at: 1s, knob: kafka.brokers, set: 1, add: 1 }]\n`),
    ).toThrow(/exactly one of set, add or multiply/);
    expect(() =>
      parseScenario(
        `name: x\n${base}faults: [{ at: 1s, knob: http.error_ratio, labels: { service: web }, set: 1 }]\n`,
      ),
    ).toThrow(/match no instance of http.error_ratio; use labels from \{service=game-api\}/);
    expect(() =>
      parseScenario(`name: x\n${base}faults: [{ at: 40s, knob: kafka.brokers, set: 1 }]\n`),
    ).toThrow(/at or after the scenario's duration/);
    const ok = parseScenario(
      `name: x\n${base.replace('expect: {}', 'expect: { pages: [{ person: ada }], ack: ada, later: 1 }')}faults: [{ at: 1s, knob: kafka.brokers, add: -1, ramp: 2s, until: 9s }]\n`,
    );
    expect(scenarioFaults(ok, 1000)).toEqual([
      { knob: 'kafka.brokers', add: -1, startMs: 2000, rampMs: 2000, endMs: 10_000 },
    ]);
    expect(ok.expect.pages).toEqual([{ person: 'ada' }]);
  });
});
