/** The prom-client output: one prom-client metric per definition, in an injectable registry. */
import { Counter, Gauge, Histogram, register as defaultRegistry, type Registry } from 'prom-client';
import type { LabelSet, MetricDefinition, MetricKind, MetricsOutput, Recorder } from './types.ts';

type PromLabels = Partial<Record<string, string>>;

function existing(registry: Registry, name: string): unknown {
  return registry.getSingleMetric(name);
}

/**
 * Sends measurements to prom-client metrics registered in `registry` (prom-client's default registry if
 * omitted). A metric already registered under the same name is reused.
 *
 * @example
 * const registry = new Registry();
 * const metrics = createMetrics({ output: prometheusOutput(registry) });
 */
export function prometheusOutput(registry: Registry = defaultRegistry): MetricsOutput {
  return {
    create(kind: MetricKind, def: MetricDefinition<LabelSet>): Recorder {
      const common = {
        name: def.name,
        help: def.help,
        labelNames: Object.keys(def.labels),
        registers: [registry],
      };
      const found = existing(registry, def.name);
      switch (kind) {
        case 'histogram': {
          const h =
            (found as Histogram | undefined) ??
            new Histogram({ ...common, buckets: [...(def.buckets ?? [])] });
          return (labels, value) => h.observe(labels as PromLabels, value);
        }
        case 'counter': {
          const c = (found as Counter | undefined) ?? new Counter(common);
          return (labels, value) => c.inc(labels as PromLabels, value);
        }
        case 'gauge': {
          const g = (found as Gauge | undefined) ?? new Gauge(common);
          return (labels, value) => g.set(labels as PromLabels, value);
        }
        case 'updown': {
          const g = (found as Gauge | undefined) ?? new Gauge(common);
          return (labels, value) => g.inc(labels as PromLabels, value);
        }
      }
    },
  };
}
