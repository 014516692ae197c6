/**
 * Watches the watchers: if targets, rule evaluation, Alertmanager or Klaxon delivery break, no other
 * dashboard would show it, because no alert would fire.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';
import { R } from './shared.ts';

export function monitoringDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-monitoring',
    title: 'Monitoring pipeline',
    folder: 'Operations',
    purpose: 'Is the alerting itself healthy? Targets, rule evaluation, Alertmanager and Klaxon delivery.',
    annotations: true,
    items: [
      stat('Watchdog firing', 'sum(ALERTS{alertname="Watchdog", alertstate="firing"}) or vector(0)', {
        width: 12,
        thresholds: [{ value: 1, color: 'green' }],
      }),
      timeseries('Targets up by job', [{ expr: 'sum by (job) (up)', legend: '{{job}}' }]),
      timeseries('Rule evaluation failures', [
        { expr: `sum(increase(prometheus_rule_evaluation_failures_total[${R}]))`, legend: 'failures' },
      ]),
      timeseries('Alertmanager notifications by integration', [
        {
          expr: `sum by (integration) (rate(alertmanager_notifications_total[${R}]))`,
          legend: 'sent {{integration}}',
        },
        {
          expr: `sum by (integration) (rate(alertmanager_notifications_failed_total[${R}]))`,
          legend: 'failed {{integration}}',
        },
      ]),
      timeseries('Alerts received by Klaxon', [
        { expr: `sum by (source) (rate(klaxon_alerts_received_total[${R}]))`, legend: '{{source}}' },
      ]),
      timeseries('Klaxon notifications by channel and outcome', [
        {
          expr: `sum by (channel, outcome) (increase(klaxon_notifications_total[${R}]))`,
          legend: '{{channel}} {{outcome}}',
        },
      ]),
    ],
  });
}
