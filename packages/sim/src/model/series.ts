/**
 * What exporters produce: metric families of series whose values are read at the platform's current
 * time, and the context they are built with (knobs to read, counters to declare).
 */
import type { Dist } from './curves.ts';
import type { KnobDef } from './knob.ts';
import type { Labels } from './labels.ts';
import type { Wave } from './wave.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Series {
  labels: Labels;
  /** Appended to the family name: '_bucket', '_sum', '_count' for histograms, else ''. */
  suffix: string;
  /** The value now, or undefined when the series is absent. */
  read: () => number | undefined;
}

export interface Family {
  /** As exposed in the text format: counters keep their `_total`. */
  name: string;
  type: MetricType;
  help: string;
  series: Series[];
  /** Series whose labels change over time (e.g. running query ids), read now. */
  dynamic?: () => { labels: Labels; value: number }[];
}

/** One instance of a knob, as the platform keeps it. */
export interface KnobInstance {
  def: KnobDef;
  labels: Labels;
  key: string;
  wave?: Wave;
}

/** A knob instance bound to the platform: its value at any time. */
export interface KnobRef {
  inst: KnobInstance;
  /** The value at tMs (default: now), faults included. */
  at(tMs?: number): number;
  /** The base wave (only for wave knobs; throws otherwise). */
  wave: Wave;
}

/** A counter: base rate k × wave (closed form), actual rate `rate(t)` while a fault touches `deps`. */
export interface CounterSpec {
  wave: Wave;
  k: number;
  deps: readonly KnobRef[];
  rate: (tMs: number) => number;
  /** Value at the platform's start. */
  start?: number;
  /** Expose whole numbers (offsets, restarts). */
  integer?: boolean;
}

export interface BuildContext {
  seed: number;
  now(): number;
  knob(name: string, labels: Labels): KnobRef;
  counter(spec: CounterSpec): () => number;
}

export const series = (labels: Labels, read: () => number | undefined, suffix = ''): Series => ({
  labels,
  suffix,
  read,
});

export function family(name: string, type: MetricType, help: string, s: Series[]): Family {
  return { name, type, help, series: s };
}

/** A histogram's series from observations per second and a distribution that may change with time. */
export function histogramSeries(
  ctx: BuildContext,
  o: {
    labels: Labels;
    bounds: readonly number[];
    rate: { wave: Wave; k: number; at: (tMs: number) => number };
    baseDist: Dist;
    dist: (tMs: number) => Dist;
    deps: readonly KnobRef[];
  },
): Series[] {
  const edges = [...o.bounds, Infinity];
  const share = (d: Dist, i: number) =>
    Math.max(0, (i < o.bounds.length ? d.cdf(edges[i]!) : 1) - (i > 0 ? d.cdf(edges[i - 1]!) : 0));
  const diffs = edges.map((_, i) =>
    ctx.counter({
      wave: o.rate.wave,
      k: o.rate.k * share(o.baseDist, i),
      deps: o.deps,
      rate: (t) => o.rate.at(t) * share(o.dist(t), i),
    }),
  );
  const sum = ctx.counter({
    wave: o.rate.wave,
    k: o.rate.k * o.baseDist.mean,
    deps: o.deps,
    rate: (t) => o.rate.at(t) * o.dist(t).mean,
  });
  const upTo = (i: number) => diffs.slice(0, i + 1).reduce((s, c) => s + c(), 0);
  return [
    ...edges.map((e, i) =>
      series({ ...o.labels, le: e === Infinity ? '+Inf' : String(e) }, () => upTo(i), '_bucket'),
    ),
    series(o.labels, sum, '_sum'),
    series(o.labels, () => upTo(edges.length - 1), '_count'),
  ];
}
