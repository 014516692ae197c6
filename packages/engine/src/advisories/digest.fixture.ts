/**
 * Test support for the advisory digest and deadline (not shipped): a team in New York with a Slack
 * channel for its digest and two members with email, a T3 service, and an engine (HTTP app, standard
 * modules, loop) on a FakeClock over a given database, whose messages go to a capturing provider unless
 * the test passes real providers.
 */
import {
  buildApp,
  createDatabase,
  EngineLoop,
  FakeClock,
  parseConfig,
  ProviderRegistry,
  standardModules,
  type DatabaseOptions,
  type KlaxonApp,
  type KlaxonConfig,
  type KlaxonDatabase,
  type NotificationProvider,
  type OutboundMessage,
} from '@klaxon/engine';
import { KEYS } from '@klaxon/testing';

export const PUBLIC = 'https://klaxon.example.com';
/** Friday 2026-12-04 23:00 in New York (EST, UTC−5). */
export const FRIDAY_2300 = '2026-12-05T04:00:00Z';
/** Monday 2026-12-07 09:00 in New York. */
export const MONDAY_0900 = '2026-12-07T14:00:00Z';
/** Tuesday 2026-12-08 09:00 in New York. */
export const TUESDAY_0900 = '2026-12-08T14:00:00Z';

export interface DigestYamlOptions {
  holidays?: string[];
  /** Extra YAML for the team (e.g. `lead: erin`). */
  team?: string;
  /** Erin's contact methods (the lead's). */
  erin?: string;
  /** Extra top-level YAML (providers, advisories). */
  extra?: string;
}

export function digestYaml(o: DigestYamlOptions = {}): string {
  const holidays = JSON.stringify(o.holidays ?? []);
  const erin =
    o.erin ??
    "[{ type: voice, address: '+15550000005' }, { type: sms, address: '+15550000005' }, { type: slack, address: U0ERIN }, { type: email, address: erin@example.com }]";
  return `
server: { publicUrl: '${PUBLIC}' }
users:
  - { id: alice, name: Alice, email: alice@example.com, notificationRules: { high: [{ type: voice }], low: [{ type: push }] }, contactMethods: [{ type: voice, address: '+15550000001' }, { type: push, address: 'ntfy:alice' }] }
  - { id: bob, name: Bob, contactMethods: [{ type: voice, address: '+15550000002' }, { type: email, address: bob@example.com }] }
  - { id: erin, name: Erin, contactMethods: ${erin} }
teams:
  - id: platform
    name: Platform
    members: [alice, bob]
    businessHours: { timezone: America/New_York, start: '09:00', end: '17:00', holidays: ${holidays} }
    advisories: { slack: C0DIGEST }
    ${o.team ?? ''}
services:
  - { id: cost, name: Cloud cost, team: platform, defaultTier: T3 }
  - { id: kafka, name: Kafka, team: platform, defaultTier: T3 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: t1 }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: t1 }
  T3: { name: Advisory, urgency: none, pages: false }
escalationPolicies:
  - { id: t1, name: T1, steps: [{ targets: [{ user: alice }] }] }
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: cost, source: alertmanager, routeByLabel: service }
${o.extra ?? ''}
`;
}

export interface DigestEngine extends KlaxonApp {
  store: KlaxonDatabase;
  config: KlaxonConfig;
  clock: FakeClock;
  loop: EngineLoop;
  sent: OutboundMessage[];
  cycle(): Promise<void>;
  /** Fires a T3 alert through the Alertmanager endpoint; returns the incident id. */
  fire(alertname: string, fingerprint: string, extra?: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

export interface DigestEngineOptions {
  /** Send through the providers the config names (local fakes); default: one capturing provider. */
  providersFromConfig?: boolean;
  /** Leave out delivery: the digest's rows stay queued (a crash before sending). */
  delivery?: boolean;
  warnings?: { obj: object; msg: string }[];
}

export async function digestEngine(
  database: DatabaseOptions,
  yaml: string,
  start: string | FakeClock,
  o: DigestEngineOptions = {},
): Promise<DigestEngine> {
  const config = parseConfig(yaml, 'digest-test.yaml', {});
  const store = createDatabase(database);
  await store.migrate();
  const clock = typeof start === 'string' ? new FakeClock(start) : start;
  const sent: OutboundMessage[] = [];
  const capture: NotificationProvider = {
    id: 'capture',
    type: 'capture',
    channels: ['voice', 'sms', 'push', 'email', 'slack', 'webhook', 'pagerduty'],
    send(msg) {
      sent.push(msg);
      return Promise.resolve({ providerId: `c-${msg.notificationId}` });
    },
  };
  const registry = o.providersFromConfig ? undefined : new ProviderRegistry([capture]);
  const warnings = o.warnings;
  const standard = standardModules(config, store, {
    clock,
    registry,
    delivery: o.delivery,
    poke: () => undefined,
    logger: warnings ? { warn: (obj, msg) => warnings.push({ obj, msg }) } : undefined,
  });
  const built = await buildApp({ config, store, clock, processMetrics: false, registry });
  const loop = new EngineLoop({ store, clock, modules: standard.modules, intervalMs: 1000 });
  return {
    ...built,
    store,
    config,
    clock,
    loop,
    sent,
    async cycle() {
      await loop.runOnce();
      await standard.delivery?.drain();
    },
    async fire(alertname, fingerprint, extra = {}) {
      const res = await built.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: { authorization: `Bearer ${KEYS.alertmanager}` },
        payload: {
          version: '4',
          groupKey: `{}:{fp="${fingerprint}"}`,
          status: 'firing',
          receiver: 'klaxon',
          groupLabels: {},
          commonLabels: {},
          commonAnnotations: {},
          alerts: [
            {
              status: 'firing',
              labels: { alertname, service: 'cost', tier: 'T3' },
              annotations: { summary: `${alertname} fired` },
              fingerprint,
              startsAt: clock.now().toISOString(),
              ...extra,
            },
          ],
        },
      });
      if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
      return res.json<{ results: { incidentId: number }[] }>().results[0]!.incidentId;
    },
    async close() {
      await loop.stop();
      await standard.delivery?.drain();
      await built.app.close();
      await store.close();
    },
  };
}

/** The digest rows of a store, oldest first. */
export async function digestRows(store: KlaxonDatabase) {
  return store.db.selectFrom('advisory_digests').selectAll().orderBy('day').execute();
}

/** The digest notifications of a store. */
export async function digestNotifications(store: KlaxonDatabase) {
  return store.db
    .selectFrom('notifications')
    .selectAll()
    .where('kind', '=', 'digest')
    .orderBy('id')
    .execute();
}
