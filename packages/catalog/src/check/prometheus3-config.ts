/**
 * The config half of the Prometheus 3 readiness lint, and its runner over a build: Alertmanager
 * matchers that the UTF-8 matcher parser (Alertmanager 0.27+, as kube-prometheus-stack ships it) reads
 * differently or not at all; settings 3.0 removed or renamed (`api_version: v1` for Alertmanager,
 * `scrape_classic_histograms`, feature flags now default or gone); relabel regexes whose `.` now
 * matches a newline. `prometheus3Findings` lints everything `klaxon build` writes for Prometheus.
 */
import type { AlertmanagerConfig } from '../compile/alertmanager.ts';
import { SCRAPE_TARGETS } from '../compile/deploy.ts';
import { compileRuleGroups, type PromRuleGroup } from '../compile/rules.ts';
import type { Catalog } from '../model/alert.ts';
import { compareMatcherParsers } from './am-matchers.ts';
import { panelQueries } from './dashboards.ts';
import {
  lintPromql,
  NEWLINE_FREE_LABELS,
  promDurationMs,
  regexDots,
  type Prom3Finding,
  type SampleIntervals,
} from './prometheus3.ts';
import type { Problem } from './policy.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Every `matchers`, `source_matchers` and `target_matchers` entry of an Alertmanager config. */
export function lintAlertmanagerConfig(config: unknown, file: string): Prom3Finding[] {
  const findings: Prom3Finding[] = [];
  const check = (matcher: unknown, where: string) => {
    if (typeof matcher !== 'string') return;
    const v = compareMatcherParsers(matcher);
    if (v.kind === 'incompatible')
      findings.push({
        where: `${file}: ${where}`,
        check: 'alertmanager-matcher',
        change: `the UTF-8 matcher parser cannot read '${matcher}' (${v.error}); 0.27+ falls back to the classic parser with a warning, and utf8-strict-mode (the announced default) refuses the config`,
        fix: `double-quote the value: '${v.suggestion}'`,
      });
    if (v.kind === 'disagreement')
      findings.push({
        where: `${file}: ${where}`,
        check: 'alertmanager-matcher',
        change: `'${matcher}' means ${JSON.stringify(v.classic)} to the classic parser but ${JSON.stringify(v.utf8)} to the UTF-8 parser`,
        fix: `write it so both agree: '${v.suggestion}'`,
      });
  };
  const route = (r: unknown, path: string) => {
    arr(obj(r).matchers).forEach((m, i) => check(m, `${path}.matchers[${i}]`));
    arr(obj(r).routes).forEach((child, i) => route(child, `${path}.routes[${i}]`));
  };
  const am = obj(config);
  route(am.route, 'route');
  arr(am.inhibit_rules).forEach((rule, i) => {
    for (const side of ['source_matchers', 'target_matchers'])
      arr(obj(rule)[side]).forEach((m, j) => check(m, `inhibit_rules[${i}].${side}[${j}]`));
  });
  return findings;
}

/** A relabel rule's regex whose `.` can now match a newline in one of its source labels. */
function lintRelabel(rule: unknown, where: string, sourceKey: string): Prom3Finding[] {
  const r = obj(rule);
  const regex = typeof r.regex === 'string' ? r.regex : '(.*)';
  const sources = arr(r[sourceKey]).filter((s): s is string => typeof s === 'string');
  // Kubernetes discovery labels hold names and label values (no newline); annotations are free text.
  const free = sources.filter(
    (s) =>
      !NEWLINE_FREE_LABELS.has(s) &&
      !(s.startsWith('__meta_kubernetes_') && !s.includes('_annotation_')) &&
      !s.startsWith('__address__'),
  );
  if (free.length === 0 || regexDots(regex).length === 0) return [];
  return [
    {
      where,
      check: 'regex-newline',
      change: `relabel regex "${regex}" reads ${free.join(', ')}: in 3.x "." also matches a newline, which free-text values can hold`,
      fix: 'write [^\\n] for "." if the 2.x behaviour is meant, or match only what you need',
    },
  ];
}

/** Feature flags 3.0 made default or replaced (migration guide, "Flags"). */
const REMOVED_FLAGS = new Map([
  ['promql-at-modifier', 'always on in 3.x: drop the flag'],
  ['promql-negative-offset', 'always on in 3.x: drop the flag'],
  ['new-service-discovery-manager', 'always on in 3.x: drop the flag'],
  ['expand-external-labels', 'always on in 3.x ($var in external labels expands; write $$ for a literal $)'],
  ['no-default-scrape-port', 'always on in 3.x: targets keep the port as written'],
  ['agent', 'use the --agent flag'],
  ['remote-write-receiver', 'use --web.enable-remote-write-receiver'],
  ['auto-gomemlimit', 'always on in 3.x (--no-auto-gomemlimit turns it off)'],
  ['auto-gomaxprocs', 'always on in 3.x (--no-auto-gomaxprocs turns it off)'],
]);

