/**
 * Alertmanager v0.25's routing tree, matchers and inhibition, replayed over plain config data:
 * dispatch/route.go (NewRoute's defaults and inheritance, Match's depth-first search with `continue`,
 * Key), pkg/labels/parse.go (ParseMatchers / ParseMatcher), config.go (`group_by` and `...`) and
 * inhibit/inhibit.go (Mutes / hasEqual). Each expectation follows from those sources.
 */
import { describe, expect, it } from 'vitest';
import { matcherList, parseMatcher } from './matchers.ts';
import {
  buildInhibitRules,
  buildRoutes,
  groupLabels,
  inhibited,
  labelsString,
  matchRoutes,
} from './routing.ts';
import { BacktestInputError } from './time.ts';

const m = (text: string) => parseMatcher(text, 'test');

describe('matchers', () => {
  it('compares a missing label as the empty string', () => {
    expect(m('team=""')({})).toBe(true);
    expect(m('team!="core"')({})).toBe(true);
    expect(m('team=~".*"')({})).toBe(true);
    expect(m('team=~".+"')({})).toBe(false);
    expect(m('team!~"core"')({})).toBe(true);
  });

  it('anchors regular expressions', () => {
    const pod = m('alertname=~"KubePod.*"');
    expect(pod({ alertname: 'KubePodCrashLooping' })).toBe(true);
    expect(pod({ alertname: 'XKubePodCrashLooping' })).toBe(false);
    expect(m('alertname=~"A|B"')({ alertname: 'AB' })).toBe(false);
    expect(m('alertname!~"A|B"')({ alertname: 'B' })).toBe(false);
  });

  it('accepts unquoted values, spaces around the operator, and colons in label names', () => {
    expect(m('tier = T1')({ tier: 'T1' })).toBe(true);
    expect(m('tier!=T1')({ tier: 'T1' })).toBe(false);
    expect(m('job:name="x"')({ 'job:name': 'x' })).toBe(true);
  });

  it('unescapes values as OpenMetrics does, keeping a backslash before any other character', () => {
    expect(m('summary="say \\"hi\\""')({ summary: 'say "hi"' })).toBe(true);
    expect(m('path="a\\\\b"')({ path: 'a\\b' })).toBe(true);
    expect(m('text="a\\nb"')({ text: 'a\nb' })).toBe(true);
    // `\d` is not an OpenMetrics escape: the backslash stays, so the regex sees \d.
    expect(m('instance=~"host\\d+"')({ instance: 'host42' })).toBe(true);
    expect(m('instance=~"host\\d+"')({ instance: 'hostx' })).toBe(false);
  });

  it('splits a matcher string on commas outside quotes, with optional braces and a trailing comma', () => {
    const ms = matcherList({ matchers: ['{service="a,b", tier=~"T1|T2", }'] }, 'test');
    expect(ms).toHaveLength(2);
    expect(ms.every((x) => x({ service: 'a,b', tier: 'T2' }))).toBe(true);
    expect(ms.every((x) => x({ service: 'a', tier: 'T2' }))).toBe(false);
  });

  it('combines the legacy match and match_re maps with matchers', () => {
    const ms = matcherList(
      { match: { service: 'kafka' }, match_re: { tier: 'T1|T2' }, matchers: ['team!="x"'] },
      't',
    );
    const all = (l: Record<string, string>) => ms.every((x) => x(l));
    expect(all({ service: 'kafka', tier: 'T1', team: 'y' })).toBe(true);
    expect(all({ service: 'kafka', tier: 'T3', team: 'y' })).toBe(false);
    expect(all({ service: 'kafka', tier: 'T1', team: 'x' })).toBe(false);
  });

  it('rejects what is not a matcher, with an input error naming where it is', () => {
    for (const bad of ['tier', '1tier="x"', 'tier=="x"', 'a="b"c"', 'a=~"("'])
      expect(() => m(bad), bad).toThrow(BacktestInputError);
    expect(() => matcherList({ matchers: [42] }, 'route.routes[0]')).toThrow(/route\.routes\[0\]/);
  });
});

