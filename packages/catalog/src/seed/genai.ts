/**
 * GenAI failures the SDK classifies, told apart by what they need from a person: a quota or spend cap
 * exhausted pages T1 at once (nothing recovers until someone raises the quota or the budget), and a model
 * fallback rate above 5% pages T2 (players are quietly served another model). Throttling stays with
 * BedrockThrottling and GenAIClientErrorRate (retry later).
 */
import type { AlertDefinition } from '../model/alert.ts';
import { counter, input } from '../model/inputs.ts';
import type { Selectors } from '../model/selectors.ts';

const MODEL = 'anthropic.claude-3-5-sonnet';
const FALLBACK = 'anthropic.claude-3-haiku';
const APP = 'job="narrative",gen_ai_provider_name="aws.bedrock"';

/** The failure classes after which calls keep failing until a person acts (the AI inference dashboard too). */
const EXHAUSTED_CLASSES = ['quota_exhausted', 'spend_cap'] as const;

export function genAiFailureAlerts(s: Selectors): AlertDefinition[] {
  const base = { group: 'bedrock', service: 'bedrock', team: 'ml' };
  return [
    {
      ...base,
      name: 'GenAIQuotaExhausted',
      summary:
        'Model {{ $labels.gen_ai_request_model }}: {{ $labels.failure_class }}, calls fail until someone acts',
      description:
        'Calls to {{ $labels.gen_ai_request_model }} fail with {{ $labels.failure_class }} (quota exhausted or spend cap / budget reached). Unlike throttling, this does not recover by retrying: raise the quota or the budget, or move traffic to another model or account.',
      expr: `sum by (gen_ai_request_model, failure_class) (increase(gen_ai_client_failures_total{${s.apps},failure_class=~"${EXHAUSTED_CLASSES.join('|')}"}[5m]))`,
      // Exhaustion does not go away on its own: every further call fails too, so the first increase pages.
      thresholds: [{ tier: 'T1', op: '>', value: 0, for: '0m' }],
      immediate: true,
      warmupMinutes: 5,
      outputLabels: { gen_ai_request_model: MODEL, failure_class: 'quota_exhausted' },
      input: (v) => {
        const l = `${APP},gen_ai_request_model="${MODEL}"`;
        return input(
          // increase() over 5 one-minute steps: v/5 a minute makes v.
          counter(`gen_ai_client_failures_total{${l},failure_class="quota_exhausted"}`, v / 5),
          // Heavy throttling at the same time must not page: it is not exhaustion.
          counter(`gen_ai_client_failures_total{${l},failure_class="throttled"}`, 50),
        );
      },
      metrics: ['gen_ai_client_failures_total'],
      runbook: {
        meaning:
          'The SDK classified failed calls to the model as quota_exhausted (a service quota or tokens-per-day limit) or spend_cap (a spend cap or budget reached, sometimes reported by the provider as a 400).',
        impact:
          'Every call to the model fails until the quota or budget is raised; features without a fallback are down, those with one run on the fallback model.',
        diagnosis: [
          'failure_class quota_exhausted: AWS Service Quotas for Bedrock in the region (tokens or requests per minute/day) and the account the calls use.',
          'failure_class spend_cap: the budget or spend cap of the account or gateway; AWS Budgets actions that deny Bedrock.',
          'GenAI failures by class and Fallbacks on the AI inference dashboard: is traffic already served by a fallback?',
        ],
        mitigation: [
          'Raise the quota (Service Quotas request) or the budget / spend cap.',
          'Move traffic to another model, region or account that has quota left.',
        ],
      },
    },
    {
      ...base,
      name: 'GenAIFallbackRateHigh',
      summary: 'Calls to {{ $labels.from_model }} are served by a fallback model',
      description:
        'More than 5% of calls to {{ $labels.from_model }} fell back to another model for 10 minutes: players get the fallback model\u2019s answers, usually worse or dearer, without an error anywhere.',
      // Fallbacks from a model over the operations the services sent to that model (failed ones included).
      expr: `sum by (from_model) (rate(gen_ai_client_fallbacks_total{${s.apps}}[5m])) / sum by (from_model) (label_replace(rate(gen_ai_client_operation_duration_seconds_count{${s.apps}}[5m]), "from_model", "$1", "gen_ai_request_model", "(.*)"))`,
      thresholds: [{ tier: 'T2', op: '>', value: 0.05, for: '10m' }],
      outputLabels: { from_model: MODEL },
      input: (v) => {
        const ops = `gen_ai_client_operation_duration_seconds_count{${APP},gen_ai_operation_name="chat",gen_ai_request_model="${MODEL}"`;
        return input(
          counter(
            `gen_ai_client_fallbacks_total{${APP},from_model="${MODEL}",to_model="${FALLBACK}",reason="throttled"}`,
            v * 1000,
          ),
          counter(`${ops},error_type="ThrottlingException"}`, v * 1000),
          counter(`${ops},error_type=""}`, (1 - v) * 1000),
        );
      },
      metrics: ['gen_ai_client_fallbacks_total', 'gen_ai_client_operation_duration_seconds_count'],
      runbook: {
        meaning:
          'Fallbacks recorded by the SDK (from_model → to_model, with the reason) over the GenAI operations sent to from_model, above 5% for 10 minutes. A short burst of throttling absorbed by fallbacks stays under it.',
        impact:
          'Quality or cost changes silently: narrative and NPC answers come from the fallback model; if that one fails too, the features fail.',
        diagnosis: [
          'Fallbacks (from → to) and GenAI failures by class on the AI inference dashboard: the reason says why (throttled, quota_exhausted, timeout, server_error).',
          'Throttling or quota alerts on the same model; AWS Health for Bedrock in the region.',
        ],
        mitigation: [
          'Fix the cause on the primary model (quota, throttling, region).',
          'If the fallback is acceptable for now, acknowledge and watch its latency and cost.',
        ],
      },
    },
  ];
}
