/**
 * The Prometheus 3 readiness lint: a bad example per check is found, with where, what changes and the
 * fix; its good twin is not; and every seed rule, dashboard query and generated config passes, while
 * the same seed fails when the facts the lint relies on are taken away (so the pass is not vacuous).
 */
import { describe, expect, it } from 'vitest';
import { compileAlertmanager } from '../compile/alertmanager.ts';
import { DEFAULT_DEPLOY, kubePrometheusStackValues, serviceMonitors } from '../compile/deploy.ts';
import { ENVIRONMENTS } from '../compile/environments.ts';
import { seedCatalog } from '../seed/index.ts';
import { compareMatcherParsers } from './am-matchers.ts';
import {
  lintAlertmanagerConfig,
  lintPrometheusConfig,
  lintStackValues,
  prometheus3Findings,
  prometheus3Problems,
  sampleIntervals,
} from './prometheus3-config.ts';
import { lintPromql, normalisedFloat, type SampleIntervals } from './prometheus3.ts';

const seed = seedCatalog();
const iv = sampleIntervals(seed);
const lint = (expr: string, intervals: SampleIntervals = iv) => lintPromql(expr, 'test rule', intervals);
const checks = (expr: string) => lint(expr).map((f) => f.check);

describe('the Prometheus 3 lint on PromQL', () => {
  it('flags a "." in a regex on a free-text label, not on labels that cannot hold a newline', () => {
    const [f] = lint('rate(http_requests_total{user_agent=~"curl.*"}[5m])');
    expect(f).toMatchObject({ where: 'test rule', check: 'regex-newline' });
    expect(f!.change).toContain('"." also matches a newline');
    expect(f!.fix).toContain('curl[^\\n]*');
    expect(checks('label_replace(up, "x", "$1", "user_agent", "(.*)")')).toEqual(['regex-newline']);
    for (const ok of [
      'up{job=~".+"}',
      'up{mountpoint=~"/var/lib/kafka.*"}',
      'up{user_agent=~"(?s)curl.*"}',
      'up{user_agent=~"curl[.]x"}',
      'up{user_agent=~"curl\\\\.x"}',
      'up{user_agent!="a.b"}',
    ])
      expect(checks(ok), ok).toEqual([]);
  });

  it('flags a range window that can hold fewer samples than the function needs at the job’s scrape interval', () => {
    // yace is scraped every 60 s: rate needs two samples, so at least 2m.
    const [f] = lint('rate(aws_x{job="yace"}[1m])');
    expect(f).toMatchObject({ check: 'range-window' });
    expect(f!.change).toContain('1m scrape interval of job yace');
    expect(f!.fix).toContain('at least 2m');
    expect(checks('rate(aws_x{job="yace"}[2m])')).toEqual([]);
    expect(checks('rate(go_x{job="game-api"}[30s])')).toEqual([]); // 15 s scrapes
    expect(checks('max_over_time(aws_x{job="yace"}[30s])')).toEqual(['range-window']);
    expect(checks('max_over_time(aws_x{job="yace"}[1m])')).toEqual([]);
    // The migration guide's example: a subquery foo[1m:1m] holds one point in 3.x.
    expect(checks('rate(foo[1m:1m])')).toEqual(['range-window']);
    expect(checks('rate(foo[2m:1m])')).toEqual([]);
    // No job pinned: the slowest job it may read decides.
    expect(checks('increase(foo[90s])')).toEqual(['range-window']);
    // A recorded series has a sample per evaluation (30 s).
    const recorded = seed.recordingRules[0]!.record;
    expect(checks(`deriv(${recorded}[45s])`)).toEqual(['range-window']);
    expect(checks(`deriv(${recorded}[1m])`)).toEqual([]);
  });

  it('flags holt_winters, renamed double_exponential_smoothing behind a feature flag, but not in a string', () => {
    const [f] = lint('holt_winters(foo[10m], 0.5, 0.5)');
    expect(f).toMatchObject({ check: 'renamed-function' });
    expect(f!.fix).toContain('double_exponential_smoothing');
    expect(f!.fix).toContain('promql-experimental-functions');
    expect(checks('up{note="holt_winters(x)"}')).toEqual([]);
  });

  it('flags UTF-8 names: quoted metric and label names and names outside the legacy charset', () => {
    expect(checks('{"http.server.duration"}')).toEqual(['utf8-name']);
    expect(checks('up{"http.method"="GET"}')).toEqual(['utf8-name']);
    expect(checks('sum by ("k8s.pod") (up)')).toEqual(['utf8-name']);
    expect(lint('{"a.b"}')[0]!.fix).toContain('"a_b"');
    expect(checks('up{"method"="GET"}')).toEqual([]); // a quoted legacy name means the same in 3.x
    expect(checks('sum by (method) (up{method="GET"})')).toEqual([]);
  });

  it('flags le and quantile values that 3.x stores normalised to floats', () => {
    const [f] = lint('rate(http_duration_seconds_bucket{le="1"}[5m])');
    expect(f).toMatchObject({ check: 'le-quantile' });
    expect(f!.fix).toContain('"1.0"');
    expect(lint('x_bucket{le="1000000"}')[0]!.fix).toContain('"1e+06"');
    expect(lint('x_bucket{le=~"1|2.5"}')[0]!.fix).toContain('le=~"1.0|2.5"');
    expect(checks('x{quantile="1"}')).toEqual(['le-quantile']);
    for (const ok of [
      'x_bucket{le="1.0"}',
      'x_bucket{le="+Inf"}',
      'x_bucket{le="0.25"}',
      'x{quantile="0.99"}',
    ])
      expect(checks(ok), ok).toEqual([]);
  });

  it('normalises floats as Go writes them', () => {
    expect(['1', '0', '10', '0.5', '1e3', '1000000', '0.00001', '2.50'].map(normalisedFloat)).toEqual([
      '1.0',
      '0.0',
      '10.0',
      '0.5',
      '1000.0',
      '1e+06',
      '1e-05',
      '2.5',
    ]);
  });
});

