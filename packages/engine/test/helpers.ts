/**
 * Shared test fixtures: a store per dialect (a fresh PostgreSQL database per call), a small config, and
 * an app built on them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, createDatabase, FakeClock, parseConfig, type Dialect, type KlaxonDatabase } from '../src/index.ts';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

export function pgAvailable(): boolean {
  return inject('pgUrl') !== null;
}

/** For `describe.skipIf`: PostgreSQL tests skip only outside CI. */
export function skipPostgres(dialect: Dialect): boolean {
  return dialect === 'postgres' && !pgAvailable();
}

/** Creates an empty database of `dialect` and returns its connection options. */
export async function freshDatabase(dialect: Dialect) {
  if (dialect === 'sqlite') {
    return { dialect: 'sqlite' as const, path: join(mkdtempSync(join(tmpdir(), 'klaxon-sqlite-')), 'klaxon.db') };
  }
  const adminUrl = inject('pgUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not available');
  const name = `klaxon_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { dialect: 'postgres' as const, url: url.toString() };
}

export async function createTestStore(dialect: Dialect): Promise<KlaxonDatabase> {
  const store = createDatabase(await freshDatabase(dialect));
  await store.migrate();
  return store;
}

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

export function testConfig(extra = '') {
  return parseConfig(TEST_CONFIG_YAML + extra, 'test-config.yaml', {});
}

export async function buildTestApp(dialect: Dialect, opts: { start?: string; configExtra?: string } = {}) {
  const store = await createTestStore(dialect);
  const clock = new FakeClock(opts.start ?? '2026-03-28T02:00:00Z');
  const config = testConfig(opts.configExtra);
  const built = await buildApp({ config, store, clock, processMetrics: false });
  return {
    ...built,
    store,
    clock,
    config,
    async close() {
      await built.app.close();
      await store.close();
    },
  };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** An Alertmanager webhook payload (version 4) with the given alerts. */
export function amPayload(
  alerts: { status?: 'firing' | 'resolved'; labels: Record<string, string>; annotations?: Record<string, string>; fingerprint?: string; startsAt?: string; endsAt?: string }[],
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
