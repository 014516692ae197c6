/**
 * The first page on-call opens when anything pages: one screen across every service, so it stays a
 * summary and links onward rather than growing each service's detail.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';
import { ratio, golden } from './shared.ts';

export function platformDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-overview',
    title: 'Platform overview',
    folder: 'Operations',
    purpose:
      'Golden signals of every service on one page: where the on-call engineer starts when something pages.',
    annotations: true,
    items: [
      stat('Firing alerts T1', 'count(ALERTS{alertstate="firing", tier="T1"}) or vector(0)', {
        thresholds: [{ value: 1, color: 'red' }],
      }),
      stat('Firing alerts T2', 'count(ALERTS{alertstate="firing", tier="T2"}) or vector(0)', {
        thresholds: [{ value: 1, color: 'orange' }],
      }),
      stat('Players online', 'sum(game_server_players_online)'),
      stat('Targets down', 'count(up == 0) or vector(0)', { thresholds: [{ value: 1, color: 'red' }] }),
      { row: 'HTTP services' },
      ...golden('job=~".+"'),
      timeseries(
        'Saturation: HPA replicas / max',
        [
          {
            expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas / kube_horizontalpodautoscaler_spec_max_replicas)',
            legend: '{{horizontalpodautoscaler}}',
          },
        ],
        { unit: 'percentunit', max: 1 },
      ),
      { row: 'Game, streaming and AI' },
      timeseries(
        'Game connection failures by region',
        [
          {
            expr: ratio(
              'game_server_connection_failures_total',
              'game_server_connection_attempts_total',
              'region',
            ),
            legend: '{{region}}',
          },
        ],
        {
          unit: 'percentunit',
          thresholds: [{ value: 0.1, color: 'red' }],
        },
      ),
      timeseries(
        'Kafka consumer lag (max per group)',
        [{ expr: 'max by (consumergroup) (kafka_consumergroup_lag_sum)', legend: '{{consumergroup}}' }],
        {
          thresholds: [
            { value: 5000, color: 'orange' },
            { value: 10000, color: 'red' },
          ],
        },
      ),
      timeseries(
        'Bedrock p95 latency',
        [
          {
            expr: 'max by (dimension_ModelId) (aws_bedrock_invocation_latency_p95) / 1000',
            legend: '{{dimension_ModelId}}',
          },
        ],
        {
          unit: 's',
          thresholds: [
            { value: 3, color: 'orange' },
            { value: 8, color: 'red' },
          ],
        },
      ),
      timeseries(
        'Synthetic checks',
        [{ expr: 'min by (instance) (probe_success{job="blackbox"})', legend: '{{instance}}' }],
        { min: 0, max: 1 },
      ),
    ],
  });
}
