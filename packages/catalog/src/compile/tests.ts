/**
 * Generates promtool unit tests for every threshold: the alert fires just past its threshold with the
 * right tier and severity after its `for:` (and not before), and does not fire just short of it. An
 * alert that joins an info series (`infoJoin`) also fires without that series, minus the joined labels.
 */
import { holds, type AlertDefinition, type Catalog, type Threshold } from '../model/alert.ts';
import { durationMs, minutes } from './durations.ts';
import { ruleAnnotations, ruleLabels } from './rules.ts';

export interface PromAlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

export interface PromTestGroup {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: PromAlertTest[];
}

export interface PromTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromTestGroup[];
}

/** A value just past the threshold (firing) and one just short of it (quiet). */
export function probeValues(alert: AlertDefinition, t: Threshold): { firing: number; quiet: number } {
  if (typeof alert.testValues === 'function') return alert.testValues(t);
  if (alert.testValues) return alert.testValues;
  const delta = t.value === 0 ? 1 : Math.abs(t.value) * 0.02;
  switch (t.op) {
    case '>':
      return { firing: t.value + delta, quiet: t.value };
    case '>=':
      return { firing: t.value, quiet: t.value - delta };
    case '<':
      return { firing: t.value - delta, quiet: t.value };
    case '<=':
      return { firing: t.value, quiet: t.value + delta };
    default:
      throw new Error(`${alert.name}: a ${t.op} threshold needs testValues`);
  }
}

/**
 * The annotation as Prometheus renders it for the test's series: `$labels` filled in, and a `query`
 * block over a series the test does not feed (e.g. the Redshift query text) rendering nothing.
 */
function render(template: string, labels: Record<string, string>): string {
  // Only the series' own labels: `{{ $labels.constructor }}` renders nothing, not Object's source.
  return template
    .replace(/\{\{ with printf `[^`]*`[^}]*\| query \}\}[\s\S]*?\{\{ end \}\}\{\{ end \}\}/g, '')
    .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_m, name: string) =>
      Object.hasOwn(labels, name) ? labels[name]! : '',
    );
}

/** The alerts expected at `value`; `without` drops the labels an absent info series would have added. */
function expected(catalog: Catalog, alert: AlertDefinition, value: number, without: string[] = []) {
  const annotations = ruleAnnotations(catalog, alert);
  const labels = Object.fromEntries(Object.entries(alert.outputLabels).filter(([k]) => !without.includes(k)));
  return alert.thresholds
    .filter((t) => holds(t.op, value, t.value))
    .map((t) => ({
      exp_labels: { ...labels, ...ruleLabels(alert, t) },
      exp_annotations: Object.fromEntries(
        Object.entries(annotations).map(([k, v]) => [k, render(v, labels)]),
      ),
    }));
}

/** The metric name of a promtool input series, e.g. `kube_pod_info` of `kube_pod_info{node="a"}`. */
const seriesMetric = (series: string) => series.split('{')[0]!.trim();

export function alertTests(catalog: Catalog, alert: AlertDefinition): PromTestGroup[] {
  const longest = Math.max(...alert.thresholds.map((t) => durationMs(t.for)));
  // Rate windows need a couple of samples before the condition can hold; then `for:` must pass.
  const interval = alert.testWindow?.interval ?? '1m';
  const evalAt = alert.testWindow
    ? durationMs(alert.testWindow.evalAt)
    : longest + Math.max(5, (alert.warmupMinutes ?? 0) + 2) * 60_000;
  const samples = Math.ceil(evalAt / durationMs(interval)) + 2;
  const every = durationMs(evaluationInterval(alert));
  if (evalAt % every !== 0)
    throw new Error(
      `${alert.name}: testWindow.evalAt must be a multiple of the evaluation interval (${evaluationInterval(alert)})`,
    );
  return alert.thresholds.flatMap((t) => {
    const { firing, quiet } = probeValues(alert, t);
    const group = (
      kind: string,
      value: number,
      tests: PromAlertTest[],
      keep: (series: string) => boolean = () => true,
    ): PromTestGroup => ({
      name: `${alert.name} ${t.tier} ${kind} at ${value}`,
      interval,
      input_series: alert
        .input(value)
        .series.filter((s) => keep(s.series))
        .map((s) => ({ series: s.series, values: s.values.replace('{n}', String(samples)) })),
      alert_rule_test: tests,
    });
    const firingTests: PromAlertTest[] = [
      { eval_time: minutes(evalAt), alertname: alert.name, exp_alerts: expected(catalog, alert, firing) },
    ];
    const own = durationMs(t.for);
    const satisfied = alert.thresholds.filter((x) => holds(x.op, firing, x.value));
    if (!alert.testWindow && own >= 2 * 60_000 && satisfied.every((x) => durationMs(x.for) >= own)) {
      // Pending, not yet firing, halfway through `for:`.
      firingTests.unshift({
        eval_time: minutes(Math.floor(own / 2 / 60_000) * 60_000),
        alertname: alert.name,
        exp_alerts: [],
      });
    }
    const shiftAt = alert.testWindow?.shiftAt;
    if (shiftAt !== undefined && durationMs(shiftAt) >= every)
      // On the baseline, one evaluation before the input shifts: nothing fires yet.
      firingTests.unshift({
        eval_time: minutes(durationMs(shiftAt) - every),
        alertname: alert.name,
        exp_alerts: [],
      });
    const groups = [
      group('fires', firing, firingTests),
      group('stays quiet', quiet, [
        { eval_time: minutes(evalAt), alertname: alert.name, exp_alerts: expected(catalog, alert, quiet) },
      ]),
    ];
    const join = alert.infoJoin;
    if (join) {
      // The same input without the info series: the `or` fallback must still fire, without its labels.
      if (!alert.input(firing).series.some((s) => seriesMetric(s.series) === join.metric))
        throw new Error(
          `${alert.name}: infoJoin names ${join.metric}, but input() feeds no such series; add it to the input`,
        );
      const exp = expected(catalog, alert, firing, join.labels);
      groups.push(
        group(
          `fires without ${join.metric}`,
          firing,
          [{ eval_time: minutes(evalAt), alertname: alert.name, exp_alerts: exp }],
          (series) => seriesMetric(series) !== join.metric,
        ),
      );
    }
    return groups;
  });
}

/** How often promtool evaluates the rules in an alert's tests. */
const evaluationInterval = (alert: AlertDefinition): string =>
  alert.testWindow?.evaluationInterval ?? alert.testWindow?.interval ?? '1m';

export function compileTests(
  catalog: Catalog,
  ruleFile: (group: string) => string,
): Map<string, PromTestFile> {
  const files = new Map<string, PromTestFile>();
  for (const alert of catalog.alerts) {
    // Baseline tests replay days of samples: one file each, so they run in parallel with the rest.
    const key = alert.testWindow ? `${alert.group}-${alert.name}` : alert.group;
    const file = files.get(key) ?? {
      rule_files: [ruleFile(alert.group)],
      evaluation_interval: evaluationInterval(alert),
      tests: [],
    };
    file.tests.push(...alertTests(catalog, alert));
    files.set(key, file);
  }
  return files;
}
