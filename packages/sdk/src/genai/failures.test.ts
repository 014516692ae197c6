import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyFailure,
  createMetrics,
  genAiFailureMetrics,
  instrumentBedrock,
  prometheusOutput,
  withFallback,
  type Metrics,
} from '../index.ts';
import {
  bedrockError,
  converseOk,
  modelTimeout,
  quotaExceeded,
  spendCapReached,
  startFakeBedrock,
  throttled,
  validationError,
  type FakeBedrock,
  type FakeReply,
  type FakeRequest,
} from '../../test/fake-bedrock.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const NOVA = 'amazon.nova-lite-v1:0';
const MESSAGES = { messages: [{ role: 'user' as const, content: [{ text: 'Tell me a story' }] }] };

/** An error shaped as the AWS SDK throws them. */
const awsError = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('classifyFailure', () => {
  it.each([
    [
      awsError('ThrottlingException', 'Too many requests, please wait before trying again.', 429),
      'throttled',
    ],
    [awsError('ThrottlingException', 'Too many tokens, please wait before trying again.', 429), 'throttled'],
    [
      awsError('ThrottlingException', 'Too many tokens per day, please wait before trying again.', 429),
      'quota_exhausted',
    ],
    // A per-minute "quota" refills by itself: a throttle (Vertex AI's RESOURCE_EXHAUSTED wording).
    [
      Object.assign(
        new Error(
          "Quota exceeded for quota metric 'Generate Content API requests per minute' and limit 'GenerateContent request limit per minute for a region'",
        ),
        { status: 429 },
      ),
      'throttled',
    ],
    [
      awsError(
        'ServiceQuotaExceededException',
        'Your request exceeds the service quota for your account.',
        400,
      ),
      'quota_exhausted',
    ],
    // Anthropic's spend limit and credit balance, both a 400 invalid_request_error.
    [
      awsError(
        'ValidationException',
        'You have reached your specified API usage limits. You will regain access on 2026-08-01 at 00:00 UTC.',
        400,
      ),
      'spend_cap',
    ],
    [
      awsError(
        'Error',
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        400,
      ),
      'spend_cap',
    ],
    // OpenAI's insufficient_quota is a billing problem, though sent as a 429 about "quota".
    [
      Object.assign(
        new Error('You exceeded your current quota, please check your plan and billing details.'),
        { status: 429, code: 'insufficient_quota' },
      ),
      'spend_cap',
    ],
    [
      awsError(
        'AccessDeniedException',
        'Model access is denied due to INVALID_PAYMENT_INSTRUMENT:A valid payment instrument must be provided.',
        403,
      ),
      'spend_cap',
    ],
    [
      Object.assign(new Error('Budget has been exceeded! Current cost: 10.2, Max budget: 10.0'), {
        status: 400,
      }),
      'spend_cap',
    ],
    // "budget" alone is a validation error about extended thinking, not a spend cap.
    [
      awsError('ValidationException', '`max_tokens` must be greater than `thinking.budget_tokens`', 400),
      'validation',
    ],
    [awsError('ValidationException', 'The provided model identifier is invalid.', 400), 'validation'],
    [
      awsError(
        'AccessDeniedException',
        "You don't have access to the model with the specified model ID.",
        403,
      ),
      'validation',
    ],
    [awsError('InternalServerException', 'Internal server error', 500), 'server_error'],
    [awsError('ServiceUnavailableException', 'Service unavailable', 503), 'server_error'],
    [awsError('ModelNotReadyException', 'Model is not ready', 429), 'server_error'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'server_error'],
    [awsError('ModelTimeoutException', 'Model has timed out in processing the request.', 408), 'timeout'],
    [Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }), 'timeout'],
    [Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'timeout'],
    [Object.assign(new Error('blocked'), { code: 'content_filter', status: 400 }), 'content_filtered'],
    [new TypeError('x is undefined'), undefined],
  ])('%s → %s', (err, expected) => {
    expect(classifyFailure(err)).toBe(expected);
  });
});

let fake: FakeBedrock;
let answer: (r: FakeRequest) => FakeReply;
let registry: Registry;
let metrics: Metrics;
let client: BedrockRuntimeClient;

beforeEach(async () => {
  registry = new Registry();
  metrics = createMetrics({ output: prometheusOutput(registry) });
  fake = await startFakeBedrock((r) => answer(r));
  client = instrumentBedrock(
    new BedrockRuntimeClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    }),
    { metrics },
  );
});
afterEach(async () => {
  client.destroy();
  await fake.close();
});

const failure = (model: string, failureClass: string) =>
  seriesKey('gen_ai_client_failures_total', {
    gen_ai_provider_name: 'aws.bedrock',
    gen_ai_request_model: model,
    failure_class: failureClass,
  });

