/**
 * The shapes the simulator is made of: the diurnal player curve, slow noise, drifts and latency
 * distributions. Pure functions of the seed and time.
 */
import { units } from './random.ts';
import { add, DAY_MS, mul, scale, type Wave } from './wave.ts';

const TAU = 2 * Math.PI;

/**
 * Players over a day in a region's local time: peak at 20:00, trough before dawn. Between 0.78 and 1.22
 * of the daily mean, so the 7-day baseline rules (ratio < 0.5 or > 1.3) never fire on the day's swing.
 */
export function regionalDiurnal(utcOffsetHours: number): Wave {
  return {
    c: 1,
    terms: [
      { a: 0.18, f: 1 / DAY_MS, p: (TAU * (utcOffsetHours - 20)) / 24 },
      { a: 0.04, f: 2 / DAY_MS, p: (2 * TAU * (utcOffsetHours - 14)) / 24 },
    ],
  };
}

/** A weighted blend of regional curves: the shape of traffic that serves every region (mean 1). */
export function blendDiurnal(regions: readonly { utcOffset: number; weight: number }[]): Wave {
  const total = regions.reduce((s, r) => s + r.weight, 0);
  return add(...regions.map((r) => scale(regionalDiurnal(r.utcOffset), r.weight / total)));
}

/** Slow multiplicative noise around 1 (two incommensurate periods of minutes), at most ±amp. */
export function slowNoise(seed: number, key: string, amp: number): Wave {
  const [u1, u2, u3, u4] = units(seed, `${key}#noise`, 0, 4) as [number, number, number, number];
  return {
    c: 1,
    terms: [
      { a: amp * 0.6, f: 1 / Math.round(97_000 * (1 + u1)), p: TAU * u2 },
      { a: amp * 0.4, f: 1 / Math.round(613_000 * (1 + u3)), p: TAU * u4 },
    ],
  };
}

/** A rate: `mean` per second following `shape` (mean 1) with slow noise. */
export function rateWave(seed: number, key: string, mean: number, shape: Wave, noiseAmp = 0.04): Wave {
  return scale(mul(shape, slowNoise(seed, key, noiseAmp)), mean);
}

/** A sawtooth between lo and hi over `periodMs`: slow growth, then a clean-up. Offset by a hashed phase. */
export function sawtooth(lo: number, hi: number, periodMs: number, phase01: number, tMs: number): number {
  const x = tMs / periodMs + phase01;
  return lo + (hi - lo) * (x - Math.floor(x));
}

/** Fraction of the current UTC calendar month elapsed, in [0, 1). */
export function monthFraction(tMs: number): number {
  const d = new Date(tMs);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return (tMs - start) / (end - start);
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** A latency (or size) distribution the histograms sample from. */
export interface Dist {
  cdf(x: number): number;
  mean: number;
}

const Z: Record<string, number> = { '0.5': 0, '0.95': 1.6449, '0.99': 2.3263 };

/** Log-normal with the given quantile (0.5, 0.95 or 0.99) at `value` and log-spread `sigma`. */
export function logNormal(quantile: 0.5 | 0.95 | 0.99, value: number, sigma: number): Dist {
  const mu = Math.log(Math.max(value, 1e-9)) - (Z[String(quantile)] ?? 0) * sigma;
  return {
    cdf: (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma)),
    mean: Math.exp(mu + (sigma * sigma) / 2),
  };
}

/** A score from 0 to 1: normal around `mean` with spread `sigma`, clipped to [0, 1]. */
export function clippedNormal(mean: number, sigma: number): Dist {
  const m = Math.min(1, Math.max(0, mean));
  return { cdf: (x) => (x < 0 ? 0 : x >= 1 ? 1 : normalCdf((x - m) / sigma)), mean: m };
}
