/**
 * Bedrock (CloudWatch via YACE) and the OpenTelemetry GenAI client side by side, so the ML on-call can tell a
 * provider problem from a client one. The uid `klaxon-bedrock` is what the `bedrock` runbook links open.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';
import { R, p } from './shared.ts';

/** The failure classes GenAIQuotaExhausted pages on (seed/genai.ts). */
const EXHAUSTED = 'quota_exhausted|spend_cap';

export function aiDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-bedrock',
    title: 'AI inference',
    folder: 'ML',
    purpose:
      'Bedrock and GenAI client latency (with trace exemplars), error rate, throttles, failures by class, quota, fallbacks, and tokens and spend per model.',
    annotations: true,
    variables: { model: 'label_values(aws_bedrock_invocations_sum, dimension_ModelId)' },
    items: [
      stat(
        'Bedrock spend this month',
        'sum(aws_billing_estimated_charges_maximum{dimension_ServiceName="AmazonBedrock"})',
        { unit: 'currencyUSD' },
      ),
      stat('Models answering the prober', 'sum(probe_success{probe="bedrock"})'),
      { row: 'Bedrock (CloudWatch via YACE)' },
      timeseries('Invocations per period', [
        {
          expr: 'sum by (dimension_ModelId) (aws_bedrock_invocations_sum{dimension_ModelId=~"$model"})',
          legend: '{{dimension_ModelId}}',
        },
      ]),
      timeseries(
        'Latency p95 and average',
        [
          {
            expr: 'max by (dimension_ModelId) (aws_bedrock_invocation_latency_p95{dimension_ModelId=~"$model"}) / 1000',
            legend: 'p95 {{dimension_ModelId}}',
          },
          {
            expr: 'max by (dimension_ModelId) (aws_bedrock_invocation_latency_average{dimension_ModelId=~"$model"}) / 1000',
            legend: 'avg {{dimension_ModelId}}',
          },
        ],
        {
          unit: 's',
          thresholds: [
            { value: 3, color: 'orange' },
            { value: 8, color: 'red' },
          ],
          description: 'BedrockLatencyHigh: T2 above 3 s, T1 above 8 s (p95).',
        },
      ),
      timeseries(
        'Error rate',
        [
          {
            expr: 'sum by (dimension_ModelId) (aws_bedrock_invocation_server_errors_sum{dimension_ModelId=~"$model"} + aws_bedrock_invocation_client_errors_sum{dimension_ModelId=~"$model"}) / sum by (dimension_ModelId) (aws_bedrock_invocations_sum{dimension_ModelId=~"$model"})',
            legend: '{{dimension_ModelId}}',
          },
        ],
        {
          unit: 'percentunit',
          thresholds: [
            { value: 0.01, color: 'orange' },
            { value: 0.05, color: 'red' },
          ],
        },
      ),
      timeseries('Throttles', [
        {
          expr: 'sum by (dimension_ModelId) (aws_bedrock_invocation_throttles_sum{dimension_ModelId=~"$model"})',
          legend: '{{dimension_ModelId}}',
        },
      ]),
      timeseries(
        'Time to first token',
        [
          {
            expr: 'max by (dimension_ModelId) (aws_bedrock_time_to_first_token_average{dimension_ModelId=~"$model"}) / 1000',
            legend: '{{dimension_ModelId}}',
          },
        ],
        {
          unit: 's',
          thresholds: [{ value: 2, color: 'orange' }],
        },
      ),
      timeseries('Tokens per period, in and out', [
        {
          expr: 'sum by (dimension_ModelId) (aws_bedrock_input_token_count_sum{dimension_ModelId=~"$model"})',
          legend: 'in {{dimension_ModelId}}',
        },
        {
          expr: 'sum by (dimension_ModelId) (aws_bedrock_output_token_count_sum{dimension_ModelId=~"$model"})',
          legend: 'out {{dimension_ModelId}}',
        },
      ]),
      timeseries(
        'Tokens vs 7-day average',
        [
          {
            expr: 'sum by (dimension_ModelId) (bedrock:tokens:sum{dimension_ModelId=~"$model"})',
            legend: '{{dimension_ModelId}} now',
          },
          {
            expr: 'sum by (dimension_ModelId) (avg_over_time(bedrock:tokens:sum{dimension_ModelId=~"$model"}[7d]))',
            legend: '{{dimension_ModelId}} 7-day average',
          },
        ],
        { description: 'BedrockTokenSpendSpike: T3 above 1.3×, T2 above 1.5× the 7-day average.' },
      ),
      timeseries(
        'Model availability probe',
        [{ expr: 'min by (model) (probe_success{probe="bedrock", model=~"$model"})', legend: '{{model}}' }],
        { min: 0, max: 1 },
      ),
      { row: 'GenAI client (OpenTelemetry semantic conventions)' },
      timeseries(
        'GenAI operation p95',
        [
          {
            expr: p(
              0.95,
              'gen_ai_client_operation_duration_seconds',
              'gen_ai_request_model',
              'gen_ai_request_model=~"$model"',
            ),
            legend: '{{gen_ai_request_model}}',
            exemplar: true,
          },
        ],
        {
          unit: 's',
          thresholds: [{ value: 3, color: 'orange' }],
          description:
            'GenAIClientLatencyHigh (T2) above 3 s. The points are exemplars: click one to open its trace in Tempo.',
        },
      ),
      timeseries(
        'GenAI error rate by error type',
        [
          {
            expr: `sum by (gen_ai_request_model, error_type) (rate(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=~"$model", error_type!=""}[${R}])) / ignoring (error_type) group_left sum by (gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=~"$model"}[${R}]))`,
            legend: '{{gen_ai_request_model}} {{error_type}}',
          },
        ],
        { unit: 'percentunit' },
      ),
      timeseries('GenAI token usage p95 per call', [
        {
          expr: p(
            0.95,
            'gen_ai_client_token_usage',
            'gen_ai_request_model, gen_ai_token_type',
            'gen_ai_request_model=~"$model"',
          ),
          legend: '{{gen_ai_request_model}} {{gen_ai_token_type}}',
        },
      ]),
      { row: 'Failures, quota and fallbacks (Klaxon SDK)' },
      stat(
        'Quota / spend-cap failures (1h)',
        `sum(increase(gen_ai_client_failures_total{gen_ai_request_model=~"$model", failure_class=~"${EXHAUSTED}"}[1h])) or vector(0)`,
        {
          thresholds: [{ value: 1, color: 'red' }],
          description: 'GenAIQuotaExhausted pages T1 at the first one: nothing recovers until someone acts.',
        },
      ),
      stat(
        'Calls served by a fallback (1h)',
        `(sum(increase(gen_ai_client_fallbacks_total{from_model=~"$model"}[1h])) or vector(0)) / sum(increase(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=~"$model"}[1h]))`,
        { unit: 'percentunit', thresholds: [{ value: 0.05, color: 'orange' }] },
      ),
      timeseries(
        'GenAI failures by class',
        [
          {
            expr: `sum by (gen_ai_request_model, failure_class) (rate(gen_ai_client_failures_total{gen_ai_request_model=~"$model"}[${R}]))`,
            legend: '{{gen_ai_request_model}} {{failure_class}}',
          },
        ],
        {
          unit: 'reqps',
          description:
            'throttled: retry later (BedrockThrottling); quota_exhausted, spend_cap: nothing recovers on its own (GenAIQuotaExhausted, T1).',
        },
      ),
      timeseries(
        'Fallbacks (from → to)',
        [
          {
            expr: `sum by (from_model, to_model, reason) (rate(gen_ai_client_fallbacks_total{from_model=~"$model"}[${R}]))`,
            legend: '{{from_model}} → {{to_model}} ({{reason}})',
          },
        ],
        { unit: 'reqps' },
      ),
      timeseries(
        'Fallback rate by model',
        [
          {
            expr: `sum by (from_model) (rate(gen_ai_client_fallbacks_total{from_model=~"$model"}[${R}])) / sum by (from_model) (label_replace(rate(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model=~"$model"}[${R}]), "from_model", "$1", "gen_ai_request_model", "(.*)"))`,
            legend: '{{from_model}}',
          },
        ],
        {
          unit: 'percentunit',
          min: 0,
          thresholds: [{ value: 0.05, color: 'orange' }],
          description: 'GenAIFallbackRateHigh (T2) above 5% for 10 minutes.',
        },
      ),
    ],
  });
}
