/**
 * `metricNames`: the metric names a rule's PromQL selects, so the backtest can tell a rule that has no
 * data from one that never fired. Checked on the seed catalog's real expressions (never a grouping label,
 * a function, a keyword, a duration or a number; always the recording rules' names with colons) and on
 * hand-written expressions covering the rest of PromQL's syntax.
 */
import { describe, expect, it } from 'vitest';
import { compileRuleGroups, loadCatalog } from '@klaxon/catalog';
import { metricNames } from './catalog.ts';

const groups = compileRuleGroups(await loadCatalog());
const rules = groups.flatMap((g) => g.rules);
const recorded = rules.flatMap((r) => (r.record ? [r.record] : []));

/** Label names in by / without / on / ignoring / group_left / group_right clauses. */
const clauseLabels = (expr: string) =>
  [...expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** Words written as calls: `name(`. */
const calls = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\(/g)].map((m) => m[1]!);

const KEYWORDS = [
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
];

describe('metricNames on the seed catalog', () => {
  it('has expressions to check, recording rules among them', () => {
    expect(rules.filter((r) => r.alert).length).toBeGreaterThan(20);
    expect(recorded.some((n) => n.includes(':'))).toBe(true);
  });

  for (const r of rules) {
    const name = r.alert ?? r.record!;
    it(`${name}: ${r.expr.slice(0, 70)}`, () => {
      const names = metricNames(r.expr);
      const clause = new Set(clauseLabels(r.expr));
      const called = new Set(calls(r.expr));
      for (const n of names) {
        expect(n).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        expect(KEYWORDS).not.toContain(n);
        expect(clause.has(n), `${n} is a grouping label`).toBe(false);
        expect(called.has(n), `${n} is a function`).toBe(false);
        // Every name occurs in the expression as a selector: a whole word, not inside a string.
        expect(r.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')).toMatch(new RegExp(`(^|[^\\w:])${n}($|[^\\w:])`));
      }
      // A rule that reads a recorded series names it, colons and all.
      for (const rec of recorded)
        if (new RegExp(`(^|[^\\w:])${rec}($|[^\\w:])`).test(r.expr)) expect(names).toContain(rec);
      // Only an expression whose every word is a call or a keyword (the Watchdog's vector(1)) names nothing.
      if (names.length === 0) {
        const words = [...r.expr.matchAll(/(?<![\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]);
        expect(words.filter((w) => !called.has(w) && !KEYWORDS.includes(w))).toEqual([]);
      }
    });
  }
});

describe('metricNames on the rest of PromQL', () => {
  const cases: [string, string[]][] = [
    [
      'sum by (topic) (rate(kafka_in_total{job="a",topic=~"x|y"}[5m])) / sum by (topic) (rate(kafka_out_total[5m] offset 1h)) > 0.5',
      ['kafka_in_total', 'kafka_out_total'],
    ],
    ['sum(rate(req_total[5m])) by (le, service) > bool 1e3', ['req_total']],
    ['x_ratio * on (namespace, pod) group_left (node) kube_pod_info', ['x_ratio', 'kube_pod_info']],
    ['histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m:1m])))', ['h_bucket']],
    ['absent(up{job="a"}) or vector(0) and on() time() > 5', ['up']],
    ['label_replace(m_total, "dst", "$1", "src", "(.*)")', ['m_total']],
    [
      'count without (instance) (ns:requests:rate5m) unless ignoring (x) y_total > Inf',
      ['ns:requests:rate5m', 'y_total'],
    ],
    ['max_over_time(temp_celsius[1h] @ start()) - min_over_time(temp_celsius[2h30m])', ['temp_celsius']],
    [
      'topk(3, sum without (pod) (container_memory_working_set_bytes{namespace="by"})) < NaN',
      ['container_memory_working_set_bytes'],
    ],
  ];
  for (const [expr, want] of cases)
    it(expr, () => {
      expect(metricNames(expr).sort()).toEqual([...want].sort());
    });
});
