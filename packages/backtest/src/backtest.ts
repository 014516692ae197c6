/**
 * `runBacktest`: evaluate every alerting rule over the range with query_range, replay Alertmanager's
 * routing, grouping and inhibition, replay the engine, and count. With a baseline, the same for the other
 * catalog and the per-rule difference.
 */
import { alertingRules, metricNames, type RuleSpec } from './catalog.ts';
import { diffRuns, summarize } from './count.ts';
import { dispatch, type AmAlert } from './dispatch.ts';
import { alertLabels, evaluateSeries, type RuleEvaluation } from './evaluate.ts';
import { PrometheusClient, QueryError } from './prometheus.ts';
import { replayEngine } from './replay.ts';
import { buildInhibitRules, buildRoutes } from './routing.ts';
import { BacktestInputError } from './time.ts';
import type { BacktestOptions, BacktestResult, CatalogRun, CompiledCatalog } from './types.ts';

const DAY = 86_400_000;
const CONCURRENCY = 2;

/** `{{ $labels.x }}` and `{{ .Labels.x }}` in annotations, as far as a title needs. */
function expand(text: string, labels: Record<string, string>): string {
  return text.replace(/\{\{\s*(?:\$labels|\.Labels)\.(\w+)\s*\}\}/g, (_, k: string) =>
    Object.hasOwn(labels, k) ? labels[k]! : '',
  );
}

async function evaluateRules(
  prom: PrometheusClient,
  rules: RuleSpec[],
  o: BacktestOptions,
  known: ReadonlySet<string>,
  warnings: string[],
  phase: 'rules' | 'baseline',
): Promise<Map<RuleSpec, RuleEvaluation | { code: string; message: string }>> {
  const out = new Map<RuleSpec, RuleEvaluation | { code: string; message: string }>();
  const maxPoints = o.maxPointsPerQuery ?? 10_000;
  let done = 0;
  const queue = [...rules];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const missing = metricNames(r.expr).filter((m) => !known.has(m));
      const named = metricNames(r.expr);
      if (named.length > 0 && missing.length === named.length) {
        out.set(r, {
          code: 'no_data',
          message: `no data in the range for ${missing.join(', ')}: the rule cannot fire here${missing.some((m) => m.includes(':')) ? ' (a recorded series: is its recording rule running in this Prometheus?)' : ''}`,
        });
      } else {
        if (Object.values(r.labels).some((v) => v.includes('{{')))
          warnings.push(
            `${r.alert} [${r.tier}]: its labels hold templates, which the backtest does not expand`,
          );
        if (missing.length > 0)
          warnings.push(`${r.alert} [${r.tier}]: no data in the range for ${missing.join(', ')}`);
        // for: to fire on time; keep_firing_for: to see an episode that began before the range continue.
        const warmup = Math.min(r.forMs + r.keepFiringForMs, DAY);
        const grid = Math.floor(o.fromMs / r.intervalMs) * r.intervalMs;
        // At least one step before the range, so a condition already true at its start is seen as such.
        const startMs = grid - Math.max(1, Math.ceil(warmup / r.intervalMs)) * r.intervalMs;
        try {
          const series = await prom.range({
            query: r.expr,
            startMs,
            endMs: o.toMs,
            stepMs: r.intervalMs,
            maxPoints,
          });
          const ev: RuleEvaluation = { naive: 0, naiveTimes: [], episodes: [], carriedIn: [] };
          const rule = {
            alert: r.alert,
            forMs: r.forMs,
            keepFiringForMs: r.keepFiringForMs,
            labels: r.labels,
          };
          const seen = new Set<string>();
          for (const s of series) {
            const k = JSON.stringify(Object.entries(alertLabels(s.labels, rule)).sort());
            if (seen.has(k))
              throw new QueryError(
                'duplicate_labelsets',
                'vector contains metrics with the same labelset after applying alert labels (Prometheus fails this rule too): aggregate, or keep a label that tells the series apart',
              );
            seen.add(k);
          }
          for (const s of series)
            evaluateSeries(
              rule,
              s.labels,
              s.times,
              { startMs, fromMs: o.fromMs, toMs: o.toMs, stepMs: r.intervalMs },
              ev,
            );
          out.set(r, ev);
        } catch (err) {
          if (!(err instanceof QueryError)) throw err;
          out.set(r, { code: err.code, message: `Prometheus refused the query: ${err.message}` });
        }
      }
      o.onProgress?.({ phase, done: ++done, total: rules.length, message: r.alert });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out;
}

