/**
 * The demo time profile: one factor divides every wait in the system (the catalog's `for:` and short
 * range windows, Alertmanager's group waits, the engine's escalation delays, notification delays and
 * heartbeat timeout, scrape and evaluation intervals) while every threshold stays as designed.
 * At 30, a T1 that pages after 5 minutes of consumer lag in production pages after 10 seconds here, and
 * escalates to the backup 10 seconds later.
 */
import type { KlaxonConfig } from '@klaxon/engine';

export const DEMO_TIME_FACTOR = 30;

/** Production scrape and evaluation interval (30 s) divided by the factor, at least 1 s. */
export const intervalSeconds = (factor: number) => Math.max(1, Math.round(30 / factor));

/** Minute fields that describe a wait; link windows (what a dashboard shows) keep their real width. */
const KEEP = new Set(['windowBeforeMinutes', 'windowAfterMinutes']);

function scale(value: unknown, factor: number): unknown {
  if (Array.isArray(value)) return value.map((v) => scale(v, factor));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = typeof v === 'number' && k.endsWith('Minutes') && !KEEP.has(k) ? v / factor : scale(v, factor);
    }
    return out;
  }
  return value;
}

/** The engine configuration with every minute-valued wait divided by `factor`. */
export function compressEngineConfig(config: KlaxonConfig, factor: number): KlaxonConfig {
  return scale(config, factor) as KlaxonConfig;
}
