/** The monitoring of the monitoring: the Watchdog heartbeat, scrape targets, rule evaluation, Alertmanager and Klaxon delivery. */
import type { AlertDefinition } from '../model/alert.ts';
import { counter, gauge, input, ratio } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

export function metaAlerts(s: Selectors): AlertDefinition[] {
  const base = { group: 'meta', service: 'monitoring', team: 'platform' };
  return [
    {
      ...base,
      name: 'Watchdog',
      summary: 'The alerting pipeline is working (always firing)',
      description:
        'Always fires. Klaxon treats it as a heartbeat: when it stops arriving, Klaxon opens a T1 "monitoring pipeline is down".',
      expr: 'vector(1)',
      thresholds: [{ tier: 'T3', op: '==', value: 1, for: '0m' }],
      testValues: { firing: 1, quiet: 1 },
      outputLabels: {},
      input: () => input(),
      metrics: [],
      runbook: {
        meaning: 'A heartbeat, not a problem.',
        impact: 'None while it fires. Its absence is the problem.',
        diagnosis: [
          'If Klaxon reports it missing: is Prometheus evaluating rules, is Alertmanager up, can it reach Klaxon?',
        ],
        mitigation: ['Restore the broken link in Prometheus → Alertmanager → Klaxon.'],
      },
    },
    {
      ...base,
      name: 'TargetDown',
      summary: '{{ $labels.job }} targets are down',
      description: 'More than 10% of the {{ $labels.job }} scrape targets are unreachable.',
      expr: 'count by (job) (up == 0) / count by (job) (up)',
      thresholds: [{ tier: 'T2', op: '>', value: 0.1, for: '10m' }],
      testValues: { firing: 0.5, quiet: 0 },
      outputLabels: { job: 'kafka-exporter' },
      input: (v) =>
        input(
          gauge('up{job="kafka-exporter",instance="a"}', v >= 0.5 ? 0 : 1),
          gauge('up{job="kafka-exporter",instance="b"}', 1),
        ),
      metrics: ['up'],
      runbook: {
        meaning: 'Prometheus cannot scrape part of a job.',
        impact: 'Alerts on those targets cannot fire: a blind spot.',
        diagnosis: ['Prometheus /targets for the error; pod and network state of the exporter.'],
        mitigation: ['Restart the exporter; fix the ServiceMonitor selector.'],
      },
    },
    {
      ...base,
      name: 'PrometheusRuleEvaluationFailures',
      summary: 'Prometheus fails to evaluate rules',
      description: 'Rule evaluations have failed for 15 minutes: some alerts cannot fire.',
      expr: `sum(increase(prometheus_rule_evaluation_failures_total{${s.prometheus}}[5m]))`,
      thresholds: [{ tier: 'T2', op: '>', value: 0, for: '15m' }],
      testValues: { firing: 5, quiet: 0 },
      outputLabels: {},
      input: (v) =>
        input(
          counter(
            `prometheus_rule_evaluation_failures_total{${selectorLabels(s.prometheus)},rule_group="klaxon-kafka"}`,
            v / 5,
          ),
        ),
      metrics: ['prometheus_rule_evaluation_failures_total'],
      runbook: {
        meaning: 'Rule evaluations return errors.',
        impact: 'The affected alerts are blind.',
        diagnosis: ['Prometheus logs name the rule and the error (often many-to-many matching).'],
        mitigation: ['Fix the rule; `klaxon check` catches most before deploy.'],
      },
    },
    {
      ...base,
      name: 'AlertmanagerNotificationsFailing',
      summary: 'Alertmanager fails to deliver to {{ $labels.integration }}',
      description: 'More than 1% of notifications to {{ $labels.integration }} fail.',
      expr: `sum by (integration) (rate(alertmanager_notifications_failed_total{${s.alertmanager}}[5m])) / sum by (integration) (rate(alertmanager_notifications_total{${s.alertmanager}}[5m]))`,
      thresholds: [{ tier: 'T2', op: '>', value: 0.01, for: '5m' }],
      outputLabels: { integration: 'webhook' },
      input: (v) => {
        const l = `${selectorLabels(s.alertmanager)},integration="webhook"`;
        return input(
          ratio(`alertmanager_notifications_failed_total{${l}}`, `alertmanager_notifications_total{${l}}`, v),
        );
      },
      metrics: ['alertmanager_notifications_failed_total', 'alertmanager_notifications_total'],
      runbook: {
        meaning: 'Alertmanager cannot reach a receiver.',
        impact: 'Alerts are not delivered: pages may be lost.',
        diagnosis: ['Alertmanager logs for the receiver; Klaxon /readyz.'],
        mitigation: ['Restore the receiver; check its credentials.'],
      },
    },
    {
      ...base,
      name: 'KlaxonNotificationsFailing',
      summary: 'Klaxon fails to deliver {{ $labels.channel }} notifications',
      description: 'More than 10% of {{ $labels.channel }} delivery attempts fail.',
      expr: `sum by (channel) (rate(klaxon_notifications_total{${s.klaxon},outcome="failed"}[5m])) / sum by (channel) (rate(klaxon_notifications_total{${s.klaxon}}[5m]))`,
      thresholds: [{ tier: 'T2', op: '>', value: 0.1, for: '5m' }],
      outputLabels: { channel: 'sms' },
      input: (v) => {
        const l = `${selectorLabels(s.klaxon)},channel="sms"`;
        return input(
          counter(`klaxon_notifications_total{${l},outcome="failed"}`, v * 1000),
          counter(`klaxon_notifications_total{${l},outcome="sent"}`, (1 - v) * 1000),
        );
      },
      metrics: ['klaxon_notifications_total'],
      runbook: {
        meaning: 'Provider errors for a channel (klaxon_notifications_total).',
        impact: 'People may not be reached; failover hides single-provider outages.',
        diagnosis: ['Incident timelines list each failed attempt and the provider\u2019s answer.'],
        mitigation: ['Fix credentials or quotas; add a second provider for the channel.'],
      },
    },
    {
      ...base,
      name: 'KlaxonIngestRejected',
      summary: 'Klaxon is rejecting alerts from {{ $labels.source }}',
      description: 'A sender is misconfigured: Klaxon refuses its requests ({{ $labels.code }}).',
      expr: `sum by (source, code) (rate(klaxon_ingest_rejected_total{${s.klaxon}}[5m]))`,
      thresholds: [{ tier: 'T3', op: '>', value: 0, for: '15m' }],
      testValues: { firing: 1, quiet: 0 },
      outputLabels: { source: 'alertmanager', code: 'invalid_credentials' },
      input: (v) =>
        input(
          counter(
            `klaxon_ingest_rejected_total{${selectorLabels(s.klaxon)},source="alertmanager",code="invalid_credentials"}`,
            v * 60,
          ),
        ),
      metrics: ['klaxon_ingest_rejected_total'],
      runbook: {
        meaning: 'Klaxon answers 4xx to a sender.',
        impact: 'That sender\u2019s alerts are not recorded.',
        diagnosis: ['The code names the problem: invalid_credentials, invalid_payload, …'],
        mitigation: ['Fix the sender\u2019s integration key or payload.'],
      },
    },
    {
      ...base,
      name: 'KlaxonConfigReloadFailed',
      summary: 'Klaxon on {{ $labels.instance }} runs an older config: the last reload failed',
      description:
        'The config file changed but is invalid, so this engine keeps the previous schedules, policies, users and tokens.',
      expr: `min by (instance) (klaxon_config_last_reload_successful{${s.klaxon}})`,
      thresholds: [{ tier: 'T2', op: '<', value: 1, for: '10m' }],
      testValues: { firing: 0, quiet: 1 },
      outputLabels: { instance: 'klaxon-0:8080' },
      input: (v) =>
        input(
          gauge(
            `klaxon_config_last_reload_successful{${selectorLabels(s.klaxon)},instance="klaxon-0:8080"}`,
            v,
          ),
        ),
      metrics: ['klaxon_config_last_reload_successful'],
      runbook: {
        meaning: 'A reload (SIGHUP, POST /-/reload or a watched file change) found an invalid config file.',
        impact:
          'Changes to who is on call, escalation policies or tokens have not taken effect; people may be paged by the old rota.',
        diagnosis: [
          'The engine logged each problem as file:line:col with the fix; `klaxon check-config <file>` shows the same.',
        ],
        mitigation: ['Fix the file (or revert the ConfigMap change) and reload again.'],
      },
    },
  ];
}
