import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AI_AGENT_RESPONSE_DURATION,
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
  createMetrics,
  instrumentBedrock,
  narrativeMetrics,
  otelOutput,
} from '../index.ts';
import { converseOk, startFakeBedrock, throttled, type FakeBedrock } from '../../test/fake-bedrock.ts';
import { histogramNamed, testMeter } from '../../test/otel.ts';
import type { MetricData, SumMetricData } from '@opentelemetry/sdk-metrics';

const MODEL = 'amazon.nova-micro-v1:0';
let fake: FakeBedrock | undefined;
afterEach(async () => fake?.close());

function sumNamed(metrics: MetricData[], name: string): SumMetricData {
  return metrics.find((m) => m.descriptor.name === name) as SumMetricData;
}

describe('otelOutput', () => {
  it('records Bedrock calls as the GenAI semconv instruments with the advisory boundaries', async () => {
    let clock = 0;
    let n = 0;
    fake = await startFakeBedrock(() => {
      clock += 500;
      return ++n === 1 ? converseOk(100, 20) : throttled();
    });
    const otel = testMeter();
    const client = instrumentBedrock(
      new BedrockRuntimeClient({
        endpoint: fake.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
      { metrics: createMetrics({ output: otelOutput(otel.meter) }), now: () => clock },
    );
    const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];
    await client.send(new ConverseCommand({ modelId: MODEL, messages }));
    await expect(client.send(new ConverseCommand({ modelId: MODEL, messages }))).rejects.toThrow();
    client.destroy();

    const metrics = await otel.collect();
    const base = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': MODEL,
    };
    const duration = histogramNamed(metrics, 'gen_ai.client.operation.duration');
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPoints.map((p) => [p.attributes, p.value.count, p.value.sum])).toEqual([
      [base, 1, 0.5],
      [{ ...base, 'error.type': 'ThrottlingException' }, 1, 0.5],
    ]);
    expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual([...OPERATION_DURATION_BUCKETS]);

    const tokens = histogramNamed(metrics, 'gen_ai.client.token.usage');
    expect(tokens.descriptor.unit).toBe('{token}');
    expect(tokens.dataPoints.map((p) => [p.attributes, p.value.sum])).toEqual([
      [{ ...base, 'gen_ai.token.type': 'input' }, 100],
      [{ ...base, 'gen_ai.token.type': 'output' }, 20],
    ]);
    expect(tokens.dataPoints[0]!.value.buckets.boundaries).toEqual([...TOKEN_USAGE_BUCKETS]);

    const throttles = sumNamed(metrics, 'bedrock.client.throttles');
    expect(throttles.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': MODEL }, 1],
    ]);
    await otel.shutdown();
  });

  it('records the narrative metrics as OpenTelemetry instruments', async () => {
    const otel = testMeter();
    const narrative = narrativeMetrics<'quest'>(createMetrics({ output: otelOutput(otel.meter) }));
    narrative.recordGeneration('quest', 2, 'ok');
    narrative.sessionStarted();
    narrative.sessionStarted();
    narrative.sessionEnded();

    const metrics = await otel.collect();
    expect(histogramNamed(metrics, 'narrative.generation.duration').dataPoints[0]?.attributes).toEqual({
      story_type: 'quest',
    });
    expect(sumNamed(metrics, 'narrative.requests').dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ story_type: 'quest', outcome: 'ok' }, 1],
    ]);
    expect(sumNamed(metrics, 'story.sessions.active').dataPoints.map((p) => p.value)).toEqual([1]);
    await otel.shutdown();
  });
});

describe('otelOutput attributes', () => {
  it('sends only declared labels, so an untyped extra key never becomes an attribute', async () => {
    const otel = testMeter();
    const agent = createMetrics({ output: otelOutput(otel.meter) }).histogram(AI_AGENT_RESPONSE_DURATION);
    const untyped = agent as unknown as { observe(labels: Record<string, string>, value: number): void };
    untyped.observe({ agent: 'narrator', user_id: '42' }, 1);
    const metrics = await otel.collect();
    expect(histogramNamed(metrics, 'ai_agent.response.duration').dataPoints[0]?.attributes).toEqual({
      agent: 'narrator',
    });
    await otel.shutdown();
  });
});
