/**
 * The real-time game backend is the most player-visible service, so it gets route-level golden signals,
 * per-region connections and the synthetic checks that see it from outside.
 */
import { dashboard, timeseries, type DashboardSpec } from './build.ts';
import { ratio, golden } from './shared.ts';

export function gameApiDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-game-api',
    title: 'Game API',
    folder: 'Operations',
    purpose:
      'The real-time game backend: routes, errors, latency, connections per region and synthetic checks.',
    annotations: true,
    variables: {
      region: 'label_values(game_server_players_online, region)',
      http_route:
        'label_values(http_server_request_duration_seconds_count{service_name="game-api"}, http_route)',
    },
    items: [
      ...golden('service_name="game-api", http_route=~"$http_route"', 'http_route'),
      timeseries(
        'Connection failures by region',
        [
          {
            expr: ratio(
              'game_server_connection_failures_total{region=~"$region"}',
              'game_server_connection_attempts_total{region=~"$region"}',
              'region',
            ),
            legend: '{{region}}',
          },
        ],
        { unit: 'percentunit', thresholds: [{ value: 0.1, color: 'red' }] },
      ),
      timeseries('Players online by region', [
        { expr: 'sum by (region) (game_server_players_online{region=~"$region"})', legend: '{{region}}' },
      ]),
      timeseries('Synthetic checks: success and duration', [
        { expr: 'min by (instance) (probe_success{job="blackbox"})', legend: 'success {{instance}}' },
        {
          expr: 'max by (instance) (probe_duration_seconds{job="blackbox"})',
          legend: 'seconds {{instance}}',
        },
      ]),
      timeseries('HTTP status of the checks', [
        { expr: 'max by (instance) (probe_http_status_code{job="blackbox"})', legend: '{{instance}}' },
      ]),
      timeseries(
        'TLS certificate days left',
        [
          {
            expr: 'min by (instance) (probe_ssl_earliest_cert_expiry{job="blackbox"} - time()) / 86400',
            legend: '{{instance}}',
          },
        ],
        {
          thresholds: [
            { value: 3, color: 'red' },
            { value: 14, color: 'orange' },
          ],
        },
      ),
    ],
  });
}