describe('the Prometheus 3 lint on configs', () => {
  it('flags removed settings: Alertmanager api_version v1, scrape_classic_histograms, gone feature flags', () => {
    const prom = lintPrometheusConfig(
      {
        alerting: { alertmanagers: [{ api_version: 'v1' }, { api_version: 'v2' }] },
        scrape_configs: [{ job_name: 'a', scrape_classic_histograms: true }, { job_name: 'b' }],
      },
      'federation/prometheus.yml',
    );
    expect(prom.map((f) => [f.check, f.where])).toEqual([
      ['removed-config', 'federation/prometheus.yml: alerting.alertmanagers[0].api_version'],
      ['removed-config', 'federation/prometheus.yml: scrape_configs[0] (a)'],
    ]);
    expect(prom[1]!.fix).toContain('always_scrape_classic_histograms');
    const values = lintStackValues(
      { prometheus: { prometheusSpec: { enableFeatures: ['promql-at-modifier', 'exemplar-storage'] } } },
      'values.yaml',
    );
    expect(values).toHaveLength(1);
    expect(values[0]!.change).toContain('promql-at-modifier');
  });

  it('flags a relabel regex with "." over a free-text source label, not over Kubernetes names', () => {
    const config = (source: string) => ({
      scrape_configs: [
        { job_name: 'x', relabel_configs: [{ source_labels: [source], regex: '(.+)', target_label: 'y' }] },
      ],
    });
    expect(lintPrometheusConfig(config('__meta_kubernetes_pod_annotation_note'), 'p.yml')).toHaveLength(1);
    expect(lintPrometheusConfig(config('__meta_kubernetes_pod_name'), 'p.yml')).toEqual([]);
  });

  it('flags Alertmanager matchers the UTF-8 parser cannot read or reads differently, with the quoted fix', () => {
    const findings = lintAlertmanagerConfig(
      {
        route: {
          matchers: ['alertname="Watchdog"'],
          routes: [{ matchers: ['team=', 'tier=T1'] }, { routes: [{ matchers: ['summary=disk full'] }] }],
        },
        inhibit_rules: [
          { source_matchers: ['qux="\\xf0\\x9f\\x99\\x82"'], target_matchers: ['severity=~"warning|info"'] },
        ],
      },
      'alertmanager.yml',
    );
    expect(findings.map((f) => [f.where, f.fix])).toEqual([
      ['alertmanager.yml: route.routes[0].matchers[0]', `double-quote the value: 'team=""'`],
      [
        'alertmanager.yml: route.routes[1].routes[0].matchers[0]',
        `double-quote the value: 'summary="disk full"'`,
      ],
      [
        'alertmanager.yml: inhibit_rules[0].source_matchers[0]',
        `write it so both agree: 'qux="\\\\xf0\\\\x9f\\\\x99\\\\x82"'`,
      ],
    ]);
    expect(findings[2]!.change).toContain('🙂');
  });

  it('parses matchers as each Alertmanager parser does', () => {
    expect(compareMatcherParsers('{alertname="Watchdog", severity=~"warning|critical",}')).toEqual({
      kind: 'unchanged',
    });
    expect(compareMatcherParsers('Προμηθεύς=bar')).toMatchObject({ kind: 'unchanged' }); // UTF-8 only: not a regression
    expect(compareMatcherParsers('foo!bar')).toMatchObject({ kind: 'invalid' });
    expect(compareMatcherParsers('re=~"\\\\d+"')).toEqual({ kind: 'unchanged' });
    expect(compareMatcherParsers('re=~\\d+')).toMatchObject({
      kind: 'incompatible',
      suggestion: 're=~"\\\\d+"',
    });
  });
});

