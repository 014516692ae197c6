/**
 * A compressed time profile, for the demo and the game-day tests: every `for:`, every alerting rule's
 * range window under one day and every Alertmanager wait is divided by one factor, so a fault that pages
 * after 5 minutes in production pages after 10 seconds at factor 30. Thresholds never change, and neither
 * do windows of a day or more nor the recording rules read over them: the 7-day baselines keep their
 * meaning and can be backfilled from real history.
 */
import type { AlertDefinition, Catalog } from '../model/alert.ts';
import { durationMs, formatDuration } from './durations.ts';

const DAY_MS = 86_400_000;

/** Divides a Prometheus duration by `factor` (never below 1 ms; zero stays zero). */
export function scaleDuration(d: string, factor: number): string {
  if (!(factor >= 1)) throw new Error(`time factor must be at least 1, got ${factor}`);
  const ms = durationMs(d);
  return ms === 0 ? d : formatDuration(Math.max(1, ms / factor));
}

/** Scales the range windows (`[5m]`) under one day in a PromQL expression. */
export function scaleRanges(expr: string, factor: number): string {
  return expr.replace(/\[(\d+(?:ms|s|m|h|d))\]/g, (whole, d: string) =>
    durationMs(d) >= DAY_MS ? whole : `[${scaleDuration(d, factor)}]`,
  );
}

/** The records an alert reads over a window of a day or more: baselines, kept at their real windows. */
function baselineRecords(catalog: Catalog): Set<string> {
  const read = catalog.alerts.flatMap((a) => [...a.expr.matchAll(/([\w:]+)\s*\[(\d+(?:ms|s|m|h|d))\]/g)]);
  return new Set(read.filter((m) => durationMs(m[2]!) >= DAY_MS).map((m) => m[1]!));
}

/**
 * The catalog with every alert's `for:` and short range windows divided by `factor`, and those of the
 * recording rules the alerts read as their signal (not the baselines').
 */
export function compressCatalog(catalog: Catalog, factor: number): Catalog {
  const alert = (a: AlertDefinition): AlertDefinition => ({
    ...a,
    expr: scaleRanges(a.expr, factor),
    thresholds: a.thresholds.map((t) => ({ ...t, for: scaleDuration(t.for, factor) })),
  });
  const baselines = baselineRecords(catalog);
  const recordingRules = catalog.recordingRules.map((r) =>
    baselines.has(r.record) ? r : { ...r, expr: scaleRanges(r.expr, factor) },
  );
  return { ...catalog, alerts: catalog.alerts.map(alert), recordingRules };
}
