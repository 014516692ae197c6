/**
 * The backtest of a running stack: the catalog, Alertmanager configuration and engine config the stack
 * runs (time-compressed), evaluated over the stack's own Prometheus. `klaxon demo --backtest` prints it;
 * the game days compare it with what Prometheus and the engine really did.
 */
import { compileAlertmanager, compileRuleGroups } from '@klaxon/catalog';
import {
  runBacktest,
  type BacktestProgress,
  type BacktestResult,
  type CompiledCatalog,
} from '@klaxon/backtest';
import type { Stack } from './stack.ts';

/** What the stack's Prometheus and Alertmanager run, as the backtest reads it. */
export function stackCatalog(stack: Stack): CompiledCatalog {
  const key = stack.config.integrationKeys.find((k) => k.source === 'alertmanager')!;
  return {
    label: `seed catalog, time ÷ ${stack.factor}`,
    groups: compileRuleGroups(stack.catalog),
    alertmanager: compileAlertmanager(stack.catalog, {
      target: 'klaxon',
      klaxonUrl: stack.urls.engine,
      klaxonKey: key.key,
      timeFactor: stack.factor,
    }),
  };
}

export function backtestStack(
  stack: Stack,
  o: { fromMs: number; toMs: number; ackAfterMs?: number | null; onProgress?: (p: BacktestProgress) => void },
): Promise<BacktestResult> {
  return runBacktest({
    prometheusUrl: stack.urls.prometheus,
    fromMs: o.fromMs,
    toMs: o.toMs,
    catalog: stackCatalog(stack),
    engineConfig: stack.config,
    engineConfigLabel: `the demo's engine config, waits ÷ ${stack.factor}`,
    evaluationIntervalMs: stack.interval * 1000,
    ackAfterMs: o.ackAfterMs === undefined ? 120_000 / stack.factor : o.ackAfterMs,
    onProgress: o.onProgress,
  });
}

export interface ObservedEpisode {
  labels: Record<string, string>;
  /** First evaluation Prometheus recorded it firing. */
  firingAtMs: number;
  /** Last evaluation it was firing; null when still firing at `toMs`. */
  lastFiringMs: number | null;
}

/** Prometheus's own record of firing alerts: the `ALERTS{alertstate="firing"}` series, cut into runs. */
export async function alertsSeries(
  prometheusUrl: string,
  fromMs: number,
  toMs: number,
  stepMs: number,
): Promise<ObservedEpisode[]> {
  const params = new URLSearchParams({
    query: 'ALERTS{alertstate="firing"}',
    start: String(fromMs / 1000),
    end: String(toMs / 1000),
    step: String(stepMs / 1000),
  });
  const res = await fetch(`${prometheusUrl}/api/v1/query_range?${params.toString()}`);
  const body = (await res.json()) as {
    status: string;
    data?: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (body.status !== 'success') throw new Error(`ALERTS query failed: ${JSON.stringify(body)}`);
  const out: ObservedEpisode[] = [];
  for (const s of body.data?.result ?? []) {
    const labels = Object.fromEntries(
      Object.entries(s.metric).filter(([k]) => k !== '__name__' && k !== 'alertstate'),
    );
    let cur: ObservedEpisode | null = null;
    let prev = -Infinity;
    for (const [t] of s.values) {
      const ms = Math.round(t * 1000);
      if (cur && ms - prev > stepMs) {
        out.push(cur);
        cur = null;
      }
      if (!cur) cur = { labels, firingAtMs: ms, lastFiringMs: ms };
      cur.lastFiringMs = ms;
      prev = ms;
    }
    if (cur) {
      if (toMs - prev < stepMs) cur.lastFiringMs = null;
      out.push(cur);
    }
  }
  return out;
}
