import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  costCalculator,
  createMetrics,
  instrumentBedrock,
  prometheusOutput,
  type LabelLimits,
} from '../index.ts';
import {
  converseOk,
  converseStreamOk,
  serverError,
  startFakeBedrock,
  throttled,
  validationError,
  type FakeBedrock,
  type FakeReply,
  type FakeRequest,
} from '../../test/fake-bedrock.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const MESSAGES = { messages: [{ role: 'user' as const, content: [{ text: 'Tell me a story' }] }] };

const op = (model: string, extra: Record<string, string> = {}, operation = 'chat') => ({
  gen_ai_operation_name: operation,
  gen_ai_provider_name: 'aws.bedrock',
  gen_ai_request_model: model,
  ...extra,
});

let fake: FakeBedrock;
let answer: (r: FakeRequest) => FakeReply;
let clock: number;
let registry: Registry;
let client: BedrockRuntimeClient;

function makeClient(options: { maxAttempts?: number; limits?: LabelLimits; cost?: boolean } = {}) {
  const metrics = createMetrics({ output: prometheusOutput(registry), limits: options.limits });
  const c = new BedrockRuntimeClient({
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: options.maxAttempts ?? 1,
  });
  return instrumentBedrock(c, {
    metrics,
    now: () => clock,
    cost: options.cost ? costCalculator() : undefined,
  });
}

beforeEach(async () => {
  clock = 1_000;
  registry = new Registry();
  // Each answer takes 250 ms on the injected clock.
  fake = await startFakeBedrock((r) => {
    clock += 250;
    return answer(r);
  });
  client = makeClient();
});

afterEach(async () => {
  client.destroy();
  await fake.close();
});