describe('the seed catalog and what klaxon build writes', () => {
  const am = compileAlertmanager(seed, { target: 'klaxon' });
  const outputs = {
    alertmanager: am,
    values: kubePrometheusStackValues(am, undefined, seed),
    serviceMonitors: serviceMonitors(DEFAULT_DEPLOY),
  };

  it('passes: every rule, dashboard query and config, in every environment', () => {
    expect(prometheus3Problems(prometheus3Findings(seed, outputs))).toEqual([]);
    for (const env of Object.values(ENVIRONMENTS))
      expect(
        prometheus3Findings(seed, { ...outputs, values: kubePrometheusStackValues(am, env, seed) }),
        env.name,
      ).toEqual([]);
  });

  it('is not vacuous: the seed’s own regexes and windows are found once their facts are taken away', () => {
    // Every scrape 10 minutes apart: every 5m rate in the seed would read too few samples.
    const slow: SampleIntervals = {
      ...iv,
      jobs: new Map([...iv.jobs].map(([j]) => [j, 600_000])),
      defaultScrapeMs: 600_000,
    };
    const rules = seed.alerts.map((a) => a.expr);
    const windows = rules.flatMap((e) => lint(e, slow)).filter((f) => f.check === 'range-window');
    expect(windows.length).toBeGreaterThan(10);
    expect(rules.flatMap((e) => lint(e)).filter((f) => f.check === 'range-window')).toEqual([]);
    // The seed's regex matchers are on labels that cannot hold a newline; the same regex on free text is flagged.
    const regexes = rules
      .flatMap((e) => [...e.matchAll(/([a-zA-Z_]+)=~("(?:[^"\\]|\\.)*")/g)])
      .filter((m) => m[2]!.includes('.'));
    expect(regexes.length).toBeGreaterThan(0);
    for (const [, , re] of regexes) expect(checks(`up{free_text=~${re}}`), re).toEqual(['regex-newline']);
  });
});