/** A Prometheus config (prometheus.yml), as a federation or demo Prometheus reads it. */
export function lintPrometheusConfig(config: unknown, file: string): Prom3Finding[] {
  const findings: Prom3Finding[] = [];
  const c = obj(config);
  arr(obj(c.alerting).alertmanagers).forEach((am, i) => {
    if (obj(am).api_version === 'v1')
      findings.push({
        where: `${file}: alerting.alertmanagers[${i}].api_version`,
        check: 'removed-config',
        change: '3.x no longer speaks the Alertmanager v1 API: the config fails to load',
        fix: 'set api_version: v2 (Alertmanager 0.16 or later)',
      });
  });
  arr(c.scrape_configs).forEach((sc, i) => {
    const s = obj(sc);
    const where = `${file}: scrape_configs[${i}] (${String(s.job_name)})`;
    if ('scrape_classic_histograms' in s)
      findings.push({
        where,
        check: 'removed-config',
        change:
          'scrape_classic_histograms is renamed always_scrape_classic_histograms in 3.x: the config fails to load',
        fix: 'rename it always_scrape_classic_histograms',
      });
    for (const key of ['relabel_configs', 'metric_relabel_configs'])
      arr(s[key]).forEach((r, j) =>
        findings.push(...lintRelabel(r, `${where}.${key}[${j}]`, 'source_labels')),
      );
  });
  arr(c.remote_write).forEach((rw, i) =>
    arr(obj(rw).write_relabel_configs).forEach((r, j) =>
      findings.push(
        ...lintRelabel(r, `${file}: remote_write[${i}].write_relabel_configs[${j}]`, 'source_labels'),
      ),
    ),
  );
  return findings;
}

/** kube-prometheus-stack values: feature flags, Alertmanager endpoints and the Alertmanager config. */
export function lintStackValues(values: unknown, file: string, withAlertmanager = true): Prom3Finding[] {
  const spec = obj(obj(obj(values).prometheus).prometheusSpec);
  const findings: Prom3Finding[] = [];
  for (const flag of arr(spec.enableFeatures)) {
    const fix = REMOVED_FLAGS.get(String(flag));
    if (fix)
      findings.push({
        where: `${file}: prometheus.prometheusSpec.enableFeatures`,
        check: 'removed-config',
        change: `feature flag ${String(flag)} is gone in 3.x (3.x logs a warning and ignores it)`,
        fix,
      });
  }
  arr(spec.alertingEndpoints).forEach((e, i) => {
    if (obj(e).apiVersion === 'v1')
      findings.push({
        where: `${file}: prometheus.prometheusSpec.alertingEndpoints[${i}].apiVersion`,
        check: 'removed-config',
        change: '3.x no longer speaks the Alertmanager v1 API',
        fix: 'set apiVersion: v2',
      });
  });
  findings.push(
    ...lintPrometheusConfig(
      { scrape_configs: spec.additionalScrapeConfigs },
      `${file}: additionalScrapeConfigs`,
    ),
  );
  // The chart copies these into prometheus.yml as they are: snake_case keys.
  arr(spec.additionalAlertRelabelConfigs).forEach((r, i) =>
    findings.push(
      ...lintRelabel(
        r,
        `${file}: prometheus.prometheusSpec.additionalAlertRelabelConfigs[${i}]`,
        'source_labels',
      ),
    ),
  );
  arr(spec.remoteWrite).forEach((rw, i) =>
    arr(obj(rw).writeRelabelConfigs).forEach((r, j) =>
      findings.push(
        ...lintRelabel(
          r,
          `${file}: prometheus.prometheusSpec.remoteWrite[${i}].writeRelabelConfigs[${j}]`,
          'sourceLabels',
        ),
      ),
    ),
  );
  const am = obj(obj(values).alertmanager).config;
  if (am && withAlertmanager) findings.push(...lintAlertmanagerConfig(am, `${file}: alertmanager.config`));
  return findings;
}

/** ServiceMonitor relabelings and metricRelabelings (the operator's camelCase relabel configs). */
export function lintServiceMonitors(monitors: unknown[], file: string): Prom3Finding[] {
  return monitors.flatMap((m) => {
    const name = String(obj(obj(m).metadata).name);
    return arr(obj(obj(m).spec).endpoints).flatMap((e, i) =>
      ['relabelings', 'metricRelabelings'].flatMap((key) =>
        arr(obj(e)[key]).flatMap((r, j) =>
          lintRelabel(r, `${file}: ServiceMonitor ${name} endpoints[${i}].${key}[${j}]`, 'sourceLabels'),
        ),
      ),
    );
  });
}

