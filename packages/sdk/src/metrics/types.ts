/**
 * The plain data that describes a metric once for both outputs (prom-client and OpenTelemetry), and the typed
 * instruments the SDK hands out. Label names and value types are type parameters, as in prom-client.
 */

/** Label name → the type of its values: `string` when open, a union of literals when closed. */
export type LabelSet = Record<string, string | undefined>;

export type MetricKind = 'histogram' | 'counter' | 'gauge' | 'updown';

/**
 * One metric, described once. `labels` maps every Prometheus label name to its OpenTelemetry attribute key,
 * so both outputs agree and the type checker insists every label is listed.
 *
 * @example
 * const QUEUE_WAIT: MetricDefinition<{ queue: 'high' | 'low' }> = {
 *   name: 'queue_wait_seconds',
 *   otelName: 'queue.wait',
 *   help: 'Time a job waited in its queue.',
 *   unit: 's',
 *   labels: { queue: 'queue' },
 *   buckets: [0.1, 1, 10],
 * };
 */
export interface MetricDefinition<L extends LabelSet> {
  /** The Prometheus name, exactly as exposed (`_total`, `_seconds` included). */
  readonly name: string;
  /** The OpenTelemetry instrument name. */
  readonly otelName: string;
  readonly help: string;
  /** UCUM unit for OpenTelemetry (`s`, `{token}`, `USD`, `1`). */
  readonly unit: string;
  readonly labels: { readonly [K in keyof L & string]-?: string };
  /** Histogram bucket upper bounds (also the OpenTelemetry advisory boundaries). */
  readonly buckets?: readonly number[];
  /**
   * Whether the histogram carries trace exemplars in the prom-client output (on an OpenMetrics registry).
   * Default: for durations (unit `s`), where a slow bucket should lead to the slow request's trace.
   */
  readonly exemplars?: boolean;
}

/** A value distribution (latency, tokens). */
export interface HistogramMetric<L extends LabelSet> {
  /** `exemplar`: the trace this observation belongs to; without it, the active span's (when sampled). */
  observe(labels: L, value: number, exemplar?: Exemplar): void;
}

/** The trace an observation belongs to, exposed as an OpenMetrics exemplar (`trace_id`, `span_id`). */
export interface Exemplar {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
}

/** A monotonic count. */
export interface CounterMetric<L extends LabelSet> {
  inc(labels: L, value?: number): void;
}

/** A last value (players online). */
export interface GaugeMetric<L extends LabelSet> {
  set(labels: L, value: number): void;
}

/** A value that goes up and down by deltas (active sessions). */
export interface UpDownMetric<L extends LabelSet> {
  add(labels: L, delta: number): void;
}

/** What an output (prom-client, OpenTelemetry) makes of a definition: one recording function. */
export type Recorder = (
  labels: Readonly<Record<string, string | undefined>>,
  value: number,
  exemplar?: Exemplar,
) => void;

/** A destination for measurements. `prometheusOutput()` and `otelOutput()` are the two shipped. */
export interface MetricsOutput {
  create(kind: MetricKind, definition: MetricDefinition<LabelSet>): Recorder;
}
