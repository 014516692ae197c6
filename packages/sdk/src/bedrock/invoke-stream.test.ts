import { BedrockRuntimeClient, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics, instrumentBedrock, prometheusOutput } from '../index.ts';
import {
  invokeStreamOk,
  startFakeBedrock,
  type FakeBedrock,
  type FakeReply,
} from '../../test/fake-bedrock.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';
const MISTRAL = 'mistral.mistral-large-2407-v1:0';

const metricsChunk = (input: number, output: number) => ({
  'amazon-bedrock-invocationMetrics': {
    inputTokenCount: input,
    outputTokenCount: output,
    invocationLatency: 900,
    firstByteLatency: 300,
  },
});

/** An Anthropic Messages stream as Bedrock sends it: body usage in message_start/message_delta. */
function anthropicChunks(texts: string[], usage: [number, number], invocationMetrics?: [number, number]) {
  return [
    {
      type: 'message_start',
      message: {
        id: 'msg_bdrk_01',
        type: 'message',
        role: 'assistant',
        model: 'claude-3-5-haiku-20241022',
        content: [],
        usage: { input_tokens: usage[0], output_tokens: 1 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ...texts.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: usage[1] } },
    { type: 'message_stop', ...(invocationMetrics ? metricsChunk(...invocationMetrics) : {}) },
  ];
}

const ANTHROPIC_BODY = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 300,
  messages: [{ role: 'user', content: 'Tell me a story' }],
});

let fake: FakeBedrock;
let answer: () => FakeReply;
let clock: number;
let registry: Registry;
let exporter: InMemorySpanExporter;
let provider: TracerProvider;
let client: BedrockRuntimeClient;

function makeClient(captureContent = false) {
  return instrumentBedrock(
    new BedrockRuntimeClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    }),
    {
      metrics: createMetrics({ output: prometheusOutput(registry) }),
      now: () => clock,
      tracerProvider: provider,
      captureContent,
    },
  );
}

beforeEach(async () => {
  clock = 0;
  registry = new Registry();
  exporter = new InMemorySpanExporter();
  provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  fake = await startFakeBedrock(() => {
    clock += 200; // the response headers arrive after 200 ms
    return answer();
  });
  client = makeClient();
});
afterEach(async () => {
  client.destroy();
  await fake.close();
  await provider.shutdown();
});

/** Reads the stream as a caller would, spending 100 ms per chunk; returns the decoded chunks. */
async function readAll(modelId: string, body: string): Promise<unknown[]> {
  const res = await client.send(new InvokeModelWithResponseStreamCommand({ modelId, body }));
  const out: unknown[] = [];
  for await (const event of res.body!) {
    clock += 100;
    if (event.chunk?.bytes) out.push(JSON.parse(new TextDecoder().decode(event.chunk.bytes)));
  }
  return out;
}

const op = (model: string, operation: string, extra: Record<string, string> = {}) => ({
  gen_ai_operation_name: operation,
  gen_ai_provider_name: 'aws.bedrock',
  gen_ai_request_model: model,
  ...extra,
});
const ttft = (model: string, operation: string) =>
  seriesKey('bedrock_client_time_to_first_token_seconds_sum', {
    gen_ai_operation_name: operation,
    gen_ai_request_model: model,
  });
const tokens = (model: string, operation: string, type: string) =>
  seriesKey('gen_ai_client_token_usage_sum', op(model, operation, { gen_ai_token_type: type }));