/** Sample intervals from the scrape targets and kube-prometheus-stack's global intervals. */
export function sampleIntervals(
  catalog: Catalog,
  scrapeInterval = '30s',
  evaluationInterval = '30s',
): SampleIntervals {
  const evaluationMs = promDurationMs(evaluationInterval);
  return {
    jobs: new Map(SCRAPE_TARGETS.map((t) => [t.job, promDurationMs(t.interval)])),
    defaultScrapeMs: promDurationMs(scrapeInterval),
    recorded: new Map(catalog.recordingRules.map((r) => [r.record, evaluationMs])),
    evaluationMs,
  };
}

export interface BuildOutputs {
  /**
   * The rule files by path (default: the catalog's, compiled); `scrapeInterval` when the Prometheus
   * evaluating them scrapes the series it reads (a federating one).
   */
  ruleFiles?: Record<string, { groups: PromRuleGroup[]; scrapeInterval?: string }>;
  alertmanager: AlertmanagerConfig;
  /** The kube-prometheus-stack values, as written to helm/kube-prometheus-stack.values.yaml. */
  values?: unknown;
  serviceMonitors?: unknown[];
  /** Prometheus configs the build writes (e.g. a federating Prometheus), by file. */
  prometheusConfigs?: Record<string, unknown>;
}

/** Every finding over the catalog's rules, its dashboards' queries and the build's configs. */
export function prometheus3Findings(catalog: Catalog, out: BuildOutputs): Prom3Finding[] {
  const spec = obj(obj(obj(out.values).prometheus).prometheusSpec);
  const iv = sampleIntervals(
    catalog,
    typeof spec.scrapeInterval === 'string' ? spec.scrapeInterval : undefined,
    typeof spec.evaluationInterval === 'string' ? spec.evaluationInterval : undefined,
  );
  const findings: Prom3Finding[] = [];
  const ruleFiles: NonNullable<BuildOutputs['ruleFiles']> =
    out.ruleFiles ??
    Object.fromEntries(
      compileRuleGroups(catalog).map((g) => [
        `prometheus/${g.name.replace(/^klaxon-/, '')}.rules.yml`,
        { groups: [g] },
      ]),
    );
  for (const [file, { groups, scrapeInterval }] of Object.entries(ruleFiles)) {
    // A federating Prometheus sees each recorded series once per scrape of /federate.
    const ms = scrapeInterval === undefined ? NaN : promDurationMs(scrapeInterval);
    const fileIv = Number.isNaN(ms)
      ? iv
      : {
          ...iv,
          defaultScrapeMs: ms,
          recorded: new Map([...iv.recorded].map(([k, v]) => [k, Math.max(v, ms)])),
        };
    for (const r of groups.flatMap((g) => g.rules)) {
      const what = r.alert
        ? `alert ${r.alert}${r.labels?.tier ? ` (${r.labels.tier})` : ''}`
        : `recording rule ${r.record}`;
      findings.push(...lintPromql(r.expr, `${file}: ${what}`, fileIv));
    }
  }
  for (const q of panelQueries(catalog.dashboards ?? [])) {
    // Grafana's $__rate_interval is at least 4 × the scrape interval; other variables are plain values.
    const expr = q.expr
      .replace(/\$__rate_interval|\$__range|\$__interval/g, '1h')
      .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, 'var');
    findings.push(...lintPromql(expr, `dashboard ${q.dashboard}, panel "${q.panel}"`, iv));
  }
  findings.push(...lintAlertmanagerConfig(out.alertmanager, 'alertmanager/alertmanager.yml'));
  if (out.values)
    findings.push(...lintStackValues(out.values, 'helm/kube-prometheus-stack.values.yaml', false));
  if (out.serviceMonitors)
    findings.push(...lintServiceMonitors(out.serviceMonitors, 'kubernetes/servicemonitors.yml'));
  for (const [file, config] of Object.entries(out.prometheusConfigs ?? {}))
    findings.push(...lintPrometheusConfig(config, file));
  return findings;
}

/** Findings as `klaxon check` problems: where, what changes in 3.x, and the fix. */
export function prometheus3Problems(findings: Prom3Finding[]): Problem[] {
  return findings.map((f) => ({
    subject: f.where,
    message: `Prometheus 3 readiness (${f.check}): ${f.change}; fix: ${f.fix}`,
  }));
}