const TREE = {
  receiver: 'default',
  group_by: ['alertname'],
  group_wait: '10s',
  routes: [
    { receiver: 'audit', matchers: ['audit="yes"'], continue: true },
    {
      receiver: 'pager',
      matchers: ['tier="T1"'],
      group_interval: '1m',
      routes: [
        { receiver: 'kafka-pager', matchers: ['service="kafka"'], group_by: ['...'] },
        { matchers: ['service="redshift"'], group_by: [] },
        { receiver: 'db-pager', matchers: ['service=~"redshift|postgres"'], group_by: ['service'] },
      ],
    },
    { receiver: 'second', matchers: ['tier="T1"'] },
    { receiver: 'tickets', match: { tier: 'T2' }, repeat_interval: '12h' },
  ],
};

describe('routing tree', () => {
  const root = buildRoutes(TREE);
  const receivers = (labels: Record<string, string>) => matchRoutes(root, labels).map((r) => r.receiver);

  it('takes the first matching child and stops there unless it has continue', () => {
    expect(receivers({ tier: 'T1', service: 'kafka' })).toEqual(['kafka-pager']);
    // `audit` has continue: the search goes on to the next siblings.
    expect(receivers({ tier: 'T1', service: 'kafka', audit: 'yes' })).toEqual(['audit', 'kafka-pager']);
    // The second T1 route is never reached: the first T1 route matched without continue.
    expect(receivers({ tier: 'T1', service: 'other' })).toEqual(['pager']);
  });

  it('ends on the deepest matching node, or the root when no child matches', () => {
    expect(receivers({ tier: 'T3' })).toEqual(['default']);
    // A match through `continue` counts: the root is not added when only `audit` matched.
    expect(receivers({ tier: 'T3', audit: 'yes' })).toEqual(['audit']);
  });

  it("inherits the receiver, grouping and timing from the parent, and uses Alertmanager's defaults at the root", () => {
    const [redshift] = matchRoutes(root, { tier: 'T1', service: 'redshift' });
    expect(redshift).toMatchObject({
      receiver: 'pager',
      groupWaitMs: 10_000,
      groupIntervalMs: 60_000,
      repeatIntervalMs: 4 * 3_600_000,
    });
    // `group_by: []` sets nothing (config.go only fills GroupBy from a non-empty list): the parent's.
    expect(redshift!.groupBy).toEqual(['alertname']);
    const [tickets] = matchRoutes(root, { tier: 'T2' });
    expect(tickets).toMatchObject({
      groupWaitMs: 10_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 12 * 3_600_000,
    });
    expect(buildRoutes({ receiver: 'r' })).toMatchObject({ groupBy: [], groupWaitMs: 30_000 });
  });

  it("groups by every label with '...', and by the listed labels otherwise", () => {
    const labels = { alertname: 'A', tier: 'T1', service: 'kafka', pod: 'p-1' };
    const [kafka] = matchRoutes(root, labels);
    expect(kafka!.groupBy).toBe('all');
    expect(groupLabels(kafka!, labels)).toEqual(labels);
    const [pager] = matchRoutes(root, { ...labels, service: 'x' });
    expect(groupLabels(pager!, { ...labels, service: 'x' })).toEqual({ alertname: 'A' });
    // A group_by label the alert lacks is not a group label.
    expect(groupLabels(buildRoutes({ group_by: ['alertname', 'node'] }), labels)).toEqual({ alertname: 'A' });
  });

  it("keys each route by its ancestors' sorted matchers, as Route.Key prints them", () => {
    expect(root.key).toBe('{}');
    const [kafka] = matchRoutes(root, { tier: 'T1', service: 'kafka' });
    expect(kafka!.key).toBe('{}/{tier="T1"}/{service="kafka"}');
    const [tickets] = matchRoutes(root, { tier: 'T2' });
    expect(tickets!.key).toBe('{}/{tier="T2"}');
    const sorted = buildRoutes({ routes: [{ matchers: ['b=~"x|y"', 'a = "q\\"t"', 'b="x"'] }] });
    // By name, then value, then type; values quoted with `"` escaped.
    expect(sorted.children[0]!.key).toBe('{}/{a="q\\"t",b="x",b=~"x|y"}');
  });

  it('prints group labels as model.LabelSet.String does', () => {
    expect(labelsString({ tier: 'T1', alertname: 'A"b' })).toBe('{alertname="A\\"b", tier="T1"}');
    expect(labelsString({})).toBe('{}');
  });

  it('reports a bad duration with where it is', () => {
    expect(() => buildRoutes({ routes: [{ group_wait: '5 minutes' }] })).toThrow(/routes\[0\]\.group_wait/);
  });
});

