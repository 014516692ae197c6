/**
 * A compressed time profile, for the demo and the game-day tests: every `for:`, every alerting rule's
 * range window under one day and every Alertmanager wait is divided by one factor, so a fault that pages
 * after 5 minutes in production pages after 10 seconds at factor 30. Thresholds never change, and neither
 * do the recording rules nor windows of a day or more: the 7-day baselines keep their meaning and can be
 * backfilled from real history.
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

/** The catalog with every alert's `for:` and short range windows divided by `factor`. */
export function compressCatalog(catalog: Catalog, factor: number): Catalog {
  const alert = (a: AlertDefinition): AlertDefinition => ({
    ...a,
    expr: scaleRanges(a.expr, factor),
    thresholds: a.thresholds.map((t) => ({ ...t, for: scaleDuration(t.for, factor) })),
  });
  return { ...catalog, alerts: catalog.alerts.map(alert) };
}
