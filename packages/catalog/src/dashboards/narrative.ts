/**
 * Story generation and the AI agents are judged per story type and agent, not per route, so the ML on-call
 * gets their own latency and failure views ahead of the HTTP signals; narrative quality (refusals,
 * moderation blocks, evaluation scores) is judged per model and prompt version, so a new prompt version
 * stands out against the ones before it.
 */
import { dashboard, timeseries, type DashboardSpec } from './build.ts';
import { R, p, golden } from './shared.ts';

const VERSIONS = 'model=~"$model", prompt_version=~"$prompt_version"';
const LEGEND = '{{story_type}} {{model}} {{prompt_version}}';
/** Share of the story type's narrative requests that `metric` counted, per model and prompt version. */
const share = (metric: string) =>
  `sum by (story_type, model, prompt_version) (rate(${metric}{story_type=~"$story_type", ${VERSIONS}}[${R}])) / on (story_type) group_left sum by (story_type) (rate(narrative_requests_total{story_type=~"$story_type"}[${R}]))`;

export function narrativeDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-narrative',
    title: 'AI narrative services',
    folder: 'ML',
    purpose:
      'Story generation and the AI agents: latency (with trace exemplars), failures and sessions per story type and agent; refusals, moderation blocks and eval scores per model and prompt version.',
    annotations: true,
    variables: {
      story_type: 'label_values(narrative_requests_total, story_type)',
      agent: 'label_values(ai_agent_response_duration_seconds_bucket, agent)',
      model: 'label_values(narrative_refusals_total, model)',
      prompt_version: 'label_values(narrative_refusals_total, prompt_version)',
    },
    items: [
      timeseries(
        'Generation p95 by story type',
        [
          {
            expr: p(0.95, 'narrative_generation_duration_seconds', 'story_type', 'story_type=~"$story_type"'),
            legend: '{{story_type}}',
            exemplar: true,
          },
        ],
        {
          unit: 's',
          thresholds: [{ value: 5, color: 'orange' }],
          description:
            'NarrativeGenerationSlow (T2) above 5 s. The points are exemplars: click one for its trace in Tempo.',
        },
      ),
      timeseries(
        'Generation failures',
        [
          {
            expr: `sum by (story_type) (rate(narrative_requests_total{story_type=~"$story_type", outcome="error"}[${R}])) / sum by (story_type) (rate(narrative_requests_total{story_type=~"$story_type"}[${R}]))`,
            legend: '{{story_type}}',
          },
        ],
        { unit: 'percentunit', thresholds: [{ value: 0.05, color: 'orange' }] },
      ),
      timeseries(
        'Agent response p95',
        [
          {
            expr: p(0.95, 'ai_agent_response_duration_seconds', 'agent', 'agent=~"$agent"'),
            legend: '{{agent}}',
          },
        ],
        {
          unit: 's',
          thresholds: [{ value: 3, color: 'orange' }],
        },
      ),
      timeseries('Story sessions active', [{ expr: 'sum(story_sessions_active)', legend: 'sessions' }]),
      { row: 'Narrative quality per model and prompt version' },
      timeseries(
        'Refusal share by model and prompt version',
        [{ expr: share('narrative_refusals_total'), legend: LEGEND }],
        {
          unit: 'percentunit',
          min: 0,
          description:
            'Refusals / narrative requests of the story type. NarrativeRefusalSurge (T2): a version above 2% and 3× the model’s 7-day share for 10 minutes.',
        },
      ),
      timeseries(
        'Moderation blocks by model and prompt version',
        [{ expr: share('narrative_moderation_blocks_total'), legend: LEGEND }],
        {
          unit: 'percentunit',
          min: 0,
          description:
            'Blocked / narrative requests of the story type. NarrativeModerationBlockSpike (T2): a model above 1% and 3× its 7-day share for 15 minutes.',
        },
      ),
      timeseries(
        'Eval score p50 and p10 by model and prompt version',
        [0.5, 0.1].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le, model, prompt_version, evaluator) (rate(narrative_eval_score_bucket{${VERSIONS}}[${R}])))`,
          legend: `p${q * 100} {{model}} {{prompt_version}} ({{evaluator}})`,
        })),
        { min: 0, max: 1, description: 'Scores from 0 to 1, recorded by the application’s evaluators.' },
      ),
      ...golden('service_name="narrative"', 'http_route'),
    ],
  });
}
