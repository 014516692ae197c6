/**
 * promtool tests batched per core and cached by content: each file keeps its own result and its own
 * output (a failure in a batch reads as when the file ran alone), and only passes are remembered.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { missingBinary } from '@klaxon/testing';
import { balance, passedIn, promtoolTest } from './promtool-tests.ts';

const skip = missingBinary(['promtool'], 'prometheus');

describe('balance', () => {
  it('spreads files over n batches by cost, costliest first, never mixing folders', () => {
    const f = (path: string, weight: number) => ({ path, weight });
    const batches = balance([f('/a/1', 10), f('/a/2', 1), f('/a/3', 6), f('/a/4', 5), f('/b/1', 3)], 2);
    expect(batches.map((b) => b.map((x) => x.path))).toEqual([['/a/1', '/a/2'], ['/a/3', '/a/4'], ['/b/1']]);
    expect(balance([f('/a/1', 1)], 4)).toEqual([[f('/a/1', 1)]]);
    expect(balance([], 2)).toEqual([]);
  });
});

describe('passedIn', () => {
  it('reads the files promtool reported SUCCESS for, not those that failed', () => {
    const stdout =
      'Unit Testing:  a.test.yml\n  SUCCESS\n\nUnit Testing:  b.test.yml\n\nUnit Testing:  c.test.yml\n  SUCCESS\n';
    expect([...passedIn(stdout)]).toEqual(['a.test.yml', 'c.test.yml']);
  });
});

/** A folder with a rule file and test files: `ok` ones expect the alert, the others expect nothing. */
function fixture(tests: Record<string, boolean>): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'klaxon-promtool-tests-'));
  writeFileSync(
    join(dir, 'r.rules.yml'),
    stringify({ groups: [{ name: 'r', rules: [{ alert: 'High', expr: 'x > 1', for: '2m' }] }] }),
  );
  const files = Object.entries(tests).map(([name, ok]) => {
    const file = join(dir, `${name}.test.yml`);
    writeFileSync(
      file,
      stringify({
        rule_files: ['r.rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            name: `${name} fires`,
            interval: '1m',
            input_series: [{ series: 'x', values: '5x10' }],
            alert_rule_test: [
              { eval_time: '5m', alertname: 'High', exp_alerts: ok ? [{ exp_labels: {} }] : [] },
            ],
          },
        ],
      }),
    );
    return file;
  });
  return { dir, files };
}

describe.skipIf(skip)('promtoolTest with real promtool', () => {
  it('attributes a failure in a batch to its file, with the output it has alone', async () => {
    const { dir, files } = fixture({ a: true, broken: false, c: true });
    // One batch: the three files in a single promtool process.
    const runs = await promtoolTest(files, { parallel: 1 });
    expect(runs.map((r) => [r.args[2], r.ok])).toEqual([
      ['a.test.yml', true],
      ['broken.test.yml', false],
      ['c.test.yml', true],
    ]);
    const alone = spawnSync('promtool', ['test', 'rules', 'broken.test.yml'], { cwd: dir, encoding: 'utf8' });
    const broken = runs.find((r) => r.args[2] === 'broken.test.yml')!;
    // The same lines (stdout and stderr interleave as they arrive).
    const lines = (s: string) =>
      s
        .split('\n')
        .filter((l) => l.trim() !== '')
        .sort();
    expect(lines(broken.output)).toEqual(lines(`${alone.stdout}${alone.stderr}`));
    expect(broken.output).toContain('broken fires');
    expect(runs.every((r) => !r.cached)).toBe(true);
  });

  it('remembers passes only, and forgets them when a rule file changes', async () => {
    const { dir, files } = fixture({ a: true, broken: false });
    const cacheDir = join(dir, '.cache');
    const first = await promtoolTest(files, { cacheDir, parallel: 2 });
    expect(first.map((r) => [r.ok, r.cached ?? false])).toEqual([
      [true, false],
      [false, false],
    ]);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    const second = await promtoolTest(files, { cacheDir });
    expect(second.map((r) => [r.args[2], r.ok, r.cached ?? false])).toEqual([
      ['a.test.yml', true, true],
      ['broken.test.yml', false, false],
    ]);
    // The rule now never fires: a's cached pass no longer applies, and a fails.
    writeFileSync(
      join(dir, 'r.rules.yml'),
      stringify({ groups: [{ name: 'r', rules: [{ alert: 'High', expr: 'x > 100', for: '2m' }] }] }),
    );
    const third = await promtoolTest(files, { cacheDir });
    expect(third.map((r) => [r.args[2], r.ok, r.cached ?? false])).toEqual([
      ['a.test.yml', false, false],
      ['broken.test.yml', true, false],
    ]);
    // Only the new pass is kept: a's entry for the old rule is gone.
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect((await promtoolTest(files, { cacheDir })).map((r) => r.cached ?? false)).toEqual([false, true]);
  });
});