describe('inhibition', () => {
  const [t1OverT2] = buildInhibitRules([
    { source_matchers: ['tier="T1"'], target_matchers: ['tier="T2"'], equal: ['alertname', 'service'] },
  ]);
  const alert = (id: string, labels: Record<string, string>) => ({ id, labels });

  it('mutes a target when a firing source has the same equal labels, not when one differs', () => {
    const source = alert('s', { alertname: 'Lag', service: 'kafka', tier: 'T1' });
    const same = alert('t', { alertname: 'Lag', service: 'kafka', tier: 'T2' });
    const other = alert('u', { alertname: 'Lag', service: 'redshift', tier: 'T2' });
    expect(inhibited([t1OverT2!], same, [source, same])).toBe(true);
    expect(inhibited([t1OverT2!], other, [source, other])).toBe(false);
    // The source itself does not match the target side.
    expect(inhibited([t1OverT2!], source, [source, same])).toBe(false);
    // Without a firing source, nothing is muted.
    expect(inhibited([t1OverT2!], same, [same])).toBe(false);
  });

  it('treats an equal label missing on both sides as equal, and missing on one side as different', () => {
    const [rule] = buildInhibitRules([
      {
        source_matchers: ['alertname="NodeDown"'],
        target_matchers: ['alertname="PodDown"'],
        equal: ['node'],
      },
    ]);
    const source = alert('s', { alertname: 'NodeDown' });
    expect(inhibited([rule!], alert('t', { alertname: 'PodDown' }), [source])).toBe(true);
    expect(inhibited([rule!], alert('t', { alertname: 'PodDown', node: 'n1' }), [source])).toBe(false);
  });

  it('when the target matches both sides, disregards sources that match both sides too', () => {
    const [rule] = buildInhibitRules([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"critical|warning"'],
        equal: ['service'],
      },
    ]);
    const critA = alert('a', { alertname: 'A', severity: 'critical', service: 'x' });
    const critB = alert('b', { alertname: 'B', severity: 'critical', service: 'x' });
    const warn = alert('w', { alertname: 'W', severity: 'warning', service: 'x' });
    // Two critical alerts do not mute each other (nor themselves) …
    expect(inhibited([rule!], critA, [critA, critB])).toBe(false);
    // … but a critical alert mutes a warning that only matches the target side.
    expect(inhibited([rule!], warn, [critA, warn])).toBe(true);
  });

  it('builds rules from the legacy source_match / target_match_re maps', () => {
    const [rule] = buildInhibitRules([
      {
        source_match: { alertname: 'ModelDown' },
        target_match_re: { alertname: 'Latency.*' },
        equal: ['model'],
      },
    ]);
    const src = alert('s', { alertname: 'ModelDown', model: 'm' });
    expect(inhibited([rule!], alert('t', { alertname: 'LatencyHigh', model: 'm' }), [src])).toBe(true);
    expect(inhibited([rule!], alert('t', { alertname: 'ErrorsHigh', model: 'm' }), [src])).toBe(false);
  });
});