describe('instrumentBedrock over a real BedrockRuntimeClient', () => {
  it('records a Converse call: duration, tokens, time to first token, no error_type', async () => {
    answer = () => converseOk(12, 5);
    const res = await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }));
    expect(res.usage?.outputTokens).toBe(5); // the caller's result is untouched
    expect(fake.requests.map((r) => r.operation)).toEqual(['converse']);

    const s = await samples(registry);
    const D = 'gen_ai_client_operation_duration_seconds';
    expect(s[seriesKey(`${D}_count`, op(HAIKU))]).toBe(1);
    expect(s[seriesKey(`${D}_sum`, op(HAIKU))]).toBe(0.25);
    expect(s[seriesKey(`${D}_bucket`, { ...op(HAIKU), le: '0.16' })]).toBe(0);
    expect(s[seriesKey(`${D}_bucket`, { ...op(HAIKU), le: '0.32' })]).toBe(1);
    const T = 'gen_ai_client_token_usage';
    expect(s[seriesKey(`${T}_sum`, op(HAIKU, { gen_ai_token_type: 'input' }))]).toBe(12);
    expect(s[seriesKey(`${T}_sum`, op(HAIKU, { gen_ai_token_type: 'output' }))]).toBe(5);
    expect(s[seriesKey(`${T}_bucket`, { ...op(HAIKU, { gen_ai_token_type: 'input' }), le: '16' })]).toBe(1);
    expect(s[seriesKey(`${T}_bucket`, { ...op(HAIKU, { gen_ai_token_type: 'input' }), le: '4' })]).toBe(0);
    const ttft = { gen_ai_operation_name: 'chat', gen_ai_request_model: HAIKU };
    expect(s[seriesKey('bedrock_client_time_to_first_token_seconds_sum', ttft)]).toBe(0.25);
    expect(only(s, 'bedrock_client_throttles_total')).toEqual({});
    expect(only(s, 'bedrock_client_cost_usd_total')).toEqual({});
  });

  it('records ConverseStream: time to first token at the first contentBlockDelta, duration at the end', async () => {
    answer = () => converseStreamOk(['Once', ' upon', ' a time'], 30, 3);
    const res = await client.send(new ConverseStreamCommand({ modelId: HAIKU, ...MESSAGES }));
    const text: string[] = [];
    for await (const event of res.stream!) {
      clock += 100; // the caller spends 100 ms on each event
      if (event.contentBlockDelta?.delta?.text) text.push(event.contentBlockDelta.delta.text);
    }
    expect(text.join('')).toBe('Once upon a time');

    const s = await samples(registry);
    const ttft = { gen_ai_operation_name: 'chat', gen_ai_request_model: HAIKU };
    // Response at +250 ms; messageStart read (+100), then the first delta reaches the wrapper.
    expect(s[seriesKey('bedrock_client_time_to_first_token_seconds_sum', ttft)]).toBeCloseTo(0.35, 9);
    expect(s[seriesKey('bedrock_client_time_to_first_token_seconds_count', ttft)]).toBe(1);
    // The stream ends when the caller asks for the event after the 7th: 250 + 7 × 100 ms.
    expect(s[seriesKey('gen_ai_client_operation_duration_seconds_sum', op(HAIKU))]).toBeCloseTo(0.95, 9);
    expect(s[seriesKey('gen_ai_client_token_usage_sum', op(HAIKU, { gen_ai_token_type: 'input' }))]).toBe(30);
    expect(s[seriesKey('gen_ai_client_token_usage_sum', op(HAIKU, { gen_ai_token_type: 'output' }))]).toBe(3);
  });

  it('records an in-stream throttlingException as a throttle and error_type', async () => {
    answer = () => ({
      events: [
        { type: 'messageStart', payload: { role: 'assistant' } },
        { type: 'throttlingException', payload: { message: 'slow down' }, exception: true },
      ],
    });
    const res = await client.send(new ConverseStreamCommand({ modelId: HAIKU, ...MESSAGES }));
    await expect(async () => {
      for await (const _ of res.stream!) clock += 0;
    }).rejects.toMatchObject({ name: 'ThrottlingException' });

    const s = await samples(registry);
    const labels = op(HAIKU, { error_type: 'ThrottlingException' });
    expect(s[seriesKey('gen_ai_client_operation_duration_seconds_count', labels)]).toBe(1);
    expect(
      s[
        seriesKey('bedrock_client_throttles_total', {
          gen_ai_operation_name: 'chat',
          gen_ai_request_model: HAIKU,
        })
      ],
    ).toBe(1);
    expect(only(s, 'gen_ai_client_token_usage')).toEqual({});
  });

  it('reads InvokeModel tokens from an Anthropic Messages body', async () => {
    answer = () => ({
      json: {
        id: 'msg_1',
        type: 'message',
        content: [{ type: 'text', text: 'Hi' }],
        usage: { input_tokens: 42, output_tokens: 7 },
      },
    });
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [] });
    await client.send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: 'application/json' }));

    const s = await samples(registry);
    expect(fake.requests[0]?.operation).toBe('invoke');
    expect(s[seriesKey('gen_ai_client_operation_duration_seconds_count', op(HAIKU))]).toBe(1);
    expect(s[seriesKey('gen_ai_client_token_usage_sum', op(HAIKU, { gen_ai_token_type: 'input' }))]).toBe(42);
    expect(s[seriesKey('gen_ai_client_token_usage_sum', op(HAIKU, { gen_ai_token_type: 'output' }))]).toBe(7);
  });

  it('prefers the InvokeModel token-count headers and names a prompt body text_completion', async () => {
    const TITAN = 'amazon.titan-text-express-v1';
    answer = () => ({
      headers: { 'x-amzn-bedrock-input-token-count': '9', 'x-amzn-bedrock-output-token-count': '21' },
      json: { inputTextTokenCount: 1, results: [{ tokenCount: 1, outputText: '…' }] },
    });
    await client.send(
      new InvokeModelCommand({ modelId: TITAN, body: JSON.stringify({ inputText: 'Hello' }) }),
    );

    const s = await samples(registry);
    const tokens = (t: string) =>
      seriesKey('gen_ai_client_token_usage_sum', op(TITAN, { gen_ai_token_type: t }, 'text_completion'));
    expect(s[tokens('input')]).toBe(9);
    expect(s[tokens('output')]).toBe(21);
  });

  it('records a throttle: error_type="ThrottlingException" and one throttles_total, no tokens', async () => {
    answer = () => throttled();
    await expect(client.send(new ConverseCommand({ modelId: NOVA, ...MESSAGES }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });

    const s = await samples(registry);
    expect(only(s, 'gen_ai_client_operation_duration_seconds_count')).toEqual({
      [seriesKey(
        'gen_ai_client_operation_duration_seconds_count',
        op(NOVA, { error_type: 'ThrottlingException' }),
      )]: 1,
    });
    expect(only(s, 'bedrock_client_throttles_total')).toEqual({
      [seriesKey('bedrock_client_throttles_total', {
        gen_ai_operation_name: 'chat',
        gen_ai_request_model: NOVA,
      })]: 1,
    });
    expect(only(s, 'gen_ai_client_token_usage')).toEqual({});
  });

  it('names errors by exception: ValidationException (400) and InternalServerException (500)', async () => {
    answer = (r) => (r.modelId === 'bad-model' ? validationError() : serverError());
    await expect(client.send(new ConverseCommand({ modelId: 'bad-model', ...MESSAGES }))).rejects.toThrow();
    await expect(client.send(new ConverseCommand({ modelId: NOVA, ...MESSAGES }))).rejects.toThrow();

    const s = await samples(registry);
    expect(only(s, 'gen_ai_client_operation_duration_seconds_count')).toEqual({
      [seriesKey(
        'gen_ai_client_operation_duration_seconds_count',
        op('bad-model', { error_type: 'ValidationException' }),
      )]: 1,
      [seriesKey(
        'gen_ai_client_operation_duration_seconds_count',
        op(NOVA, { error_type: 'InternalServerException' }),
      )]: 1,
    });
    expect(only(s, 'bedrock_client_throttles_total')).toEqual({});
  });

  it('counts every throttled attempt when the SDK retries, and one successful operation', async () => {
    client.destroy();
    client = makeClient({ maxAttempts: 3 });
    let n = 0;
    answer = () => (++n <= 2 ? throttled() : converseOk(3, 4));
    await client.send(new ConverseCommand({ modelId: NOVA, ...MESSAGES }));

    expect(fake.requests).toHaveLength(3);
    const s = await samples(registry);
    expect(
      s[
        seriesKey('bedrock_client_throttles_total', {
          gen_ai_operation_name: 'chat',
          gen_ai_request_model: NOVA,
        })
      ],
    ).toBe(2);
    expect(only(s, 'gen_ai_client_operation_duration_seconds_count')).toEqual({
      [seriesKey('gen_ai_client_operation_duration_seconds_count', op(NOVA))]: 1,
    });
  });

  it('records cost from the price table when a calculator is given', async () => {
    client.destroy();
    client = makeClient({ cost: true });
    answer = () => converseOk(1000, 500);
    await client.send(new ConverseCommand({ modelId: `us.${HAIKU}`, ...MESSAGES }));

    const s = await samples(registry);
    const cost = (t: string) =>
      s[
        seriesKey('bedrock_client_cost_usd_total', {
          gen_ai_request_model: `us.${HAIKU}`,
          gen_ai_token_type: t,
        })
      ];
    expect(cost('input')).toBeCloseTo(0.0008, 12);
    expect(cost('output')).toBeCloseTo(0.002, 12);
  });

  it('collapses undeclared model ids to "other" and counts the overflow', async () => {
    client.destroy();
    client = makeClient({ limits: { labels: { gen_ai_request_model: { values: [HAIKU] } } } });
    answer = () => converseOk(1, 1);
    await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }));
    await client.send(new ConverseCommand({ modelId: 'user-supplied/../model', ...MESSAGES }));

    const s = await samples(registry);
    expect(only(s, 'gen_ai_client_operation_duration_seconds_count')).toEqual({
      [seriesKey('gen_ai_client_operation_duration_seconds_count', op(HAIKU))]: 1,
      [seriesKey('gen_ai_client_operation_duration_seconds_count', op('other'))]: 1,
    });
    const overflow = (metric: string) =>
      s[seriesKey('klaxon_sdk_label_overflow_total', { metric, label: 'gen_ai_request_model' })];
    expect(overflow('gen_ai_client_operation_duration_seconds')).toBe(1);
    expect(overflow('gen_ai_client_token_usage')).toBe(2); // input and output points
    expect(overflow('bedrock_client_time_to_first_token_seconds')).toBe(1);
  });

  it('instruments a client once, however often it is asked', async () => {
    instrumentBedrock(client, { metrics: createMetrics({ output: prometheusOutput(registry) }) });
    answer = () => converseOk(1, 1);
    await client.send(new ConverseCommand({ modelId: HAIKU, ...MESSAGES }));
    const s = await samples(registry);
    expect(s[seriesKey('gen_ai_client_operation_duration_seconds_count', op(HAIKU))]).toBe(1);
  });
});
