/** The catalog commands as a user runs them, with real promtool and amtool. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedCatalog } from '@klaxon/catalog';
import { missingBinary } from '@klaxon/testing';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/cli/bin/klaxon.js');
const skip =
  missingBinary(['promtool'], 'prometheus') || missingBinary(['amtool'], 'prometheus-alertmanager');

const klaxon = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

describe.skipIf(skip)('klaxon build, check and test', () => {
  it('builds, checks and tests the seed catalog plus a user alert', () => {
    const out = mkdtempSync(join(tmpdir(), 'klaxon-cat-'));
    const args = ['--catalog', 'examples/catalog/matchmaker.ts', '--out', out];
    const build = klaxon('build', ...args, '--json');
    expect(build.status, build.stderr).toBe(0);
    const built = JSON.parse(build.stdout) as { alertingRules: number; testGroups: number };
    // The seed's rules plus the example's two tiers.
    expect(built.alertingRules).toBe(seedCatalog().alerts.flatMap((a) => a.thresholds).length + 2);
    const check = klaxon('check', ...args);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('tier policy OK, promtool OK, amtool OK');
    const test = klaxon('test', ...args, '--json');
    expect(test.status, test.stderr).toBe(0);
    const result = JSON.parse(test.stdout);
    expect(result.ok).toBe(true);
    expect(result.testGroups).toBe(built.testGroups);
  }, 60_000);

  it('fails check with the alert and the problem for a broken user alert', () => {
    // A user's catalog file lives in their repository, where @klaxon/catalog resolves.
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.tmp', 'bad-catalog-'));
    const file = join(dir, 'bad.ts');
    writeFileSync(
      file,
      `import { gauge, input } from '@klaxon/catalog';
export default [{
  name: 'BrokenAlert', group: 'x', service: 'game-api', team: 'game',
  summary: 's', description: 'd', expr: 'sum(game_server_players_onlin', thresholds: [{ tier: 'T2', op: '>', value: 1, for: '5m' }],
  outputLabels: {}, input: (v: number) => input(gauge('game_server_players_online', v)), metrics: [],
  runbook: { meaning: '', impact: '', diagnosis: [], mitigation: [] },
}];
`,
    );
    const check = klaxon('check', '--catalog', file, '--out', join(dir, 'out'));
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`klaxon check: ${file}: alert BrokenAlert: missing runbook`);
    expect(check.stderr).toMatch(/: alert BrokenAlert: invalid PromQL at line 1, column \d+/);
  }, 60_000);

  it("fails test on the broken file and test only, with promtool's own message, then caches only passes", () => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.tmp', 'drift-'));
    const file = join(dir, 'drift.ts');
    // The input lands short of the threshold: the generated "fires" test must fail.
    writeFileSync(
      file,
      `import { gauge, input } from '@klaxon/catalog';
export default [{
  name: 'DriftedAlert', group: 'drift', service: 'game-api', team: 'game',
  summary: 's', description: 'd', expr: 'sum(game_server_players_online)', thresholds: [{ tier: 'T2', op: '>', value: 100, for: '5m' }],
  outputLabels: {}, input: (v: number) => input(gauge('game_server_players_online', v - 50)), metrics: [],
  runbook: { meaning: 'm', impact: 'i', diagnosis: ['d'], mitigation: ['m'] },
}];
`,
    );
    const args = ['--catalog', file, '--out', join(dir, 'out')];
    const test = klaxon('test', ...args);
    expect(test.status).toBe(1);
    expect(test.stdout).toMatch(/promtool drift\.test\.yml +FAIL/);
    expect(test.stdout).toMatch(/promtool kafka\.test\.yml +PASS/);
    expect(test.stdout).toContain('1 failed');
    expect(test.stderr).toContain('klaxon test: promtool failed:\nUnit Testing:  drift.test.yml');
    expect(test.stderr).toContain('name: DriftedAlert T2 fires at 102,');
    expect(test.stderr).not.toContain('kafka.test.yml');
    // Again: the passes come from the cache, the failure runs (and fails) again.
    const again = klaxon('test', ...args, '--json');
    expect(again.status).toBe(1);
    const runs = (JSON.parse(again.stdout) as { runs: { args: string[]; ok: boolean; cached?: boolean }[] })
      .runs;
    const drift = runs.find((r) => r.args.includes('drift.test.yml'))!;
    expect([drift.ok, drift.cached]).toEqual([false, undefined]);
    expect(runs.find((r) => r.args.includes('kafka.test.yml'))).toMatchObject({ ok: true, cached: true });
    const cold = klaxon('test', ...args, '--no-cache', '--json');
    expect((JSON.parse(cold.stdout) as { cachedFiles: number }).cachedFiles).toBe(0);
  }, 120_000);

  it('fails check when a route of yours would send T3 to PagerDuty', () => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.tmp', 'routing-'));
    const file = join(dir, 'routing.ts');
    writeFileSync(
      file,
      `import type { Catalog } from '@klaxon/catalog';
export default (seed: Catalog): Catalog => ({
  ...seed,
  routing: {
    receivers: [{ name: 'finops-pager', pagerduty_configs: [{ routing_key: 'x' }] }],
    routes: [{ receiver: 'finops-pager', matchers: ['tier="T3"', 'service="cost"'] }],
  },
});
`,
    );
    const check = klaxon('check', '--catalog', file, '--target', 'pagerduty', '--out', join(dir, 'out'));
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(
      'klaxon check: route tier="T3",service="cost": T3 is advisory and never pages, but this route sends it to receiver "finops-pager"',
    );
  }, 60_000);
});