describe('gen_ai_client_failures_total through a real BedrockRuntimeClient', () => {
  it('counts each failed call once, by class', async () => {
    const replies = [quotaExceeded(), spendCapReached(), throttled(), modelTimeout(), validationError()];
    for (const reply of replies) {
      answer = () => reply;
      await expect(client.send(new ConverseCommand({ modelId: NOVA, ...MESSAGES }))).rejects.toThrow();
    }
    expect(only(await samples(registry), 'gen_ai_client_failures_total')).toEqual({
      [failure(NOVA, 'quota_exhausted')]: 1,
      [failure(NOVA, 'spend_cap')]: 1,
      [failure(NOVA, 'throttled')]: 1,
      [failure(NOVA, 'timeout')]: 1,
      [failure(NOVA, 'validation')]: 1,
    });
  });

  it('counts a content filter on a successful response: Converse stopReason and InvokeModel guardrail action', async () => {
    answer = () => ({ json: { ...(converseOk(3, 0).json as object), stopReason: 'guardrail_intervened' } });
    const res = await client.send(new ConverseCommand({ modelId: NOVA, ...MESSAGES }));
    expect(res.stopReason).toBe('guardrail_intervened');
    answer = () => ({
      headers: { 'x-amzn-bedrock-input-token-count': '9', 'x-amzn-bedrock-output-token-count': '0' },
      json: { 'amazon-bedrock-guardrailAction': 'INTERVENED', content: [{ type: 'text', text: 'Sorry.' }] },
    });
    await client.send(
      new InvokeModelCommand({
        modelId: SONNET,
        guardrailIdentifier: 'gr-1',
        guardrailVersion: '1',
        body: '{"messages":[]}',
      }),
    );
    const s = await samples(registry);
    expect(only(s, 'gen_ai_client_failures_total')).toEqual({
      [failure(NOVA, 'content_filtered')]: 1,
      [failure(SONNET, 'content_filtered')]: 1,
    });
    // Still a successful operation: no error_type.
    expect(only(s, 'gen_ai_client_operation_duration_seconds_count')).toEqual({
      [seriesKey('gen_ai_client_operation_duration_seconds_count', {
        gen_ai_operation_name: 'chat',
        gen_ai_provider_name: 'aws.bedrock',
        gen_ai_request_model: NOVA,
      })]: 1,
      [seriesKey('gen_ai_client_operation_duration_seconds_count', {
        gen_ai_operation_name: 'chat',
        gen_ai_provider_name: 'aws.bedrock',
        gen_ai_request_model: SONNET,
      })]: 1,
    });
  });
});

describe('withFallback and recordFallback', () => {
  const fallback = (from: string, to: string, reason: string) =>
    seriesKey('gen_ai_client_fallbacks_total', {
      gen_ai_provider_name: 'aws.bedrock',
      from_model: from,
      to_model: to,
      reason,
    });
  const converse = (modelId: string) => client.send(new ConverseCommand({ modelId, ...MESSAGES }));

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('moves on from a throttled or spend-capped model and records from, to and reason', async () => {
    answer = (r) => (r.modelId === SONNET ? throttled() : converseOk(5, 6));
    const res = await withFallback([SONNET, NOVA], converse, { metrics });
    expect(res.usage?.outputTokens).toBe(6);
    answer = (r) => (r.modelId === SONNET ? spendCapReached() : converseOk(5, 6));
    await withFallback([SONNET, NOVA], converse, { metrics });
    expect(fake.requests.map((r) => r.modelId)).toEqual([SONNET, NOVA, SONNET, NOVA]);
    const s = await samples(registry);
    expect(only(s, 'gen_ai_client_fallbacks_total')).toEqual({
      [fallback(SONNET, NOVA, 'throttled')]: 1,
      [fallback(SONNET, NOVA, 'spend_cap')]: 1,
    });
    expect(s[failure(SONNET, 'throttled')]).toBe(1); // the failure itself is the middleware's count
  });

  it('does not fall back on validation errors by default, nor past the last model', async () => {
    answer = (r) => (r.modelId === SONNET ? validationError() : converseOk(1, 1));
    await expect(withFallback([SONNET, NOVA], converse, { metrics })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    answer = () => bedrockError(503, 'ServiceUnavailableException', 'Service unavailable');
    await expect(withFallback([SONNET, NOVA], converse, { metrics })).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
    });
    expect(fake.requests.map((r) => r.modelId)).toEqual([SONNET, SONNET, NOVA]);
    expect(only(await samples(registry), 'gen_ai_client_fallbacks_total')).toEqual({
      [fallback(SONNET, NOVA, 'server_error')]: 1,
    });
  });

  it('takes a shouldFallback policy', async () => {
    answer = (r) => (r.modelId === SONNET ? validationError() : converseOk(1, 1));
    await withFallback([SONNET, NOVA], converse, { metrics, shouldFallback: (c) => c === 'validation' });
    expect(only(await samples(registry), 'gen_ai_client_fallbacks_total')).toEqual({
      [fallback(SONNET, NOVA, 'validation')]: 1,
    });
  });

  it('recordFallback counts a fallback the application made and adds an event to the active span', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    provider.getTracer('app').startActiveSpan('generate story', (span) => {
      genAiFailureMetrics(metrics).recordFallback({ from: SONNET, to: NOVA, reason: 'quota_exhausted' });
      span.end();
    });
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'klaxon.gen_ai.fallback',
        {
          'gen_ai.provider.name': 'aws.bedrock',
          'klaxon.gen_ai.fallback.from_model': SONNET,
          'klaxon.gen_ai.fallback.to_model': NOVA,
          'klaxon.gen_ai.fallback.reason': 'quota_exhausted',
        },
      ],
    ]);
    expect(only(await samples(registry), 'gen_ai_client_fallbacks_total')).toEqual({
      [fallback(SONNET, NOVA, 'quota_exhausted')]: 1,
    });
    expect(trace.getActiveSpan()).toBeUndefined();
    await provider.shutdown();
  });
});
