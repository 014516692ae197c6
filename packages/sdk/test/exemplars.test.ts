/**
 * Trace exemplars in the prom-client output: on an OpenMetrics registry the histograms carry the active
 * sampled span's (or the caller's) trace and span ids per bucket; a Prometheus text registry is unchanged.
 */
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMetrics,
  genAiMetrics,
  narrativeMetrics,
  narrativeQualityMetrics,
  prometheusOutput,
  type PrometheusOutputOptions,
} from '../src/index.ts';
import { startTestTracing } from './active-span.ts';

const tracing = startTestTracing();
afterAll(() => tracing.stop());

const MODEL = 'amazon.nova-micro-v1:0';

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

interface ExemplarLine {
  series: string;
  labels: Record<string, string>;
  value: number;
}

/** The exposition's exemplars: `series # {labels} value timestamp`. */
async function exemplars(registry: Registry<OpenMetricsContentType>): Promise<ExemplarLine[]> {
  const out: ExemplarLine[] = [];
  for (const line of (await registry.metrics()).split('\n')) {
    const m = /^(\S+) \S+ # \{(.*)\} (\S+) \S+$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.push({ series: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function genAi(registry: Registry<OpenMetricsContentType>, options?: PrometheusOutputOptions) {
  return genAiMetrics(createMetrics({ output: prometheusOutput(registry, options) }));
}

describe('exemplars on an OpenMetrics registry', () => {
  it('puts the active sampled span on the bucket the latency falls in', async () => {
    const registry = openMetricsRegistry();
    const metrics = genAi(registry);
    const ids = tracing.inSpan(tracing.tracer, (span) => {
      metrics.recordOperation({
        provider: 'aws.bedrock',
        operation: 'chat',
        model: MODEL,
        durationSeconds: 1.5,
        inputTokens: 300,
        outputTokens: 90,
      });
      return span.spanContext();
    });

    // Token usage is not a duration: only the latency histogram carries the trace.
    const found = await exemplars(registry);
    expect(found).toHaveLength(1);
    expect(found[0]!.series).toMatch(/^gen_ai_client_operation_duration_seconds_bucket\{/);
    expect(found[0]!.series).toContain('le="2.56"');
    expect(found[0]!.labels).toEqual({ trace_id: ids.traceId, span_id: ids.spanId });
    expect(found[0]!.value).toBe(1.5);
  });

  it('prefers the caller’s exemplar, keeps the latest per bucket, and puts values over the top on +Inf', async () => {
    const registry = openMetricsRegistry();
    const output = prometheusOutput(registry, { exemplarIntervalMs: 0 });
    const latency = createMetrics({ output }).histogram({
      name: 'work_duration_seconds',
      otelName: 'work.duration',
      help: 'Work.',
      unit: 's',
      labels: { queue: 'queue' },
      buckets: [1, 10],
    });
    const first = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    const second = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    tracing.inSpan(tracing.tracer, () => latency.observe({ queue: 'q' }, 0.5, first));
    latency.observe({ queue: 'q' }, 0.7, second);
    latency.observe({ queue: 'q' }, 60, first);
    latency.observe({ queue: 'q' }, 0.9); // no span, no exemplar: the bucket keeps its last one

    expect(await exemplars(registry)).toEqual([
      {
        series: 'work_duration_seconds_bucket{le="1",queue="q"}',
        labels: { trace_id: second.traceId, span_id: second.spanId },
        value: 0.7,
      },
      {
        series: 'work_duration_seconds_bucket{le="+Inf",queue="q"}',
        labels: { trace_id: first.traceId, span_id: first.spanId },
        value: 60,
      },
    ]);
  });

  it('takes at most one exemplar per bucket and series a second by default', async () => {
    const registry = openMetricsRegistry();
    let nowMs = 0;
    const metrics = genAi(registry, { now: () => nowMs });
    const record = (model: string) =>
      tracing.inSpan(tracing.tracer, (span) => {
        metrics.recordOperation({ provider: 'aws.bedrock', operation: 'chat', model, durationSeconds: 1.5 });
        return span.spanContext().traceId;
      });
    const first = record(MODEL);
    record(MODEL);
    const otherModel = record('amazon.nova-lite-v1:0');
    const found = (await exemplars(registry)).filter((e) =>
      e.series.startsWith('gen_ai_client_operation_duration_seconds_bucket'),
    );
    expect(found.map((e) => e.labels.trace_id)).toEqual([first, otherModel]);
    nowMs += 999;
    record(MODEL);
    const stillFirst = (await exemplars(registry)).find((e) =>
      e.series.startsWith('gen_ai_client_operation_duration_seconds_bucket'),
    );
    expect(stillFirst?.labels.trace_id).toBe(first);
    nowMs += 1;
    const second = record(MODEL);
    const latest = (await exemplars(registry)).find((e) =>
      e.series.startsWith('gen_ai_client_operation_duration_seconds_bucket'),
    );
    expect(latest?.labels.trace_id, 'a second later the bucket takes the new trace').toBe(second);
  });

  it('counts observations made without an exemplar, and a series first seen untraced still takes one', async () => {
    const registry = openMetricsRegistry();
    const metrics = genAi(registry, { now: () => 0 });
    const op = { provider: 'aws.bedrock', operation: 'chat' as const, model: MODEL, durationSeconds: 1.5 };
    metrics.recordOperation(op);
    metrics.recordOperation(op);
    const traced = tracing.inSpan(tracing.tracer, (span) => {
      metrics.recordOperation(op);
      metrics.recordOperation(op); // not due: counted, no exemplar
      return span.spanContext().traceId;
    });
    const text = await registry.metrics();
    expect(text).toMatch(/^gen_ai_client_operation_duration_seconds_count\{[^}]*\} 4$/m);
    expect(text).toMatch(/^gen_ai_client_operation_duration_seconds_bucket\{le="2\.56",[^}]*\} 4 # /m);
    const found = (await exemplars(registry)).filter((e) =>
      e.series.startsWith('gen_ai_client_operation_duration_seconds_bucket'),
    );
    expect(found.map((e) => e.labels.trace_id)).toEqual([traced]);
  });

  it('leaves out unsampled spans and ids that are not trace context ids', async () => {
    const registry = openMetricsRegistry();
    const metrics = genAi(registry);
    const op = { provider: 'aws.bedrock', operation: 'chat' as const, model: MODEL, durationSeconds: 1 };
    tracing.inSpan(tracing.unsampled, () => metrics.recordOperation(op));
    const latency = createMetrics({ output: prometheusOutput(registry) }).histogram({
      name: 'other_duration_seconds',
      otelName: 'other.duration',
      help: 'Other.',
      unit: 's',
      labels: {},
      buckets: [1],
    });
    latency.observe({}, 0.5, { traceId: 'a player typed this', spanId: '00f067aa0ba902b7' });
    latency.observe({}, 0.5, { traceId: '00000000000000000000000000000000', spanId: '00f067aa0ba902b7' });
    expect(await exemplars(registry)).toEqual([]);
    expect(await registry.metrics()).toContain('gen_ai_client_operation_duration_seconds_count');
  });

  it('links an evaluation score to the generation’s trace given explicitly', async () => {
    const registry = openMetricsRegistry();
    const quality = narrativeQualityMetrics(createMetrics({ output: prometheusOutput(registry) }));
    const generation = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    quality.recordEvalScore(
      { model: MODEL, promptVersion: 'v8', evaluator: 'judge', score: 0.12 },
      generation,
    );
    expect(await exemplars(registry)).toEqual([
      {
        series: `narrative_eval_score_bucket{le="0.2",model="${MODEL}",prompt_version="v8",evaluator="judge"}`,
        labels: { trace_id: generation.traceId, span_id: generation.spanId },
        value: 0.12,
      },
    ]);
  });

  it('records narrative histograms with the span too, and can be turned off', async () => {
    const on = openMetricsRegistry();
    const off = openMetricsRegistry();
    const narratives = [on, off].map((r, i) =>
      narrativeMetrics(createMetrics({ output: prometheusOutput(r, { exemplars: i === 0 }) })),
    );
    const traceId = tracing.inSpan(tracing.tracer, (span) => {
      for (const n of narratives) n.recordGeneration('quest', 2.5, 'ok');
      return span.spanContext().traceId;
    });
    const found = await exemplars(on);
    expect(found.map((e) => [e.series, e.labels.trace_id])).toEqual([
      ['narrative_generation_duration_seconds_bucket{le="3",story_type="quest"}', traceId],
    ]);
    expect(await exemplars(off)).toEqual([]);
  });
});

describe('a Prometheus text-format registry', () => {
  it('is unchanged: no exemplars, even inside a span', async () => {
    const registry = new Registry();
    const metrics = genAiMetrics(createMetrics({ output: prometheusOutput(registry) }));
    tracing.inSpan(tracing.tracer, () =>
      metrics.recordOperation({
        provider: 'aws.bedrock',
        operation: 'chat',
        model: MODEL,
        durationSeconds: 1,
      }),
    );
    const text = await registry.metrics();
    expect(text).toContain('gen_ai_client_operation_duration_seconds_bucket{');
    expect(text).not.toContain('trace_id');
    expect(registry.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
  });

  it('refuses exemplars: true with the fix in the message', () => {
    expect(() => prometheusOutput(new Registry(), { exemplars: true })).toThrow(
      /exemplars need an OpenMetrics registry.*setContentType\(Registry\.OPENMETRICS_CONTENT_TYPE\)/,
    );
  });
});