describe('InvokeModelWithResponseStream', () => {
  it('Anthropic: time to first token at the first content_block_delta, tokens from the invocation metrics', async () => {
    answer = () => invokeStreamOk(anthropicChunks(['Once', ' upon', ' a time'], [25, 12], [26, 13]));
    const chunks = await readAll(HAIKU, ANTHROPIC_BODY);
    expect(chunks).toHaveLength(8); // the caller's chunks are untouched
    expect(fake.requests[0]?.operation).toBe('invoke-with-response-stream');
    const s = await samples(registry);
    // 200 ms to the headers, then message_start and content_block_start read (+200) before the first delta.
    expect(s[ttft(HAIKU, 'chat')]).toBeCloseTo(0.4, 9);
    expect(s[tokens(HAIKU, 'chat', 'input')]).toBe(26);
    expect(s[tokens(HAIKU, 'chat', 'output')]).toBe(13);
    // The call ends when the caller asks for the chunk after the 8th: 200 + 8 × 100 ms.
    expect(s[seriesKey('gen_ai_client_operation_duration_seconds_sum', op(HAIKU, 'chat'))]).toBeCloseTo(
      1.0,
      9,
    );
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe(`chat ${HAIKU}`);
    expect(span?.attributes).toMatchObject({
      'gen_ai.request.max_tokens': 300,
      'gen_ai.response.model': 'claude-3-5-haiku-20241022',
      'gen_ai.response.id': 'msg_bdrk_01',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.response.time_to_first_chunk': 0.4,
      'gen_ai.usage.input_tokens': 26,
      'gen_ai.usage.output_tokens': 13,
    });
    expect(span?.attributes['gen_ai.output.messages']).toBeUndefined();
  });

  it('Anthropic without invocation metrics: message_start input and message_delta output tokens', async () => {
    answer = () => invokeStreamOk(anthropicChunks(['Hi'], [25, 12]));
    await readAll(HAIKU, ANTHROPIC_BODY);
    const s = await samples(registry);
    expect(s[tokens(HAIKU, 'chat', 'input')]).toBe(25);
    expect(s[tokens(HAIKU, 'chat', 'output')]).toBe(12);
  });

  it('Llama: the first chunk with text, tokens from the last chunk', async () => {
    answer = () =>
      invokeStreamOk([
        { generation: 'Once', prompt_token_count: 18, generation_token_count: 1, stop_reason: null },
        { generation: ' upon', prompt_token_count: null, generation_token_count: 2, stop_reason: null },
        {
          generation: '',
          prompt_token_count: null,
          generation_token_count: 9,
          stop_reason: 'stop',
          ...metricsChunk(18, 9),
        },
      ]);
    await readAll(LLAMA, JSON.stringify({ prompt: 'Tell me a story', max_gen_len: 64 }));
    const s = await samples(registry);
    expect(s[ttft(LLAMA, 'text_completion')]).toBeCloseTo(0.2, 9);
    expect(s[tokens(LLAMA, 'text_completion', 'input')]).toBe(18);
    expect(s[tokens(LLAMA, 'text_completion', 'output')]).toBe(9);
  });

  it('Mistral: tokens only from the invocation metrics; content captured when enabled', async () => {
    client.destroy();
    client = makeClient(true);
    answer = () =>
      invokeStreamOk([
        { outputs: [{ text: 'Once', stop_reason: null }] },
        { outputs: [{ text: ' upon a time', stop_reason: 'stop' }], ...metricsChunk(11, 4) },
      ]);
    await readAll(MISTRAL, JSON.stringify({ prompt: '<s>[INST] Tell me a story [/INST]', max_tokens: 64 }));
    const s = await samples(registry);
    expect(s[tokens(MISTRAL, 'text_completion', 'input')]).toBe(11);
    expect(s[tokens(MISTRAL, 'text_completion', 'output')]).toBe(4);
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(JSON.parse(String(span?.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Once upon a time' }], finish_reason: 'stop' },
    ]);
    expect(JSON.parse(String(span?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '<s>[INST] Tell me a story [/INST]' }] },
    ]);
  });

  it('classifies a failure in mid-stream and a guardrail intervention in a chunk', async () => {
    answer = () => ({
      events: [
        ...(invokeStreamOk(anthropicChunks(['Once'], [5, 1])).events ?? []).slice(0, 3),
        { type: 'internalServerException', payload: { message: 'boom' }, exception: true },
      ],
    });
    await expect(readAll(HAIKU, ANTHROPIC_BODY)).rejects.toMatchObject({ name: 'InternalServerException' });
    answer = () =>
      invokeStreamOk([
        { type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 0 } } },
        { type: 'message_stop', 'amazon-bedrock-guardrailAction': 'INTERVENED', ...metricsChunk(5, 0) },
      ]);
    await readAll(HAIKU, ANTHROPIC_BODY);
    const s = await samples(registry);
    const failure = (c: string) =>
      seriesKey('gen_ai_client_failures_total', {
        gen_ai_provider_name: 'aws.bedrock',
        gen_ai_request_model: HAIKU,
        failure_class: c,
      });
    expect(only(s, 'gen_ai_client_failures_total')).toEqual({
      [failure('server_error')]: 1,
      [failure('content_filtered')]: 1,
    });
    expect(
      s[
        seriesKey(
          'gen_ai_client_operation_duration_seconds_count',
          op(HAIKU, 'chat', { error_type: 'InternalServerException' }),
        )
      ],
    ).toBe(1);
  });
});
