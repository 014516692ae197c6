/**
 * The prom-client output: one prom-client metric per definition, in an injectable registry. On an OpenMetrics
 * registry its duration histograms (and any definition with `exemplars: true`) carry trace exemplars
 * (`trace_id`, `span_id`), one per bucket and series as prom-client keeps them.
 */
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  register as defaultRegistry,
  type RegistryContentType,
} from 'prom-client';
import {
  NO_EXEMPLAR,
  explicitExemplar,
  inActiveContext,
  sampledSpanContext,
  spanExemplar,
  type ExemplarLabels,
} from './exemplar.ts';
import type { LabelSet, MetricDefinition, MetricKind, MetricsOutput, Recorder } from './types.ts';

type PromLabels = Partial<Record<string, string>>;

const DEFAULT_EXEMPLAR_INTERVAL_MS = 1000;
/** Any registry, Prometheus text or OpenMetrics. */
type AnyRegistry = Registry<RegistryContentType>;

function existing(registry: AnyRegistry, name: string): unknown {
  return registry.getSingleMetric(name);
}

export interface PrometheusOutputOptions {
  /**
   * Trace exemplars on duration histograms (see `MetricDefinition.exemplars`): the explicit `Exemplar` passed
   * to `observe`, else the active OpenTelemetry span when it is valid and sampled. Default: on when the registry is OpenMetrics
   * (`registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)`), off otherwise; `true` on a Prometheus
   * text-format registry throws, since that format cannot carry them. `false` turns them off on OpenMetrics.
   */
  exemplars?: boolean;
  /**
   * The shortest time between two exemplars of one bucket of one series, in milliseconds; default 1000
   * (a scrape sees only each bucket's latest exemplar); 0 keeps every traced observation's.
   */
  exemplarIntervalMs?: number;
  /** Monotonic milliseconds for that interval; `performance.now` unless a test injects a clock. */
  now?: () => number;
}

function exemplarsWanted(registry: AnyRegistry, asked: boolean | undefined): boolean {
  const openMetrics = registry.contentType === Registry.OPENMETRICS_CONTENT_TYPE;
  if (asked === true && !openMetrics)
    throw new Error(
      'prometheusOutput: exemplars need an OpenMetrics registry; call ' +
        'registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE) before creating the output ' +
        '(and serve /metrics with registry.contentType), or leave `exemplars` unset',
    );
  return asked ?? openMetrics;
}

/** Last exemplar times per bucket, under one nested map level per label value (no key string to build). */
interface Level {
  next: Map<string, Level>;
  times?: Float64Array;
}

/**
 * When a bucket of a series last took an exemplar, so it takes at most one per `intervalMs`: prom-client's
 * exemplar update costs about as much as the observation itself, and a scrape only sees each bucket's latest
 * exemplar anyway (OpenTelemetry's exemplar reservoirs sample for the same reason). Keyed by the label values,
 * so it holds no more series than prom-client does. `due` asks; `take` records that the bucket `due` last
 * answered for took an exemplar, so a due observation that has none (no sampled span) leaves the slot open.
 */
function exemplarThrottle(
  labelNames: string[],
  buckets: readonly number[],
  intervalMs: number,
  clock: () => number,
) {
  const root: Level = { next: new Map() };
  const series = (labels: Readonly<Record<string, string | undefined>>): Float64Array => {
    let level = root;
    for (let i = 0; i < labelNames.length; i++) {
      const value = labels[labelNames[i]!] ?? '';
      let child = level.next.get(value);
      if (child === undefined) {
        child = { next: new Map() };
        level.next.set(value, child);
      }
      level = child;
    }
    return (level.times ??= new Float64Array(buckets.length + 1).fill(-Infinity));
  };
  let dueTimes: Float64Array | undefined;
  let dueBucket = 0;
  let dueAt = 0;
  return {
    due(labels: Readonly<Record<string, string | undefined>>, value: number): boolean {
      if (intervalMs <= 0) return true;
      const times = series(labels);
      let bucket = 0;
      while (bucket < buckets.length && value > buckets[bucket]!) bucket++;
      const now = clock();
      if (now - times[bucket]! < intervalMs) return false;
      dueTimes = times;
      dueBucket = bucket;
      dueAt = now;
      return true;
    },
    take(): void {
      if (dueTimes !== undefined) dueTimes[dueBucket] = dueAt;
      dueTimes = undefined;
    },
  };
}

type PlainObserve = (this: Histogram, labels: PromLabels, value: number) => void;

/**
 * prom-client's observation without the exemplar step, when this version has it. A histogram made with
 * `enableExemplars` otherwise takes one object per observation and checks its exemplar labels even when
 * there are none, and most observations carry none (the throttle). Without the method (another prom-client
 * version) every observation takes the object form, which is as correct and slower.
 */
function plainObserve(h: Histogram): PlainObserve | undefined {
  const method: unknown = (h as unknown as { observeWithoutExemplar?: unknown }).observeWithoutExemplar;
  return typeof method === 'function' ? (method as PlainObserve) : undefined;
}

/** A histogram made with `enableExemplars`: the exemplar object form only when an exemplar is due. */
function histogramRecorder(
  h: Histogram,
  def: MetricDefinition<LabelSet>,
  intervalMs: number,
  clock: () => number,
): Recorder {
  if (!(h as Histogram & { enableExemplars?: boolean }).enableExemplars)
    return (labels, value) => h.observe(labels as PromLabels, value);
  const plain = plainObserve(h);
  const throttle = exemplarThrottle(Object.keys(def.labels), def.buckets ?? [], intervalMs, clock);
  // Outside every context (tracing off) nothing more is asked. Inside one, the throttle is asked first:
  // most observations are not due, and they neither read the active span (a lookup through the context's
  // own map, far from the cache when every request has its own context) nor make labels.
  return (labels, value, exemplar) => {
    let traced: ExemplarLabels | undefined;
    if ((exemplar !== undefined || inActiveContext()) && throttle.due(labels, value)) {
      if (exemplar !== undefined) traced = explicitExemplar(exemplar);
      else {
        const sc = sampledSpanContext();
        if (sc !== undefined) traced = spanExemplar(sc);
      }
      if (traced !== undefined) throttle.take();
    }
    if (traced === undefined && plain !== undefined) plain.call(h, labels, value);
    else h.observe({ labels, value, exemplarLabels: traced ?? NO_EXEMPLAR });
  };
}

/**
 * Sends measurements to prom-client metrics registered in `registry` (prom-client's default registry if
 * omitted). A metric already registered under the same name is reused, with or without exemplars as it was
 * made.
 *
 * @example
 * const registry = new Registry<OpenMetricsContentType>();
 * registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE); // histograms now carry trace exemplars
 * const metrics = createMetrics({ output: prometheusOutput(registry) });
 */
export function prometheusOutput(
  registry: AnyRegistry = defaultRegistry,
  options: PrometheusOutputOptions = {},
): MetricsOutput {
  const enableExemplars = exemplarsWanted(registry, options.exemplars);
  const intervalMs = options.exemplarIntervalMs ?? DEFAULT_EXEMPLAR_INTERVAL_MS;
  const clock = options.now ?? (() => performance.now());
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
            new Histogram({
              ...common,
              buckets: [...(def.buckets ?? [])],
              enableExemplars: enableExemplars && (def.exemplars ?? def.unit === 's'),
            });
          return histogramRecorder(h, def, intervalMs, clock);
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