async function runCatalog(
  prom: PrometheusClient,
  c: CompiledCatalog,
  o: BacktestOptions,
  known: ReadonlySet<string>,
  warnings: string[],
  phase: 'rules' | 'baseline',
): Promise<CatalogRun> {
  const rules = alertingRules(c, o.evaluationIntervalMs ?? 30_000);
  const evaluations = await evaluateRules(prom, rules, o, known, warnings, phase);
  const alerts: AmAlert[] = [];
  const inhibitors: AmAlert[] = [];
  let carried = 0;
  for (const r of rules) {
    const ev = evaluations.get(r)!;
    if (!('episodes' in ev)) continue;
    const am = (e: (typeof ev.episodes)[number]): AmAlert => ({
      labels: e.labels,
      annotations: Object.fromEntries(
        Object.entries(r.annotations).map(([k, v]) => [k, expand(v, e.labels)]),
      ),
      firingAtMs: e.firingAtMs,
      resolvedAtMs: e.resolvedAtMs,
    });
    alerts.push(...ev.episodes.map(am));
    inhibitors.push(...ev.carriedIn.map(am));
    carried += ev.carriedIn.length;
  }
  if (carried > 0)
    warnings.push(
      `${c.label}: ${carried} alert(s) were already firing at the start of the range; they inhibit, but are not counted and page nobody`,
    );
  const heartbeat = o.engineConfig.heartbeat?.alertname ?? 'Watchdog';
  const am = c.alertmanager as unknown as {
    route: Parameters<typeof buildRoutes>[0];
    inhibit_rules?: Parameters<typeof buildInhibitRules>[0];
    receivers?: { name: string; webhook_configs?: { max_alerts?: number }[]; [k: string]: unknown }[];
  };
  const receivers = new Map((am.receivers ?? []).map((r) => [r.name, r]));
  // The heartbeat is the pipeline's pulse, not an alarm: not routed, but it may still inhibit.
  const routed = alerts.filter((a) => a.labels.alertname !== heartbeat);
  inhibitors.push(...alerts.filter((a) => a.labels.alertname === heartbeat));
  o.onProgress?.({ phase: 'alertmanager', done: 0, total: 1, message: `${routed.length} alerts` });
  const deliveries = dispatch({
    alerts: routed,
    inhibitors,
    routes: buildRoutes(am.route),
    inhibitRules: buildInhibitRules(am.inhibit_rules),
    // A receiver with no integration (a "null" receiver) notifies nobody.
    receives: (name) => Object.keys(receivers.get(name) ?? {}).some((k) => k.endsWith('_configs')),
    maxAlerts: (name) => receivers.get(name)?.webhook_configs?.[0]?.max_alerts ?? 0,
    sendResolved: (name) => {
      const r = receivers.get(name) ?? {};
      const first = Object.entries(r).find(([k, v]) => k.endsWith('_configs') && Array.isArray(v))?.[1] as
        { send_resolved?: boolean }[] | undefined;
      // Alertmanager's default is true for webhook, PagerDuty and most integrations.
      return first?.[0]?.send_resolved ?? true;
    },
    untilMs: o.toMs,
  });
  const replay = await replayEngine({
    config: o.engineConfig,
    deliveries,
    fromMs: o.fromMs,
    untilMs: o.toMs,
    ackAfterMs: o.ackAfterMs === undefined ? 120_000 : o.ackAfterMs,
    onProgress: (done, total) =>
      o.onProgress?.({ phase: 'engine', done, total, message: 'webhooks replayed' }),
  });
  for (const r of replay.rejected.slice(0, 5))
    warnings.push(
      `the engine refused a webhook at ${new Date(r.atMs).toISOString()} (${r.status}): ${r.body.slice(0, 200)}`,
    );
  const { naiveOffHours: _n, ...run } = summarize({
    label: c.label,
    rules,
    evaluations,
    replay,
    config: o.engineConfig,
    toMs: o.toMs,
  });
  return run;
}

export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const began = performance.now();
  if (!(o.toMs > o.fromMs)) throw new BacktestInputError('bad_range', '--from must be before --to');
  const maxRange = o.maxRangeMs ?? 93 * DAY;
  if (o.toMs - o.fromMs > maxRange)
    throw new BacktestInputError(
      'range_too_large',
      `the range is ${Math.round((o.toMs - o.fromMs) / DAY)} days; at most ${Math.round(maxRange / DAY)} days are backtested at once: split it (e.g. --from -30d --to now)`,
    );
  const prom = new PrometheusClient(o.prometheusUrl);
  const names = await prom.metricNames(o.fromMs, o.toMs);
  if (names.size === 0)
    throw new BacktestInputError(
      'no_data',
      `Prometheus at ${prom.url} has no data between ${new Date(o.fromMs).toISOString()} and ${new Date(o.toMs).toISOString()}; pick a range inside its retention`,
    );
  const warnings: string[] = [];
  const run = await runCatalog(prom, o.catalog, o, names, warnings, 'rules');
  let baseline: BacktestResult['baseline'] = null;
  if (o.baseline) {
    const b = await runCatalog(prom, o.baseline, o, names, warnings, 'baseline');
    baseline = { ...b, diff: diffRuns(run.rules, b.rules) };
  }
  for (const r of run.rules.filter((x) => x.skipped))
    warnings.push(`${r.alert} [${r.tier}] skipped (${r.skipped!.code}): ${r.skipped!.message}`);
  const ack = o.ackAfterMs === undefined ? 120_000 : o.ackAfterMs;
  return {
    ...run,
    from: new Date(o.fromMs).toISOString(),
    to: new Date(o.toMs).toISOString(),
    prometheus: prom.url,
    engineConfig: o.engineConfigLabel,
    evaluationIntervalSeconds: (o.evaluationIntervalMs ?? 30_000) / 1000,
    ackAfterSeconds: ack === null ? null : ack / 1000,
    warnings,
    baseline,
    seconds: Math.round((performance.now() - began) / 100) / 10,
  };
}
