/**
 * The OpenTelemetry output: one instrument per definition on the user's `Meter`, with the semconv names and
 * the advisory bucket boundaries, and the Prometheus label names mapped back to attribute keys.
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import type { LabelSet, MetricDefinition, MetricKind, MetricsOutput, Recorder } from './types.ts';

/**
 * Only declared labels become attributes: an untyped caller's extra key (a user id) is dropped here, where
 * prom-client would throw.
 */
function toAttributes(
  pairs: [string, string][],
  labels: Readonly<Record<string, string | undefined>>,
): Attributes {
  const out: Attributes = {};
  for (const [label, key] of pairs) {
    const v = labels[label];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Sends measurements to OpenTelemetry instruments created on `meter`.
 *
 * @example
 * const meter = metricsApi.getMeter('narrative-service');
 * const metrics = createMetrics({ output: otelOutput(meter) });
 */
export function otelOutput(meter: Meter): MetricsOutput {
  return {
    create(kind: MetricKind, def: MetricDefinition<LabelSet>): Recorder {
      const pairs = Object.entries(def.labels);
      const options = { description: def.help, unit: def.unit };
      switch (kind) {
        case 'histogram': {
          const h = meter.createHistogram(def.otelName, {
            ...options,
            advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : undefined,
          });
          return (labels, value) => h.record(value, toAttributes(pairs, labels));
        }
        case 'counter': {
          const c = meter.createCounter(def.otelName, options);
          return (labels, value) => c.add(value, toAttributes(pairs, labels));
        }
        case 'gauge': {
          const g = meter.createGauge(def.otelName, options);
          return (labels, value) => g.record(value, toAttributes(pairs, labels));
        }
        case 'updown': {
          const u = meter.createUpDownCounter(def.otelName, options);
          return (labels, value) => u.add(value, toAttributes(pairs, labels));
        }
      }
    },
  };
}
