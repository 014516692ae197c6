/**
 * A whole engine without a socket, on a store of either dialect: the HTTP app (for `inject`), the standard
 * modules on a FakeClock, and a capturing delivery provider that records every message it is asked to send.
 */
import {
  buildApp,
  EngineLoop,
  FakeClock,
  ProviderRegistry,
  standardModules,
  type Dialect,
  type KlaxonApp,
  type KlaxonDatabase,
  type NotificationProvider,
  type OutboundMessage,
} from '@klaxon/engine';
import { amPayload, KEYS, ONCALL_API_YAML } from './fixtures.ts';
import { createTestStore, testConfig } from './helpers.ts';

/** ONCALL_API_YAML plus game-api (T1, depends on kafka) and cost (T3, unrelated). */
export const SERVICES_YAML = ONCALL_API_YAML.replace(
  '  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T1 }',
  `  - { id: monitoring, name: Monitoring, team: platform, defaultTier: T1 }
  - { id: game-api, name: Game API, team: platform, defaultTier: T1, dependsOn: [kafka] }
  - { id: cost, name: Cost, team: platform, defaultTier: T3 }`,
);

export interface Harness extends KlaxonApp {
  store: KlaxonDatabase;
  clock: FakeClock;
  loop: EngineLoop;
  /** Every message handed to the capturing provider, in order. */
  sent: OutboundMessage[];
  /** Runs the engine once and waits for every delivery and annotation push it started. */
  cycle(): Promise<void>;
  /** Fires one alert through the Alertmanager endpoint; returns the incident id. */
  fire(labels: Record<string, string>, summary: string, fingerprint: string): Promise<number>;
  close(): Promise<void>;
}

export async function startHarness(
  dialect: Dialect,
  yaml: string,
  start = '2026-03-31T10:00:00Z',
): Promise<Harness> {
  const config = testConfig('', yaml);
  const store = await createTestStore(dialect);
  const clock = new FakeClock(start);
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
  const registry = new ProviderRegistry([capture]);
  const standard = standardModules(config, store, { clock, registry, random: () => 1 });
  const built = await buildApp({ config, store, clock, processMetrics: false, registry });
  const loop = new EngineLoop({ store, clock, modules: standard.modules, intervalMs: 1000 });
  return {
    ...built,
    store,
    clock,
    loop,
    sent,
    async cycle() {
      await loop.runOnce();
      await standard.delivery?.drain();
      await standard.annotations?.drain();
    },
    async fire(labels, summary, fingerprint) {
      const res = await built.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: { authorization: `Bearer ${KEYS.alertmanager}` },
        payload: amPayload(
          [{ labels, annotations: { summary }, fingerprint, startsAt: clock.now().toISOString() }],
          `{}:{fp="${fingerprint}"}`,
        ),
      });
      if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}: ${res.body}`);
      return res.json<{ results: { incidentId: number }[] }>().results[0]!.incidentId;
    },
    async close() {
      await standard.delivery?.drain();
      await standard.annotations?.drain();
      await built.app.close();
      await store.close();
    },
  };
}
