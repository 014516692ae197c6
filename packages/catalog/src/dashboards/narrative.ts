/**
 * Story generation and the AI agents are judged per story type and agent, not per route, so the ML on-call
 * gets their own latency and failure views ahead of the HTTP signals.
 */
import { dashboard, timeseries, type DashboardSpec } from './build.ts';
import { R, p, golden } from './shared.ts';

export function narrativeDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-narrative',
    title: 'AI narrative services',
    folder: 'ML',
    purpose: 'Story generation and the AI agents: latency, failures and sessions, per story type and agent.',
    annotations: true,
    variables: {
      story_type: 'label_values(narrative_requests_total, story_type)',
      agent: 'label_values(ai_agent_response_duration_seconds_bucket, agent)',
    },
    items: [
      timeseries(
        'Generation p95 by story type',
        [
          {
            expr: p(0.95, 'narrative_generation_duration_seconds', 'story_type', 'story_type=~"$story_type"'),
            legend: '{{story_type}}',
          },
        ],
        {
          unit: 's',
          thresholds: [{ value: 5, color: 'orange' }],
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
      ...golden('service_name="narrative"', 'http_route'),
    ],
  });
}
