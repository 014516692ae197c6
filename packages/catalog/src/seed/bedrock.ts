/** AWS Bedrock per model: errors, latency, throttling, availability probe, and the app-side GenAI view. */
import type { AlertDefinition } from '../model/alert.ts';
import { counter, gauge, histogram, input } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

const MODEL = 'anthropic.claude-3-haiku';

export function bedrockAlerts(s: Selectors): AlertDefinition[] {
  const y = selectorLabels(s.yace);
  const base = { group: 'bedrock', service: 'bedrock', team: 'ml' };
  const m = `dimension_ModelId="${MODEL}"`;
  const out = { dimension_ModelId: MODEL };
  const cw = (name: string, v: number) => gauge(`${name}{${y},${m}}`, v);
  return [
    {
      ...base,
      name: 'BedrockErrorRate',
      summary: 'Bedrock model {{ $labels.dimension_ModelId }} is failing requests',
      description:
        'Client and server errors on {{ $labels.dimension_ModelId }} exceed the threshold share of invocations; in-game AI features degrade.',
      expr: `sum by (dimension_ModelId) (aws_bedrock_invocation_server_errors_sum{${s.yace}} + aws_bedrock_invocation_client_errors_sum{${s.yace}}) / sum by (dimension_ModelId) (aws_bedrock_invocations_sum{${s.yace}})`,
      thresholds: [
        { tier: 'T1', op: '>', value: 0.05, for: '10m' },
        { tier: 'T2', op: '>', value: 0.01, for: '15m' },
      ],
      outputLabels: out,
      input: (v) =>
        input(
          cw('aws_bedrock_invocation_server_errors_sum', v * 1000),
          cw('aws_bedrock_invocation_client_errors_sum', 0),
          cw('aws_bedrock_invocations_sum', 1000),
        ),
      metrics: [
        'aws_bedrock_invocation_server_errors_sum',
        'aws_bedrock_invocation_client_errors_sum',
        'aws_bedrock_invocations_sum',
      ],
      runbook: {
        meaning: 'Errors / invocations for the model, from CloudWatch, over 1% (T2) or 5% (T1).',
        impact: 'NPC dialogue and narrative generation fail or fall back.',
        diagnosis: [
          'Server errors: AWS Health for Bedrock in the region.',
          'Client errors: a recent deploy changed the request shape or the prompt is too long.',
        ],
        mitigation: [
          'Fail over to the fallback model or region.',
          'Roll back the deploy that changed requests.',
        ],
      },
    },
    {
      ...base,
      name: 'BedrockLatencyHigh',
      summary: 'Bedrock model {{ $labels.dimension_ModelId }} p95 latency is high',
      description: 'p95 invocation latency of {{ $labels.dimension_ModelId }} is above 3 s (T2) or 8 s (T1).',
      // `model` lets BedrockModelUnavailable inhibit this alert for the same model.
      expr: `label_replace(max by (dimension_ModelId) (aws_bedrock_invocation_latency_p95{${s.yace}}) / 1000, "model", "$1", "dimension_ModelId", "(.*)")`,
      thresholds: [
        { tier: 'T1', op: '>', value: 8, for: '10m' },
        { tier: 'T2', op: '>', value: 3, for: '15m' },
      ],
      outputLabels: { ...out, model: MODEL },
      input: (v) => input(cw('aws_bedrock_invocation_latency_p95', v * 1000)),
      metrics: ['aws_bedrock_invocation_latency_p95'],
      panel: 'bedrock-latency',
      runbook: {
        meaning: 'CloudWatch p95 InvocationLatency for the model, in seconds.',
        impact: 'Players wait for AI responses; timeouts start near 8 s.',
        diagnosis: [
          'Token counts per request: did prompts or max_tokens grow?',
          'Throttling at the same time?',
        ],
        mitigation: ['Lower max_tokens, stream responses, or route to a faster model.'],
      },
    },
    {
      ...base,
      name: 'BedrockThrottling',
      summary: 'Bedrock is throttling {{ $labels.dimension_ModelId }}',
      description: 'Invocations of {{ $labels.dimension_ModelId }} have been throttled for 15 minutes.',
      expr: `sum by (dimension_ModelId) (aws_bedrock_invocation_throttles_sum{${s.yace}})`,
      thresholds: [{ tier: 'T2', op: '>', value: 0, for: '15m' }],
      outputLabels: out,
      input: (v) => input(cw('aws_bedrock_invocation_throttles_sum', v)),
      metrics: ['aws_bedrock_invocation_throttles_sum'],
      runbook: {
        meaning: 'Sustained ThrottlingException from Bedrock.',
        impact: 'Requests retry and slow down; heavier load fails.',
        diagnosis: ['Tokens per minute against the account quota (Service Quotas).'],
        mitigation: ['Request a quota increase or provisioned throughput; spread load across regions.'],
      },
    },
    {
      ...base,
      name: 'BedrockModelUnavailable',
      summary: 'Synthetic check: Bedrock model {{ $labels.model }} is not answering',
      description: 'Klaxon\u2019s 60-second Converse probe of {{ $labels.model }} has failed for 3 minutes.',
      expr: `min by (model) (probe_success{${s.bedrockProbe}})`,
      thresholds: [{ tier: 'T1', op: '<', value: 1, for: '3m' }],
      testValues: { firing: 0, quiet: 1 },
      outputLabels: { model: MODEL },
      input: (v) => input(gauge(`probe_success{${selectorLabels(s.bedrockProbe)},model="${MODEL}"}`, v)),
      metrics: ['probe_success'],
      runbook: {
        meaning: 'The minimal Converse request per model has failed three times in a row.',
        impact: 'Every feature using the model is down.',
        diagnosis: ['The prober logs the reason: throttled, access denied, model not found, timeout.'],
        mitigation: ['Route to the fallback model; check IAM and model access in the region.'],
      },
    },
    {
      ...base,
      name: 'BedrockTimeToFirstTokenHigh',
      summary: 'Bedrock model {{ $labels.dimension_ModelId }} is slow to start answering',
      description: 'Average time to first token of {{ $labels.dimension_ModelId }} is above 2 s.',
      expr: `max by (dimension_ModelId) (aws_bedrock_time_to_first_token_average{${s.yace}}) / 1000`,
      thresholds: [{ tier: 'T3', op: '>', value: 2, for: '30m' }],
      outputLabels: out,
      input: (v) => input(cw('aws_bedrock_time_to_first_token_average', v * 1000)),
      metrics: ['aws_bedrock_time_to_first_token_average'],
      runbook: {
        meaning: 'Streaming responses start late.',
        impact: 'Perceived latency in chat-like features.',
        diagnosis: ['Prompt size trend.'],
        mitigation: ['Trim prompts; consider prompt caching.'],
      },
    },
    {
      ...base,
      name: 'GenAIClientErrorRate',
      summary: 'Model {{ $labels.gen_ai_request_model }} calls are failing in the services',
      description:
        'More than 2% of GenAI client operations to {{ $labels.gen_ai_request_model }} end in an error (OpenTelemetry GenAI metrics).',
      expr: `sum by (gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_count{${s.apps},error_type!=""}[5m])) / sum by (gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_count{${s.apps}}[5m]))`,
      thresholds: [{ tier: 'T2', op: '>', value: 0.02, for: '10m' }],
      outputLabels: { gen_ai_request_model: MODEL },
      input: (v) => {
        const l = `job="narrative",gen_ai_operation_name="chat",gen_ai_provider_name="aws.bedrock",gen_ai_request_model="${MODEL}"`;
        return input(
          counter(
            `gen_ai_client_operation_duration_seconds_count{${l},error_type="ThrottlingException"}`,
            v * 1000,
          ),
          counter(`gen_ai_client_operation_duration_seconds_count{${l},error_type=""}`, (1 - v) * 1000),
        );
      },
      metrics: ['gen_ai_client_operation_duration_seconds_count'],
      runbook: {
        meaning: 'The services\u2019 own view of model calls (error.type set) over 2%.',
        impact: 'Includes SDK-side timeouts CloudWatch does not see.',
        diagnosis: ['Group by error_type on the AI inference dashboard.'],
        mitigation: ['As for BedrockErrorRate; fix client timeouts if they dominate.'],
      },
    },
    {
      ...base,
      name: 'GenAIClientLatencyHigh',
      summary: 'Model {{ $labels.gen_ai_request_model }} p95 latency seen by the services is above 3 s',
      description: 'p95 GenAI client operation duration for {{ $labels.gen_ai_request_model }} is above 3 s.',
      expr: `label_replace(histogram_quantile(0.95, sum by (le, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket{${s.apps}}[5m]))), "model", "$1", "gen_ai_request_model", "(.*)")`,
      thresholds: [{ tier: 'T2', op: '>', value: 3, for: '15m' }],
      outputLabels: { gen_ai_request_model: MODEL, model: MODEL },
      input: (v) =>
        input(
          histogram(
            'gen_ai_client_operation_duration_seconds',
            `job="narrative",gen_ai_request_model="${MODEL}"`,
            0.95,
            v,
          ),
        ),
      metrics: ['gen_ai_client_operation_duration_seconds_bucket'],
      runbook: {
        meaning: 'End-to-end model latency measured in the calling services.',
        impact: 'Slow AI features for players.',
        diagnosis: ['Compare with BedrockLatencyHigh: network or client-side queueing if only this fires.'],
        mitigation: ['Raise client concurrency limits; stream responses.'],
      },
    },
  ];
}
