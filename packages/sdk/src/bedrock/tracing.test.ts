import { readFileSync } from 'node:fs';
import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PART_CHARS } from './content.ts';
import {
  SDK_VERSION,
  captureContentEnabled,
  createMetrics,
  instrumentBedrock,
  type Exemplar,
  type MetricsOutput,
} from '../index.ts';
import {
  converseOk,
  startFakeBedrock,
  throttled,
  type FakeBedrock,
  type FakeReply,
} from '../../test/fake-bedrock.ts';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const MESSAGES = { messages: [{ role: 'user' as const, content: [{ text: 'Tell me a story' }] }] };

interface Observation {
  metric: string;
  value: number;
  exemplar: Exemplar | undefined;
}

/** A MetricsOutput that remembers every observation with its exemplar (prom-client's side is tested elsewhere). */
function spyOutput(seen: Observation[]): MetricsOutput {
  return {
    create: (_kind, def) => (_labels, value, exemplar) =>
      void seen.push({ metric: def.name, value, exemplar }),
  };
}

let fake: FakeBedrock;
let answer: () => FakeReply;
let exporter: InMemorySpanExporter;
let provider: TracerProvider;
let seen: Observation[];
let client: BedrockRuntimeClient;

function makeClient(options: { captureContent?: boolean; tracerProvider?: TracerProvider } = {}) {
  const c = new BedrockRuntimeClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  return instrumentBedrock(c, {
    metrics: createMetrics({ output: spyOutput(seen) }),
    tracerProvider: options.tracerProvider ?? provider,
    captureContent: options.captureContent,
  });
}

const spans = async (): Promise<ReadableSpan[]> => {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
};
const named = (all: ReadableSpan[], name: string) => {
  const found = all.find((s) => s.name === name);
  if (!found) throw new Error(`no span ${name}; have ${all.map((s) => s.name).join(', ')}`);
  return found;
};

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(async () => {
  exporter = new InMemorySpanExporter();
  provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  seen = [];
  answer = () => converseOk(12, 5);
  fake = await startFakeBedrock(() => answer());
  client = makeClient();
});
afterEach(async () => {
  client.destroy();
  await fake.close();
  await provider.shutdown();
});

describe('Bedrock client spans', () => {
  it('one CLIENT span per call, named and attributed per the GenAI semconv, under the caller span', async () => {
    const tracer = provider.getTracer('app');
    await tracer.startActiveSpan('POST /stories', async (parent) => {
      await client.send(
        new ConverseCommand({
          modelId: HAIKU,
          ...MESSAGES,
          system: [{ text: 'You are a narrator' }],
          inferenceConfig: { maxTokens: 200, temperature: 0.7, topP: 0.9 },
        }),
      );
      parent.end();
    });
    const all = await spans();
    const parent = named(all, 'POST /stories');
    const span = named(all, `chat ${HAIKU}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span.instrumentationScope).toMatchObject({ name: '@klaxon/sdk', version: SDK_VERSION });
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': HAIKU,
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.finish_reasons': ['end_turn'],
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // No content without the opt-in, anywhere on the span.
    expect(JSON.stringify([span.attributes, span.events])).not.toMatch(/story|narrator|Once upon/);
  });

  it('passes the call span as the exemplar of the duration and time-to-first-token observations', async () => {
    await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }));
    const span = named(await spans(), `chat ${HAIKU}`);
    const ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    const of = (metric: string) => seen.filter((o) => o.metric === metric).map((o) => o.exemplar);
    expect(of('gen_ai_client_operation_duration_seconds')).toEqual([ids]);
    expect(of('bedrock_client_time_to_first_token_seconds')).toEqual([ids]);
  });

  it('passes no exemplar when the span is not sampled', async () => {
    client.destroy();
    const unsampled = new TracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    client = makeClient({ tracerProvider: unsampled });
    await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }));
    const durations = seen.filter((o) => o.metric === 'gen_ai_client_operation_duration_seconds');
    expect(durations).toHaveLength(1);
    expect(durations[0]!.exemplar).toBeUndefined();
    expect(await spans()).toEqual([]);
  });

  it('records prompt and completion only when enabled, size-bounded', async () => {
    client.destroy();
    client = makeClient({ captureContent: true });
    const long = 'x'.repeat(MAX_PART_CHARS + 500);
    await client.send(
      new ConverseCommand({
        modelId: HAIKU,
        messages: [{ role: 'user', content: [{ text: 'Tell me a story' }, { text: long }] }],
        system: [{ text: 'You are a narrator' }],
      }),
    );
    const span = named(await spans(), `chat ${HAIKU}`);
    const input = JSON.parse(String(span.attributes['gen_ai.input.messages']));
    expect(input).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Tell me a story' },
          { type: 'text', content: 'x'.repeat(MAX_PART_CHARS) },
        ],
      },
    ]);
    expect(JSON.parse(String(span.attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'You are a narrator' },
    ]);
    expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Once upon a time' }],
        finish_reason: 'end_turn',
      },
    ]);
  });

  it('follows OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT when the option is not given', () => {
    const env = (v: string | undefined) => ({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: v });
    expect(captureContentEnabled(undefined, env('true'))).toBe(true);
    expect(captureContentEnabled(undefined, env('TRUE'))).toBe(true);
    expect(captureContentEnabled(undefined, env('1'))).toBe(false);
    expect(captureContentEnabled(undefined, env(undefined))).toBe(false);
    expect(captureContentEnabled(false, env('true'))).toBe(false);
  });

  it('marks a failed call: status ERROR, error.type and the failure class, no message', async () => {
    answer = () => throttled();
    await expect(client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }))).rejects.toThrow();
    const span = named(await spans(), `chat ${HAIKU}`);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ThrottlingException' });
    expect(span.attributes['error.type']).toBe('ThrottlingException');
    expect(span.attributes['klaxon.gen_ai.failure_class']).toBe('throttled');
    expect(JSON.stringify([span.attributes, span.events, span.status])).not.toContain('Too many requests');
  });

  it('reads InvokeModel parameters and the response model from the bodies', async () => {
    answer = () => ({
      json: {
        id: 'msg_01',
        model: 'claude-3-5-haiku-20241022',
        type: 'message',
        content: [{ type: 'text', text: 'Hi' }],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 42, output_tokens: 7 },
      },
    });
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 50,
      temperature: 0.2,
      messages: [],
    });
    await client.send(new InvokeModelCommand({ modelId: HAIKU, body }));
    const span = named(await spans(), `chat ${HAIKU}`);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.model': 'claude-3-5-haiku-20241022',
      'gen_ai.response.id': 'msg_01',
      'gen_ai.response.finish_reasons': ['max_tokens'],
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.usage.output_tokens': 7,
    });
  });

  it('uses the global tracer provider by default (no-op until one is registered)', async () => {
    client.destroy();
    client = instrumentBedrock(
      new BedrockRuntimeClient({
        endpoint: fake.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
      { metrics: createMetrics({ output: spyOutput(seen) }) },
    );
    await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES })); // no global provider: nothing
    expect(
      seen.find((o) => o.metric === 'gen_ai_client_operation_duration_seconds')?.exemplar,
    ).toBeUndefined();
    trace.setGlobalTracerProvider(provider);
    try {
      await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }));
    } finally {
      trace.disable();
    }
    expect((await spans()).map((s) => s.name)).toEqual([`chat ${HAIKU}`]);
  });

  it('SDK_VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
