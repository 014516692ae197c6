/** The Bedrock prober with the real Bedrock Runtime client against a local fake of the Converse API. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  awsError,
  FAKE_CREDENTIALS,
  sample,
  startFakeAws,
  type FakeAws,
  type FakeReply,
} from '../../test/fake-aws.ts';
import { MemoryLogger } from '../shared/logger.ts';
import { ManualTime } from '../shared/time.ts';
import { BedrockProber, createBedrockClient } from './bedrock.ts';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-micro-v1:0';
/** The Bedrock Runtime client speaks HTTP/2 by default, and so does its fake. */
const H2 = { http2: true };

const converseOk: FakeReply = {
  status: 200,
  body: {
    output: { message: { role: 'assistant', content: [{ text: 'p' }] } },
    stopReason: 'max_tokens',
    usage: { inputTokens: 8, outputTokens: 1, totalTokens: 9 },
    metrics: { latencyMs: 42 },
  },
};

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function setup(models: string[], opts: { intervalMs?: number; timeoutMs?: number } = {}) {
  const time = new ManualTime('2026-03-28T02:00:00Z');
  const logger = new MemoryLogger();
  const client = createBedrockClient({
    region: 'us-east-1',
    endpoint: fake!.url,
    credentials: FAKE_CREDENTIALS,
  });
  const prober = new BedrockProber({ models, client, time, logger, ...opts });
  return { time, logger, prober, metrics: () => prober.registry.metrics() };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('Bedrock prober', () => {
  it('sends one minimal Converse request per model and exports success and duration', async () => {
    fake = await startFakeAws(() => converseOk, H2);
    const { prober, metrics } = setup([HAIKU, NOVA]);
    const results = await prober.tick();

    expect(results.map((r) => [r.model, r.success])).toEqual([
      [HAIKU, true],
      [NOVA, true],
    ]);
    expect(fake.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', `/model/${encodeURIComponent(HAIKU)}/converse`],
      ['POST', `/model/${encodeURIComponent(NOVA)}/converse`],
    ]);
    expect(fake.requests[0]!.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'ping' }] }],
      inferenceConfig: { maxTokens: 1, temperature: 0 },
    });
    expect(fake.requests[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );

    const text = await metrics();
    expect(sample(text, 'probe_success', { probe: 'bedrock', model: HAIKU })).toBe(1);
    expect(sample(text, 'probe_success', { probe: 'bedrock', model: NOVA })).toBe(1);
    const duration = sample(text, 'probe_duration_seconds', { probe: 'bedrock', model: HAIKU })!;
    expect(duration).toBeGreaterThan(0);
    expect(duration).toBeLessThan(5);
    expect(text).not.toContain('klaxon_probe_failures_total{');
  });

  it('fails the probe on throttling and logs the exception name, message and HTTP status', async () => {
    fake = await startFakeAws(
      (req) =>
        req.path.includes('nova')
          ? awsError(429, 'ThrottlingException', 'Too many requests, please wait.')
          : converseOk,
      H2,
    );
    const { prober, metrics, logger } = setup([HAIKU, NOVA]);
    const results = await prober.tick();

    expect(results.find((r) => r.model === NOVA)).toMatchObject({
      success: false,
      reason: 'ThrottlingException',
      httpStatus: 429,
    });
    expect(fake.calls('converse')).toHaveLength(2); // maxAttempts 1: a probe measures one attempt
    const text = await metrics();
    expect(sample(text, 'probe_success', { probe: 'bedrock', model: NOVA })).toBe(0);
    expect(sample(text, 'probe_success', { probe: 'bedrock', model: HAIKU })).toBe(1);
    expect(sample(text, 'probe_duration_seconds', { model: NOVA })).toBeGreaterThan(0);
    expect(
      sample(text, 'klaxon_probe_failures_total', {
        probe: 'bedrock',
        model: NOVA,
        reason: 'ThrottlingException',
      }),
    ).toBe(1);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'bedrock probe failed',
        fields: expect.objectContaining({
          probe: 'bedrock',
          model: NOVA,
          error: 'ThrottlingException',
          message: 'Too many requests, please wait.',
          httpStatus: 429,
        }),
      },
    ]);
  });

  it('fails a probe that gets no answer within the timeout', async () => {
    fake = await startFakeAws(() => 'hang', H2);
    const { prober, metrics, logger, time } = setup([HAIKU], { timeoutMs: 5_000 });
    const result = prober.tick();
    await until(() => fake!.requests.length === 1);
    time.advance(4_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(sample(await metrics(), 'probe_success', { model: HAIKU })).toBeUndefined(); // still waiting
    time.advance(1);
    expect(await result).toEqual([
      expect.objectContaining({ model: HAIKU, success: false, reason: 'Timeout' }),
    ]);

    const text = await metrics();
    expect(sample(text, 'probe_success', { probe: 'bedrock', model: HAIKU })).toBe(0);
    expect(sample(text, 'klaxon_probe_failures_total', { model: HAIKU, reason: 'Timeout' })).toBe(1);
    expect(logger.entries[0]?.fields).toMatchObject({
      error: 'Timeout',
      message: 'no answer within 5000 ms',
    });
  });

  it('never runs two probes of one model at once: a probe still running skips the tick', async () => {
    const waiting: ((r: FakeReply) => void)[] = [];
    fake = await startFakeAws(
      (req) =>
        req.path.includes('nova') ? converseOk : new Promise<FakeReply>((resolve) => waiting.push(resolve)),
      H2,
    );
    const { prober, metrics, logger, time } = setup([HAIKU, NOVA], {
      intervalMs: 60_000,
      timeoutMs: 300_000,
    });
    prober.start();
    await until(() => waiting.length === 1 && fake!.calls('converse').length === 2);

    const novaCalls = () => fake!.requests.filter((r) => r.path.includes('nova')).length;
    await until(() => prober.running().join() === HAIKU);
    time.advance(60_000); // tick 2: Haiku is still running, Nova is probed again
    await until(() => novaCalls() === 2 && prober.running().join() === HAIKU);
    time.advance(60_000); // tick 3: likewise
    await until(() => novaCalls() === 3 && prober.running().join() === HAIKU);
    expect(fake.requests.filter((r) => r.path.includes('claude'))).toHaveLength(1);
    let text = await metrics();
    expect(sample(text, 'klaxon_probe_skipped_total', { probe: 'bedrock', model: HAIKU })).toBe(2);
    expect(sample(text, 'klaxon_probe_skipped_total', { probe: 'bedrock', model: NOVA })).toBe(0);
    expect(logger.entries.filter((e) => e.message.startsWith('bedrock probe skipped'))).toHaveLength(2);

    waiting[0]!(converseOk); // the slow probe answers; the next tick probes Haiku again
    await prober.idle();
    time.advance(60_000);
    await until(() => fake!.requests.filter((r) => r.path.includes('claude')).length === 2);
    waiting[1]!(converseOk);
    prober.stop();
    await prober.idle();
    text = await metrics();
    expect(sample(text, 'probe_success', { model: HAIKU })).toBe(1);
    expect(time.pending).toBe(0);
  });
});
