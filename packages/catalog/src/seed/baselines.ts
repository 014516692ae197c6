/**
 * Anomalies against a 7-day baseline: Kafka throughput falling to half its weekly average, and Bedrock
 * token spend above 130% (T3, reviewed daily) and 150% (T2) of its 7-day rolling average. Recording rules
 * keep the baselines cheap; their tests feed 8 days of input.
 */
import type { AlertDefinition, RecordingRule } from '../model/alert.ts';
import { input } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

export const DAY_5M = 288; // 5-minute samples per day

/**
 * The tests of a 7-day baseline: 5-minute samples for 7 days and 2 hours (the window is full and the
 * last 2 hours carry the shift). promtool evaluates the rules every hour over them, not every 5 minutes:
 * a [7d] average of a steady baseline is the same either way, the `for:` durations (10m to 1h) still
 * elapse within the 2 hours (pending at the shift, firing an hour later), and promtool runs 12× fewer
 * evaluations. The firing test also proves nothing fires on the baseline, an hour before the shift.
 */
export const BASELINE_TEST_WINDOW = {
  interval: '5m',
  evalAt: `${7 * 24 + 2}h`,
  evaluationInterval: '1h',
  shiftAt: `${7 * 24}h`,
};

/** A counter growing `perStep` per 5-minute sample for 7 days, then `factor` × that for the next 2 hours. */
export function weekThenShift(
  series: string,
  perStep: number,
  factor: number,
): { series: string; values: string } {
  const steady = 7 * DAY_5M;
  const top = steady * perStep;
  return { series, values: `0+${perStep}x${steady} ${top + perStep * factor}+${perStep * factor}x{n}` };
}

/** A gauge at `value` for 7 days, then `factor` × value for the next 2 hours (CloudWatch sums per period). */
function gaugeThenShift(series: string, value: number, factor: number): { series: string; values: string } {
  return { series, values: `${value}x${7 * DAY_5M} ${value * factor}x{n}` };
}

export function baselineRules(s: Selectors): RecordingRule[] {
  return [
    {
      group: 'baselines',
      record: 'kafka:topic_messages_in:rate5m',
      expr: `sum by (topic) (rate(kafka_topic_partition_current_offset{${s.kafkaExporter}}[5m]))`,
    },
    {
      group: 'baselines',
      record: 'bedrock:tokens:sum',
      expr: `sum by (dimension_ModelId) (aws_bedrock_input_token_count_sum{${s.yace}} + aws_bedrock_output_token_count_sum{${s.yace}})`,
    },
  ];
}

export function baselineAlerts(s: Selectors): AlertDefinition[] {
  const ke = selectorLabels(s.kafkaExporter);
  const y = selectorLabels(s.yace);
  const window = BASELINE_TEST_WINDOW;
  return [
    {
      group: 'baselines',
      service: 'kafka',
      team: 'platform',
      name: 'KafkaThroughputAnomaly',
      summary: 'Messages into topic {{ $labels.topic }} fell below half of the 7-day average',
      description:
        'Produce throughput on {{ $labels.topic }} is under 50% of its 7-day baseline: producers may be failing silently.',
      expr: 'sum by (topic) (kafka:topic_messages_in:rate5m) / sum by (topic) (avg_over_time(kafka:topic_messages_in:rate5m[7d]))',
      thresholds: [{ tier: 'T2', op: '<', value: 0.5, for: '30m' }],
      testWindow: window,
      testValues: { firing: 0.2, quiet: 0.8 },
      outputLabels: { topic: 'game-events' },
      input: (v) =>
        input(
          weekThenShift(
            `kafka_topic_partition_current_offset{${ke},topic="game-events",partition="0"}`,
            6000,
            v,
          ),
        ),
      metrics: ['kafka_topic_partition_current_offset'],
      runbook: {
        meaning: 'The topic\u2019s message rate over 5 minutes is under half its 7-day average.',
        impact: 'Game events may be lost before they reach Kafka.',
        diagnosis: [
          'Producer error logs; the producer failure rate alert; a deploy that changed the producer.',
        ],
        mitigation: ['Roll back the producer; check client quotas and authentication.'],
      },
    },
    {
      group: 'baselines',
      service: 'cost',
      team: 'finops',
      name: 'BedrockTokenSpendSpike',
      summary: 'Bedrock token spend on {{ $labels.dimension_ModelId }} is far above its 7-day average',
      description:
        'Tokens consumed by {{ $labels.dimension_ModelId }} are above 130% (T3) or 150% (T2) of the 7-day rolling average.',
      expr: 'sum by (dimension_ModelId) (bedrock:tokens:sum) / sum by (dimension_ModelId) (avg_over_time(bedrock:tokens:sum[7d]))',
      thresholds: [
        { tier: 'T2', op: '>', value: 1.5, for: '1h' },
        { tier: 'T3', op: '>', value: 1.3, for: '1h' },
      ],
      testWindow: window,
      // Baselines blur by a sample or two: test 10% either side of each threshold.
      testValues: (t) => ({ firing: t.value * 1.1, quiet: t.value * 0.9 }),
      outputLabels: { dimension_ModelId: 'anthropic.claude-3-haiku' },
      input: (v) => {
        const l = `${y},dimension_ModelId="anthropic.claude-3-haiku"`;
        // The last two hours weigh a little in the 7-day average: scale so the ratio lands on v.
        const factor = solveFactor(v);
        return input(
          gaugeThenShift(`aws_bedrock_input_token_count_sum{${l}}`, 30000, factor),
          gaugeThenShift(`aws_bedrock_output_token_count_sum{${l}}`, 10000, factor),
        );
      },
      metrics: ['aws_bedrock_input_token_count_sum', 'aws_bedrock_output_token_count_sum'],
      runbook: {
        meaning: 'Token use (input + output) against its own 7-day rolling average.',
        impact: 'The Bedrock bill grows faster than traffic; budgets will follow.',
        diagnosis: [
          'Tokens per request by feature on the AI inference dashboard: a prompt that grew, a retry loop, a bot?',
        ],
        mitigation: ['Cap max_tokens, fix the loop, or rate-limit the feature.'],
      },
    },
  ];
}

/**
 * The shift factor f that makes (f·x) / avg_7d = v when the last 2 hours (w: 24 of 2016 5-minute steps
 * of the window) are already at f·x: v = f / (1 + (f − 1)·w), so f = v(1 − w) / (1 − v·w).
 */
export function solveFactor(v: number): number {
  const w = 24 / (7 * DAY_5M);
  return (v * (1 - w)) / (1 - v * w);
}
