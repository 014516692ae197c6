/**
 * `createMetrics`: the one object the rest of the SDK records through. It owns the outputs and the
 * cardinality guard, and hands out typed instruments, one per metric name (asking twice returns the same one).
 */
import { CardinalityGuard, type LabelBound, type LabelLimits } from './guard.ts';
import type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  LabelSet,
  MetricDefinition,
  MetricKind,
  MetricsOutput,
  Recorder,
  UpDownMetric,
} from './types.ts';

export interface MetricsOptions {
  /** Where measurements go: `prometheusOutput(registry)`, `otelOutput(meter)`, or both. */
  output: MetricsOutput | readonly MetricsOutput[];
  /** Cardinality bounds; see `LabelLimits`. */
  limits?: LabelLimits;
}

export interface Metrics {
  histogram<L extends LabelSet>(definition: MetricDefinition<L>): HistogramMetric<L>;
  counter<L extends LabelSet>(definition: MetricDefinition<L>): CounterMetric<L>;
  gauge<L extends LabelSet>(definition: MetricDefinition<L>): GaugeMetric<L>;
  upDownCounter<L extends LabelSet>(definition: MetricDefinition<L>): UpDownMetric<L>;
}

/** `klaxon_sdk_label_overflow_total{metric,label}`: label values collapsed to "other" by the guard. */
export const LABEL_OVERFLOW: MetricDefinition<{ metric: string; label: string }> = {
  name: 'klaxon_sdk_label_overflow_total',
  otelName: 'klaxon.sdk.label.overflow',
  help: 'Label values the Klaxon SDK collapsed to "other" because the label was over its cardinality bound.',
  unit: '{value}',
  labels: { metric: 'metric', label: 'label' },
};

type Mutable = Record<string, string | undefined>;

/** Applies each label's bound, copying the label object only when a value changes. */
function guarded(names: string[], bounds: LabelBound[], record: Recorder): Recorder {
  return (labels, value, exemplar) => {
    let out = labels;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const v = out[name];
      if (v === undefined) continue;
      const admitted = bounds[i]!.admit(v);
      if (admitted !== v) {
        if (out === labels) out = { ...labels };
        (out as Mutable)[name] = admitted;
      }
    }
    record(out, value, exemplar);
  };
}

function fanOut(recorders: Recorder[]): Recorder {
  if (recorders.length === 1) return recorders[0]!;
  return (labels, value, exemplar) => {
    for (const r of recorders) r(labels, value, exemplar);
  };
}

/**
 * Creates the SDK's metrics object.
 *
 * @example
 * const registry = new Registry();
 * const metrics = createMetrics({
 *   output: prometheusOutput(registry),
 *   limits: { labels: { gen_ai_request_model: { values: ['anthropic.claude-3-5-haiku-20241022-v1:0'] } } },
 * });
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const outputs: readonly MetricsOutput[] = Array.isArray(options.output)
    ? (options.output as readonly MetricsOutput[])
    : [options.output as MetricsOutput];
  if (outputs.length === 0) throw new Error('createMetrics: at least one output is required');
  const raw = (kind: MetricKind, def: MetricDefinition<LabelSet>) =>
    fanOut(outputs.map((o) => o.create(kind, def)));

  const overflow = raw('counter', LABEL_OVERFLOW);
  const guard = new CardinalityGuard(options.limits ?? {}, (metric, label) => overflow({ metric, label }, 1));
  const made = new Map<string, { kind: MetricKind; record: Recorder }>();

  const recorder = (kind: MetricKind, def: MetricDefinition<LabelSet>): Recorder => {
    const known = made.get(def.name);
    if (known) {
      if (known.kind !== kind)
        throw new Error(`metric ${def.name} is already a ${known.kind}, not a ${kind}`);
      return known.record;
    }
    const names = Object.keys(def.labels);
    const record = guarded(
      names,
      names.map((n) => guard.bound(def.name, n)),
      raw(kind, def),
    );
    made.set(def.name, { kind, record });
    return record;
  };

  return {
    histogram<L extends LabelSet>(def: MetricDefinition<L>): HistogramMetric<L> {
      const r = recorder('histogram', def);
      return { observe: (labels, value, exemplar) => r(labels, value, exemplar) };
    },
    counter<L extends LabelSet>(def: MetricDefinition<L>): CounterMetric<L> {
      const r = recorder('counter', def);
      return { inc: (labels, value = 1) => r(labels, value) };
    },
    gauge<L extends LabelSet>(def: MetricDefinition<L>): GaugeMetric<L> {
      const r = recorder('gauge', def);
      return { set: (labels, value) => r(labels, value) };
    },
    upDownCounter<L extends LabelSet>(def: MetricDefinition<L>): UpDownMetric<L> {
      const r = recorder('updown', def);
      return { add: (labels, delta) => r(labels, delta) };
    },
  };
}
