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

/** Users, schedules and the seed escalation policies: alice primary and bob backup in the week of 2026-03-30. */
export const ONCALL_YAML = `
users:
  - { id: alice, name: Alice, contactMethods: [{ type: voice, address: '+15550000001' }, { type: sms, address: '+15550000001' }, { type: push, address: 'ntfy:alice' }, { type: email, address: alice@example.com }] }
  - { id: bob, name: Bob, contactMethods: [{ type: voice, address: '+15550000002' }, { type: sms, address: '+15550000002' }, { type: push, address: 'ntfy:bob' }, { type: email, address: bob@example.com }] }
  - { id: erin, name: Erin, contactMethods: [{ type: voice, address: '+15550000005' }, { type: sms, address: '+15550000005' }, { type: push, address: 'ntfy:erin' }, { type: email, address: erin@example.com }] }
teams:
  - { id: platform, name: Platform, members: [alice, bob], lead: erin }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }
  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T1 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: t1 }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: t2 }
  T3: { name: Advisory, urgency: none, pages: false }
schedules:
  - { id: primary, name: Primary, timezone: Europe/London, layers: [{ name: w, users: [alice, bob], rotation: { type: weekly, start: '2026-03-30', handoffTime: '09:00' } }] }
  - { id: backup, name: Backup, timezone: Europe/London, layers: [{ name: w, users: [bob, alice], rotation: { type: weekly, start: '2026-03-30', handoffTime: '09:00' } }] }
escalationPolicies:
  - { id: t1, name: T1, steps: [{ targets: [{ schedule: primary }], escalateAfterMinutes: 5 }, { targets: [{ schedule: backup }], escalateAfterMinutes: 5 }, { targets: [{ user: erin }] }] }
  - { id: t2, name: T2, steps: [{ targets: [{ schedule: primary }], escalateAfterMinutes: 30 }, { targets: [{ schedule: backup }] }] }
`;

/** ONCALL_YAML with integration keys and API tokens, for HTTP tests. */
export const ONCALL_API_YAML = `${ONCALL_YAML}
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: monitoring, source: alertmanager, routeByLabel: service }
  - { key: ${KEYS.pagerduty}, name: events, service: kafka, source: pagerduty }
apiTokens:
  - { name: admin, token: ${TOKENS.admin}, role: admin }
  - { name: responder, token: ${TOKENS.responder}, role: responder }
  - { name: viewer, token: ${TOKENS.viewer}, role: viewer }
`;

/**
 * ONCALL_API_YAML with escalation steps of `stepSeconds` instead of 5 minutes, rotations long started,
 * and every message delivered to a local outbox file.
 */
export function fastOncallYaml(stepSeconds: number, outbox: string): string {
  return `${ONCALL_API_YAML}notifications: { providers: [{ id: outbox, type: outbox, path: '${outbox}' }] }\n`
    .replaceAll('escalateAfterMinutes: 5', `escalateAfterMinutes: ${stepSeconds / 60}`)
    .replaceAll("start: '2026-03-30'", "start: '2020-01-06'");
}
