/**
 * The SDK's recording cost (issues 8 and 21), one configuration per process: `genAiMetrics().recordOperation`
 * against bare prom-client, on a Prometheus text registry, on an OpenMetrics registry with tracing off, and with
 * tracing on. Each configuration runs in a fresh Node process that loads only the SDK, prom-client and
 * OpenTelemetry, as an instrumented service does: measured after the other configurations in one process
 * (more so in one that had also loaded every other suite), the same code ran slower, and by different amounts
 * from run to run. `bench/sdk.ts` runs this file once per configuration and process: `tsx bench/sdk-record.ts record-on`
 * prints one JSON line.
 */
import { pathToFileURL } from 'node:url';
import { context, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import {
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
  createMetrics,
  genAiMetrics,
  prometheusOutput,
} from '../packages/sdk/src/index.ts';

export const MODELS = [
  'anthropic.claude-3-5-haiku-20241022-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
] as const;
/** Operations per round; 15 × this per process (a warm-up of half a round each, then 7 rounds of each). */
const RECORD_OPS = Number(process.env.BENCH_SDK_OPS ?? 300_000);
export const ROUNDS = 7;

export type Run = (n: number) => void | Promise<void>;

async function timed(n: number, run: Run): Promise<number> {
  const started = process.hrtime.bigint();
  await run(n);
  return Number(process.hrtime.bigint() - started) / n;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * ns per op of `measured` and `baseline`: both warmed up, then run in alternating rounds so drift (JIT, GC,
 * CPU frequency) falls on both alike; the median round of each.
 */
export async function compare(n: number, measured: Run, baseline: Run): Promise<[number, number]> {
  await measured(Math.max(1, Math.floor(n / 2)));
  await baseline(Math.max(1, Math.floor(n / 2)));
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await timed(n, baseline));
    a.push(await timed(n, measured));
  }
  return [median(a), median(b)];
}

function bareRecord(): (n: number, from?: number) => void {
  const registry = new Registry();
  const labelNames = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'];
  const duration = new Histogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: 'd',
    labelNames,
    buckets: [...OPERATION_DURATION_BUCKETS],
    registers: [registry],
  });
  const tokens = new Histogram({
    name: 'gen_ai_client_token_usage',
    help: 't',
    labelNames: [...labelNames.slice(0, 3), 'gen_ai_token_type'],
    buckets: [...TOKEN_USAGE_BUCKETS],
    registers: [registry],
  });
  return (n, from = 0) => {
    for (let i = from; i < from + n; i++) {
      const model = MODELS[i % 3]!;
      duration.observe(
        { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'aws.bedrock', gen_ai_request_model: model },
        0.2 + (i % 50) / 10,
      );
      tokens.observe(
        {
          gen_ai_operation_name: 'chat',
          gen_ai_provider_name: 'aws.bedrock',
          gen_ai_request_model: model,
          gen_ai_token_type: 'input',
        },
        100 + (i % 700),
      );
      tokens.observe(
        {
          gen_ai_operation_name: 'chat',
          gen_ai_provider_name: 'aws.bedrock',
          gen_ai_request_model: model,
          gen_ai_token_type: 'output',
        },
        20 + (i % 300),
      );
    }
  };
}

/** Span contexts to record in, one per operation in turn, so no two neighbouring operations share a trace. */
const SPANS = 1024;

/**
 * A real TracerProvider whose spans are sampled and exported to nowhere, the context manager made global, and
 * `SPANS` ended spans' contexts to record in.
 */
export function tracing(): { provider: TracerProvider; contexts: Context[]; stop: () => Promise<void> } {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const discard: SpanExporter = {
    export: (_spans, done) => done({ code: 0 }),
    shutdown: () => Promise.resolve(),
  };
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: discard })] });
  const tracer = provider.getTracer('klaxon-bench');
  const contexts = Array.from({ length: SPANS }, () => {
    const span = tracer.startSpan('chat');
    span.end();
    return trace.setSpan(context.active(), span);
  });
  return {
    provider,
    contexts,
    stop: async () => {
      await provider.shutdown();
      context.disable();
    },
  };
}

export function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry;
}

/** `run` with operation i inside `contexts[i % SPANS]`, the way a traced service records. */
function inContexts(contexts: Context[], run: (n: number, from: number) => void): (n: number) => void {
  return (n) => {
    for (let i = 0; i < n; i++) context.with(contexts[i % SPANS]!, run, undefined, 1, i);
  };
}

function sdkRecord(
  registry: Registry<OpenMetricsContentType> | Registry,
): (n: number, from?: number) => void {
  const genAi = genAiMetrics(createMetrics({ output: prometheusOutput(registry) }));
  return (n, from = 0) => {
    for (let i = from; i < from + n; i++) {
      genAi.recordOperation({
        provider: 'aws.bedrock',
        operation: 'chat',
        model: MODELS[i % 3]!,
        durationSeconds: 0.2 + (i % 50) / 10,
        inputTokens: 100 + (i % 700),
        outputTokens: 20 + (i % 300),
      });
    }
  };
}

export const RECORD_ROWS = ['record', 'record-off', 'record-on'] as const;
export type RecordRow = (typeof RECORD_ROWS)[number];

/** One configuration's median ns per operation, the SDK's and its baseline's, measured in this process. */
export async function recordRow(row: RecordRow): Promise<{ nsPerOp: number; baselineNsPerOp: number }> {
  const bare = bareRecord();
  let result: [number, number];
  if (row === 'record') result = await compare(RECORD_OPS, sdkRecord(new Registry()), bare);
  else if (row === 'record-off') result = await compare(RECORD_OPS, sdkRecord(openMetricsRegistry()), bare);
  else {
    const traced = tracing();
    result = await compare(
      RECORD_OPS,
      inContexts(traced.contexts, sdkRecord(openMetricsRegistry())),
      inContexts(traced.contexts, bare),
    );
    await traced.stop();
  }
  return { nsPerOp: result[0], baselineNsPerOp: result[1] };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const row = process.argv[2] as RecordRow;
  if (!RECORD_ROWS.includes(row)) {
    console.error(`usage: tsx bench/sdk-record.ts <${RECORD_ROWS.join('|')}>`);
    process.exit(2);
  }
  console.log(JSON.stringify(await recordRow(row)));
}
