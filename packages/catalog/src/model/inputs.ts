/**
 * Building blocks for promtool input series: a gauge held at a value, a counter growing at a rate, a
 * ratio of two counters, and a histogram whose quantile is a given value. `{n}` is replaced with the
 * number of samples the test needs.
 */
import type { TestInput } from './alert.ts';

export type Series = TestInput['series'][number];

export const gauge = (series: string, value: number): Series => ({ series, values: `${value}x{n}` });

/** A counter growing by `perMinute` each minute (the tests sample every minute). */
export const counter = (series: string, perMinute: number): Series => ({
  series,
  values: `0+${perMinute}x{n}`,
});

/** Two counters whose rates have the ratio `value`. */
export const ratio = (part: string, whole: string, value: number, perMinute = 1000): Series[] => [
  counter(part, value * perMinute),
  counter(whole, perMinute),
];

/**
 * Histogram buckets (`<name>_bucket{<labels>,le=…}`) whose `quantile` is exactly `value`:
 * nothing below value/2, `quantile` of the observations up to value, the rest above.
 */
export function histogram(
  name: string,
  labels: string,
  quantile: number,
  value: number,
  perMinute = 100,
): Series[] {
  const sep = labels ? `${labels},` : '';
  return [
    counter(`${name}_bucket{${sep}le="${value / 2}"}`, 0),
    counter(`${name}_bucket{${sep}le="${value}"}`, quantile * perMinute),
    counter(`${name}_bucket{${sep}le="+Inf"}`, perMinute),
  ];
}

export const input = (...series: (Series | Series[])[]): TestInput => ({ series: series.flat() });
