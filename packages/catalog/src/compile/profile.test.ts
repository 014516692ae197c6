import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { amtoolCheckConfig, promtoolCheckRules } from '../check/tools.ts';
import { seedCatalog } from '../seed/index.ts';
import { compileAlertmanager } from './alertmanager.ts';
import { compressCatalog, scaleDuration, scaleRanges } from './profile.ts';
import { compileRuleGroups } from './rules.ts';

describe('compressed time profile', () => {
  it('divides durations and keeps zero at zero', () => {
    expect(scaleDuration('5m', 30)).toBe('10s');
    expect(scaleDuration('1h', 30)).toBe('2m');
    expect(scaleDuration('10s', 30)).toBe('333ms');
    expect(scaleDuration('0m', 30)).toBe('0m');
    expect(() => scaleDuration('5m', 0.5)).toThrow(/at least 1/);
  });

  it('scales short range windows but never the 7-day baselines', () => {
    expect(scaleRanges('rate(x[5m]) / avg_over_time(y[7d]) + increase(z[1h])', 30)).toBe(
      'rate(x[10s]) / avg_over_time(y[7d]) + increase(z[2m])',
    );
  });

  it('changes every for: and no threshold, and the result passes promtool and amtool', () => {
    const seed = seedCatalog();
    const fast = compressCatalog(seed, 30);
    const lag = fast.alerts.find((a) => a.name === 'KafkaConsumerLag')!;
    expect(lag.thresholds.map((t) => [t.tier, t.value, t.for])).toEqual([
      ['T1', 10000, '10s'],
      ['T2', 5000, '20s'],
    ]);
    expect(fast.alerts.map((a) => a.thresholds.map((t) => t.value))).toEqual(
      seed.alerts.map((a) => a.thresholds.map((t) => t.value)),
    );
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-profile-'));
    const rules = join(dir, 'rules.yml');
    writeFileSync(rules, stringify({ groups: compileRuleGroups(fast) }));
    const am = compileAlertmanager(fast, { target: 'klaxon', klaxonKey: 'k', timeFactor: 30 });
    const t1 = am.route.routes?.find((r) => r.matchers?.includes('tier="T1"'));
    expect([t1?.group_wait, t1?.group_interval]).toEqual(['333ms', '2s']);
    const amFile = join(dir, 'alertmanager.yml');
    writeFileSync(amFile, stringify(am));
    for (const run of [promtoolCheckRules([rules]), amtoolCheckConfig(amFile)])
      expect(run.ok, run.output).toBe(true);
  });
});
