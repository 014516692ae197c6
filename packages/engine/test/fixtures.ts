/** Test data with no test-runner imports, shared by tests and benchmarks. */

export const KEYS = {
  alertmanager: 'am-test-key-0123456789abcdef',
  grafana: 'grafana-test-key-0123456789ab',
  pagerduty: '0123456789abcdef0123456789abcdef',
  pagerdutyOther: 'fedcba9876543210fedcba9876543210',
} as const;

export const TOKENS = {
  admin: 'admin-test-token-000000000001',
  responder: 'responder-test-token-0000002',
  viewer: 'viewer-test-token-00000000003',
} as const;

export const TEST_CONFIG_YAML = `
incidents: { reopenWindowMinutes: 60 }
users:
  - { id: alice, name: Alice, contactMethods: [{ type: sms, address: '+15550000001' }] }
teams:
  - { id: platform, name: Platform, members: [alice] }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }
  - { id: game-api, name: Game API, team: platform, defaultTier: T1 }
  - { id: cost, name: Cost, team: platform, defaultTier: T3 }
  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T2 }
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: monitoring, source: alertmanager, routeByLabel: service }
  - { key: ${KEYS.grafana}, name: grafana, service: kafka, source: grafana }
  - { key: ${KEYS.pagerduty}, name: game-events, service: game-api, source: pagerduty }
  - { key: ${KEYS.pagerdutyOther}, name: cost-events, service: cost, source: pagerduty }
apiTokens:
  - { name: admin, token: ${TOKENS.admin}, role: admin }
  - { name: responder, token: ${TOKENS.responder}, role: responder }
  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }
`;

/** An Alertmanager webhook payload (version 4) with the given alerts. */
export function amPayload(
  alerts: {
    status?: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    fingerprint?: string;
    startsAt?: string;
    endsAt?: string;
  }[],
  groupKey = '{}:{alertname="Test"}',
) {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver: 'klaxon',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: a.startsAt ?? '2026-03-28T01:59:00Z',
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.local:9090/graph?g0.expr=up',
      fingerprint: a.fingerprint,
    })),
  };
}
