/**
 * Product looks at engagement over a day rather than at incidents, so these business metrics live apart from
 * the operational dashboards, in the Product folder, with no alert thresholds drawn in.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';

export function productDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-product',
    title: 'Player engagement',
    folder: 'Product',
    purpose:
      'Business metrics for product: players online, story sessions, completion rate against its 7-day baseline, moderation blocks, and how often players get in.',
    annotations: true,
    timeFrom: 'now-24h',
    items: [
      stat('Players online', 'sum(game_server_players_online)'),
      stat('Story sessions active', 'sum(story_sessions_active)'),
      stat(
        'Connection success (1h)',
        'sum(increase(game_server_connection_attempts_total[1h]) - increase(game_server_connection_failures_total[1h])) / sum(increase(game_server_connection_attempts_total[1h]))',
        { unit: 'percentunit' },
      ),
      stat('Stories completed (1h)', 'sum(increase(story_completions_total[1h]))'),
      timeseries('Players online by region', [
        { expr: 'sum by (region) (game_server_players_online)', legend: '{{region}}' },
      ]),
      timeseries('Story completions per hour by type', [
        {
          expr: 'sum by (story_type) (rate(story_completions_total[1h])) * 3600',
          legend: '{{story_type}}',
        },
      ]),
      timeseries(
        'Story completion rate vs 7-day baseline',
        [
          {
            expr: 'sum by (story_type) (rate(story_completions_total[1h])) / sum by (story_type) (rate(story_starts_total[1h]))',
            legend: '{{story_type}} (completions / starts, 1h)',
          },
          {
            expr: 'avg_over_time(story_type:story_completions:ratio_rate1h[7d])',
            legend: '{{story_type}} 7-day baseline',
          },
        ],
        {
          unit: 'percentunit',
          min: 0,
          description:
            'StoryCompletionRateDrop (T2) pages the ML team under 75% of the baseline for 30 minutes.',
        },
      ),
      timeseries('Moderation blocks per hour by story type', [
        {
          expr: 'sum by (story_type) (rate(narrative_moderation_blocks_total[1h])) * 3600',
          legend: '{{story_type}}',
        },
      ]),
      timeseries('Story sessions active', [{ expr: 'sum(story_sessions_active)', legend: 'sessions' }]),
    ],
  });
}
