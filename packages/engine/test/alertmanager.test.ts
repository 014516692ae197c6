/**
 * A real Alertmanager 0.25 delivers to the engine: through webhook_configs to the Alertmanager ingest,
 * and through pagerduty_configs to the PagerDuty-compatible endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_NAMES,
  auth,
  freshDatabase,
  KEYS,
  missingBinary,
  startAlertmanager,
  testConfig,
  TOKENS,
  waitFor,
  type RunningAlertmanager,
} from '@klaxon/testing';
import { startServer, type RunningServer } from '../src/index.ts';

const skip = missingBinary(ALERTMANAGER_NAMES, 'prometheus-alertmanager');

describe.skipIf(skip)('real Alertmanager → engine', () => {
  let engine: RunningServer;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    engine = await startServer({
      config: testConfig(),
      database: await freshDatabase('sqlite'),
      port: 0,
      host: '127.0.0.1',
    });
    am = await startAlertmanager(`
route:
  receiver: klaxon
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: pagerduty
      matchers: ['via="pagerduty"']
receivers:
  - name: klaxon
    webhook_configs:
      - url: ${engine.url}/api/v1/ingest/alertmanager
        send_resolved: true
        http_config:
          authorization: { type: Bearer, credentials: ${KEYS.alertmanager} }
  - name: pagerduty
    pagerduty_configs:
      - routing_key: ${KEYS.pagerdutyOther}
        url: ${engine.url}/v2/enqueue
        send_resolved: true
        severity: '{{ .CommonLabels.severity }}'
        details:
          tier: '{{ .CommonLabels.tier }}'
          firing: '{{ .Alerts.Firing | len }}'
`);
  }, 60_000);

  afterAll(async () => {
    await am?.stop();
    await engine?.close();
  });

  const postAlerts = async (alerts: object[]) => {
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status).toBe(200);
  };
  const incidents = async (query = '') =>
    (
      (await (
        await fetch(`${engine.url}/api/v1/incidents${query}`, { headers: auth(TOKENS.viewer) })
      ).json()) as {
        incidents: {
          id: number;
          service: string;
          tier: string;
          state: string;
          title: string;
          source: string;
        }[];
      }
    ).incidents;

  it('opens incidents with the right tier from firing alerts, and resolves them when the alerts resolve', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const lag = {
      alertname: 'KafkaConsumerLagCritical',
      service: 'kafka',
      tier: 'T1',
      severity: 'critical',
      consumergroup: 'match-events',
    };
    const wlm = { alertname: 'RedshiftWLMQueueContention', service: 'cost', severity: 'info' };
    await postAlerts([
      { labels: lag, annotations: { summary: 'Consumer group match-events lags 12k messages' }, startsAt },
      { labels: wlm, annotations: { summary: 'WLM queue contention' }, startsAt },
    ]);
    const open = await waitFor('two incidents from Alertmanager', async () => {
      const list = await incidents('?state=triggered');
      return list.length === 2 ? list : undefined;
    });
    const kafka = open.find((i) => i.service === 'kafka')!;
    const cost = open.find((i) => i.service === 'cost')!;
    expect(kafka).toMatchObject({
      tier: 'T1',
      source: 'alertmanager',
      title: 'Consumer group match-events lags 12k messages',
    });
    expect(cost).toMatchObject({ tier: 'T3' });

    const endsAt = new Date().toISOString();
    await postAlerts([
      { labels: lag, startsAt, endsAt },
      { labels: wlm, startsAt, endsAt },
    ]);
    await waitFor('both incidents to resolve', async () => {
      const list = await incidents('?state=resolved');
      return list.length === 2 ? list : undefined;
    });
    const detail = (await (
      await fetch(`${engine.url}/api/v1/incidents/${kafka.id}`, { headers: auth(TOKENS.viewer) })
    ).json()) as {
      incident: { resolvedBy: string };
      alerts: { status: string; generatorUrl: string | null }[];
    };
    expect(detail.incident.resolvedBy).toBe('alertmanager:am');
    expect(detail.alerts.every((a) => a.status === 'resolved')).toBe(true);
  });

  it('accepts pagerduty_configs deliveries: trigger then resolve on the same dedup_key', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const labels = {
      alertname: 'BudgetExceeded',
      via: 'pagerduty',
      tier: 'T1',
      severity: 'critical',
      budget: 'bedrock',
    };
    await postAlerts([{ labels, annotations: { summary: 'Bedrock budget at 104%' }, startsAt }]);
    const incident = await waitFor('an incident from pagerduty_configs', async () =>
      (await incidents('?state=triggered')).find((i) => i.source === 'pagerduty'),
    );
    expect(incident).toMatchObject({ service: 'cost', tier: 'T1' });
    await postAlerts([{ labels, startsAt, endsAt: new Date().toISOString() }]);
    await waitFor('the pagerduty_configs incident to resolve', async () =>
      (await incidents('?state=resolved')).find((i) => i.id === incident.id),
    );
  });
});
