/**
 * The seed catalog compiles to rules that real promtool accepts, and every threshold is proven by a
 * generated promtool test that fires just past it and stays quiet just short of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { missingBinary } from '@klaxon/testing';
import { seedCatalog, TIER_POLICIES, writeCatalog, type BuildResult } from './index.ts';

const skip = missingBinary(['promtool'], 'prometheus');

describe('the seed catalog', () => {
  const catalog = seedCatalog();

  it('has at least 50 alerting rules, each with tier, severity, team, summary, description and runbook_url', () => {
    const rules = catalog.alerts.flatMap((a) => a.thresholds.map((t) => ({ a, t })));
    expect(rules.length).toBeGreaterThanOrEqual(50);
    for (const { a, t } of rules) {
      expect(TIER_POLICIES[t.tier]).toBeDefined();
      expect(a.summary.length && a.description.length && a.team.length).toBeTruthy();
      expect(a.runbook.diagnosis.length && a.runbook.mitigation.length).toBeTruthy();
    }
    expect(new Set(catalog.alerts.map((a) => a.name)).size).toBe(catalog.alerts.length);
  });

  describe.skipIf(skip)('with real promtool', () => {
    let build: BuildResult;
    beforeAll(() => {
      build = writeCatalog(catalog, mkdtempSync(join(tmpdir(), 'klaxon-catalog-')));
    });

    it('passes promtool check rules', () => {
      const out = execFileSync('promtool', ['check', 'rules', ...build.ruleFiles], { encoding: 'utf8' });
      expect(out).not.toContain('FAILED');
      expect(build.alertingRules).toBeGreaterThanOrEqual(50);
    });

    it('passes every generated promtool test, which covers each threshold firing and staying quiet', () => {
      const names = build.testFiles.flatMap((f) =>
        (parse(readFileSync(f, 'utf8')) as { tests: { name: string }[] }).tests.map((t) => t.name),
      );
      for (const a of catalog.alerts) {
        for (const t of a.thresholds) {
          expect(
            names.some((n) => n.startsWith(`${a.name} ${t.tier} fires`)),
            `${a.name} ${t.tier} firing test`,
          ).toBe(true);
          expect(
            names.some((n) => n.startsWith(`${a.name} ${t.tier} stays quiet`)),
            `${a.name} ${t.tier} quiet test`,
          ).toBe(true);
        }
      }
      const run = spawnSync(
        'promtool',
        ['test', 'rules', ...build.testFiles.map((f) => f.split('/').pop()!)],
        { cwd: join(build.outDir, 'tests'), encoding: 'utf8' },
      );
      expect(run.status, run.stdout + run.stderr).toBe(0);
      // promtool runs about a hundred rule tests: ~20 s alone, longer while the other worker is busy.
    }, 120_000);

    it('fails a generated test when a rule drifts from its threshold', () => {
      const file = build.ruleFiles.find((f) => f.endsWith('kafka.rules.yml'))!;
      const original = readFileSync(file, 'utf8');
      try {
        writeFileSync(file, original.replace(') > 10000', ') > 20000'));
        const run = spawnSync('promtool', ['test', 'rules', 'kafka.test.yml'], {
          cwd: join(build.outDir, 'tests'),
          encoding: 'utf8',
        });
        expect(run.status).not.toBe(0);
        expect(run.stdout + run.stderr).toContain('KafkaConsumerLag T1 fires');
      } finally {
        writeFileSync(file, original);
      }
    });

    it('evaluates the 7-day baseline tests hourly, and fails one that fires on the steady week', () => {
      const test = build.testFiles.find((f) => f.endsWith('baselines-KafkaThroughputAnomaly.test.yml'))!;
      const parsed = parse(readFileSync(test, 'utf8')) as {
        evaluation_interval: string;
        tests: { alert_rule_test: { eval_time: string; exp_alerts: unknown[] }[] }[];
      };
      expect(parsed.evaluation_interval).toBe('1h');
      // The firing group: nothing an hour before the shift (7 days), the alert 2 hours after it.
      expect(parsed.tests[0]!.alert_rule_test.map((t) => [t.eval_time, t.exp_alerts.length])).toEqual([
        [`${(7 * 24 - 1) * 60}m`, 0],
        [`${(7 * 24 + 2) * 60}m`, 1],
      ]);
      const file = build.ruleFiles.find((f) => f.endsWith('baselines.rules.yml'))!;
      const original = readFileSync(file, 'utf8');
      try {
        // Under 1.5× the baseline fires all week long: the test before the shift must catch it.
        writeFileSync(file, original.replace('[7d]))) < 0.5', '[7d]))) < 1.5'));
        expect(readFileSync(file, 'utf8')).not.toBe(original);
        const run = spawnSync('promtool', ['test', 'rules', 'baselines-KafkaThroughputAnomaly.test.yml'], {
          cwd: join(build.outDir, 'tests'),
          encoding: 'utf8',
        });
        expect(run.status).not.toBe(0);
        expect(run.stdout + run.stderr).toMatch(
          /KafkaThroughputAnomaly T2 fires at 0\.2,\s+alertname: KafkaThroughputAnomaly, time: 6d23h/,
        );
      } finally {
        writeFileSync(file, original);
      }
    });
  });
});
