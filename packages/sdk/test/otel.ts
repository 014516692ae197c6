/** Test helper: an OpenTelemetry MeterProvider whose reader collects on demand. */
import {
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
  type MetricData,
} from '@opentelemetry/sdk-metrics';

class OnDemandReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function testMeter() {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('klaxon-sdk-test'),
    async collect(): Promise<MetricData[]> {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    },
    shutdown: () => provider.shutdown(),
  };
}

export function histogramNamed(metrics: MetricData[], name: string): HistogramMetricData {
  const m = metrics.find((x) => x.descriptor.name === name);
  if (!m) throw new Error(`no metric ${name}; have ${metrics.map((x) => x.descriptor.name).join(', ')}`);
  return m as HistogramMetricData;
}
