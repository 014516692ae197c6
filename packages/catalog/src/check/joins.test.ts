/**
 * Joins on info series: `klaxon check` refuses one without an `or on (…)` fallback, the seed passes, and
 * the generated promtool groups prove KubePodCrashLooping fires both with and without kube_pod_info.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { missingBinary } from '@klaxon/testing';
import { compileRuleGroups } from '../compile/rules.ts';
import { alertTests, compileTests } from '../compile/tests.ts';
import type { AlertDefinition, Catalog } from '../model/alert.ts';
import { seedCatalog } from '../seed/index.ts';
import { checkInfoJoins, infoJoins } from './joins.ts';

const seed = seedCatalog();
const crash = seed.alerts.find((a) => a.name === 'KubePodCrashLooping')!;
/** The seed's expression cut before its fallback: the join alone, as it was before issue 20. */
const joinOnly = crash.expr.slice(0, crash.expr.indexOf(' or on ('));
const only = (a: AlertDefinition): Catalog => ({ ...seed, alerts: [a], recordingRules: [] });
const problems = (over: Partial<AlertDefinition>) => checkInfoJoins(only({ ...crash, ...over }));

describe('joins on info series', () => {
  it('passes the seed, whose crash-loop alert joins kube_pod_info with a fallback', () => {
    expect(checkInfoJoins(seed)).toEqual([]);
    expect(infoJoins(crash.expr)).toEqual([{ metric: 'kube_pod_info', labels: ['node'] }]);
    expect(crash.infoJoin).toEqual({ metric: 'kube_pod_info', labels: ['node'] });
  });

  it('refuses the join without a fallback, naming the file, the alert and the fix', () => {
    expect(joinOnly).toContain('group_left (node) kube_pod_info');
    expect(problems({ expr: joinOnly })).toEqual([
      {
        subject: 'packages/catalog/src/seed/kubernetes.ts: alert KubePodCrashLooping',
        message: expect.stringMatching(
          /^joins the info series kube_pod_info for \(node\), but it has no fallback: .*append ` or on \(namespace, pod, container\) <the expression without the join>`/,
        ),
      },
    ]);
  });

  it('refuses an `or` that would duplicate or is not the un-joined expression', () => {
    const fallback = crash.expr.slice(crash.expr.indexOf(' max by (namespace, pod, container) ('));
    const cases: [string, RegExp][] = [
      [`${joinOnly} or${fallback}`, /has no on \(…\).*every alert twice/],
      [`${joinOnly} or on (namespace, pod, container, node)${fallback}`, /names joined labels \(node\)/],
      [`${joinOnly} or ignoring (pod)${fallback}`, /must ignore every joined label \(node\)/],
      [`${joinOnly} or on (namespace, pod) kube_pod_info`, /reads kube_pod_info too/],
      [`${joinOnly} or on (namespace, pod) up`, /is not the un-joined one/],
    ];
    for (const [expr, message] of cases)
      expect(problems({ expr }).map((p) => p.message)).toEqual([expect.stringMatching(message)]);
    expect(problems({ expr: `${joinOnly} or ignoring (node)${fallback}` })).toEqual([]);
  });

  it('finds group_right joins, and joins on the declared infoJoin metric whatever its name', () => {
    expect(infoJoins('kube_pod_info * on (namespace, pod) group_right (node) up')).toEqual([
      { metric: 'kube_pod_info', labels: ['node'], problem: expect.stringContaining('no fallback') },
    ]);
    expect(infoJoins('up * on (instance) group_left (version) build_meta')).toEqual([]);
    expect(infoJoins('up * on (instance) group_left (version) build_meta', 'build_meta')).toHaveLength(1);
  });

  it('requires infoJoin to match the join, so klaxon test proves it both ways', () => {
    expect(problems({ infoJoin: undefined }).map((p) => p.message)).toEqual([
      expect.stringContaining("declare infoJoin: { metric: 'kube_pod_info', labels: ['node'] }"),
    ]);
    expect(problems({ infoJoin: { metric: 'kube_node_info', labels: ['node'] } })[0]!.message).toContain(
      'declares infoJoin on kube_node_info, but its expression has no group_left/group_right join on it',
    );
    expect(problems({ infoJoin: { metric: 'kube_pod_info', labels: ['host_ip'] } })[0]!.message).toContain(
      'infoJoin.labels (host_ip) differ from the labels the join copies (node)',
    );
  });

  it('checks recording rules too', () => {
    const catalog = {
      alerts: [],
      recordingRules: [{ group: 'kubernetes', record: 'pod:crashlooping:node', expr: joinOnly }],
    };
    expect(checkInfoJoins(catalog)).toEqual([
      {
        subject: 'recording rule pod:crashlooping:node (group kubernetes)',
        message: expect.stringContaining(
          'joins the info series kube_pod_info for (node), but it has no fallback',
        ),
      },
    ]);
  });

  it('generates a group per firing threshold without the info series, expecting the alert without node', () => {
    const groups = alertTests(seed, crash);
    const without = groups.find((g) => g.name === 'KubePodCrashLooping T1 fires without kube_pod_info at 1')!;
    const withInfo = groups.find((g) => g.name === 'KubePodCrashLooping T1 fires at 1')!;
    expect(withInfo.input_series.some((s) => s.series.startsWith('kube_pod_info{'))).toBe(true);
    expect(without.input_series).toEqual(
      withInfo.input_series.filter((s) => !s.series.startsWith('kube_pod_info{')),
    );
    const [joined] = withInfo.alert_rule_test.at(-1)!.exp_alerts;
    const [plain] = without.alert_rule_test[0]!.exp_alerts;
    expect(joined!.exp_labels.node).toBe('ip-10-0-1-23');
    const { node: _node, ...rest } = joined!.exp_labels;
    expect(plain!.exp_labels).toEqual(rest);
    expect(groups.filter((g) => g.name.includes('without'))).toHaveLength(crash.thresholds.length);
    expect(() =>
      alertTests(seed, { ...crash, infoJoin: { metric: 'kube_node_info', labels: ['node'] } }),
    ).toThrow('infoJoin names kube_node_info, but input() feeds no such series');
  });

  const skip = missingBinary(['promtool'], 'prometheus');
  describe.skipIf(skip)('with real promtool', () => {
    /** Runs the generated tests of `alert` on its compiled rule; promtool's exit status and output. */
    const promtool = (alert: AlertDefinition) => {
      const dir = mkdtempSync(join(tmpdir(), 'klaxon-joins-'));
      const catalog = only(alert);
      writeFileSync(join(dir, 'rules.yml'), stringify({ groups: compileRuleGroups(catalog) }));
      const [file] = compileTests(catalog, () => 'rules.yml').values();
      writeFileSync(join(dir, 'joins.test.yml'), stringify(file));
      const run = spawnSync('promtool', ['test', 'rules', 'joins.test.yml'], { cwd: dir, encoding: 'utf8' });
      return { status: run.status, output: run.stdout + run.stderr };
    };

    it('proves the seed alert fires with kube_pod_info (with node) and without it (without node)', () => {
      const run = promtool(crash);
      expect(run.status, run.output).toBe(0);
    });

    it('fails the group without kube_pod_info when the fallback is removed, and the joined one on a bare `or`', () => {
      const bare = promtool({ ...crash, expr: joinOnly });
      expect(bare.status).not.toBe(0);
      expect(bare.output).toContain('KubePodCrashLooping T1 fires without kube_pod_info');
      expect(bare.output).not.toMatch(/KubePodCrashLooping T1 fires at 1/);
      // Without on (…), both the joined and the fallback series fire: the joined test sees two alerts.
      const fallback = crash.expr.slice(crash.expr.indexOf(' max by (namespace, pod, container) ('));
      const twice = promtool({ ...crash, expr: `${joinOnly} or${fallback}` });
      expect(twice.status).not.toBe(0);
      expect(twice.output).toMatch(/KubePodCrashLooping T1 fires at 1/);
    });
  });
});
