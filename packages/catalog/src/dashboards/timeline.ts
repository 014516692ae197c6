/**
 * Answers "what changed?" during an incident: deployments, firings and incidents on one time axis next to
 * the golden signals, kept separate so the overview stays a status page.
 */
import { dashboard, timeseries, type DashboardSpec } from './build.ts';
import { R, ratio, golden } from './shared.ts';

export function timelineDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-incident-timeline',
    title: 'Incident timeline',
    folder: 'Operations',
    purpose:
      'What changed? Deployments, alert firings and incidents on one time axis next to the golden signals.',
    annotations: true,
    timeFrom: 'now-3h',
    items: [
      timeseries(
        'Firing alerts by tier',
        [{ expr: 'sum by (tier) (ALERTS{alertstate="firing"})', legend: '{{tier}}' }],
        {
          description:
            'The annotations on every panel: blue deployments, red incidents, orange alert firings.',
          width: 24,
        },
      ),
      ...golden('job=~".+"'),
      timeseries(
        'Game connection failures',
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
        { unit: 'percentunit' },
      ),
      timeseries('Incidents open (Klaxon)', [
        { expr: 'sum by (tier, state) (klaxon_incidents)', legend: '{{tier}} {{state}}' },
      ]),
      timeseries('Notifications sent (Klaxon)', [
        {
          expr: `sum by (channel, outcome) (increase(klaxon_notifications_total[${R}]))`,
          legend: '{{channel}} {{outcome}}',
        },
      ]),
    ],
  });
}
