import { describe, expect, it } from 'vitest';
import { amPayload, auth, buildTestApp, KEYS, TEST_CONFIG_YAML, TOKENS } from '@klaxon/testing';

const LINKS = `
server: { publicUrl: 'https://klaxon.example.com' }
links: { grafanaUrl: 'https://grafana.example.com/', alertmanagerUrl: 'https://am.example.com', lokiDatasource: loki-prod }
`;

describe('incident context', () => {
  it('gives a T1 Alertmanager alert a dashboard link over its window, a logs link, the runbook and a silence link', async () => {
    const yaml = TEST_CONFIG_YAML.replace(
      '{ id: kafka, name: Kafka, team: platform, defaultTier: T2 }',
      '{ id: kafka, name: Kafka, team: platform, defaultTier: T2, dashboard: { uid: klaxon-kafka, variables: [consumergroup, topic] } }',
    );
    const t = await buildTestApp('sqlite', { configYaml: yaml + LINKS, start: '2026-03-28T02:00:00Z' });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: auth(KEYS.alertmanager),
        payload: amPayload([
          {
            labels: {
              alertname: 'KafkaConsumerLagCritical',
              service: 'kafka',
              tier: 'T1',
              consumergroup: 'match-events',
              topic: 'game-events',
              namespace: 'streaming',
            },
            annotations: {
              summary: 'lag 12k',
              runbook_url: 'https://runbooks.example.com/kafka/lag',
              grafana_panel_id: '4',
            },
            startsAt: '2026-03-28T01:55:00Z',
            fingerprint: 'ctx1',
          },
        ]),
      });
      const id = res.json().results[0].incidentId;
      const { context } = (
        await t.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.viewer) })
      ).json();
      const dash = new URL(context.dashboardUrl);
      expect(dash.origin + dash.pathname).toBe('https://grafana.example.com/d/klaxon-kafka');
      expect(Number(dash.searchParams.get('from'))).toBe(Date.parse('2026-03-28T01:55:00Z') - 30 * 60_000);
      expect(dash.searchParams.get('to')).toBe('now');
      expect(dash.searchParams.get('var-consumergroup')).toBe('match-events');
      expect(dash.searchParams.get('var-topic')).toBe('game-events');
      expect(dash.searchParams.get('viewPanel')).toBe('4');
      expect(context.runbookUrl).toBe('https://runbooks.example.com/kafka/lag');
      const logs = new URL(context.logsUrl);
      const panes = JSON.parse(logs.searchParams.get('panes')!);
      expect(panes.klaxon.queries[0]).toMatchObject({
        expr: '{namespace="streaming",service="kafka"}',
        datasource: { uid: 'loki-prod' },
      });
      expect(panes.klaxon.range.from).toBe(dash.searchParams.get('from'));
      // Traces: Tempo in Explore, the service's traces over the same window (no service_name label: the id).
      const traces = new URL(context.tracesUrl);
      expect(traces.origin + traces.pathname).toBe('https://grafana.example.com/explore');
      const tracePanes = JSON.parse(traces.searchParams.get('panes')!);
      expect(tracePanes.klaxon.queries[0]).toMatchObject({
        datasource: { type: 'tempo', uid: 'tempo' },
        queryType: 'traceql',
        query: '{resource.service.name="kafka"}',
      });
      expect(tracePanes.klaxon.range).toEqual(panes.klaxon.range);
      expect(decodeURIComponent(context.silenceUrl)).toContain(
        'https://am.example.com/#/silences/new?filter={alertname="KafkaConsumerLagCritical"',
      );
      expect(context.incidentUrl).toBe(`https://klaxon.example.com/incidents/${id}`);

      t.clock.advance(20 * 60_000);
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${id}/resolve`,
        headers: auth(TOKENS.responder),
      });
      const after = (
        await t.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.viewer) })
      ).json().context;
      expect(Number(new URL(after.dashboardUrl).searchParams.get('to'))).toBe(
        Date.parse('2026-03-28T02:20:00Z') + 15 * 60_000,
      );
    } finally {
      await t.close();
    }
  });
});

describe('incident traces link', () => {
  async function tracesOf(linksYaml: string, labels: Record<string, string>): Promise<string | null> {
    const t = await buildTestApp('sqlite', {
      configYaml: TEST_CONFIG_YAML + linksYaml,
      start: '2026-03-28T02:00:00Z',
    });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: auth(KEYS.alertmanager),
        payload: amPayload([
          {
            labels: { alertname: 'NarrativeSlow', service: 'kafka', tier: 'T2', ...labels },
            startsAt: '2026-03-28T01:58:00Z',
            fingerprint: 'traces1',
          },
        ]),
      });
      const id = res.json().results[0].incidentId;
      const got = await t.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${id}`,
        headers: auth(TOKENS.viewer),
      });
      return got.json().context.tracesUrl;
    } finally {
      await t.close();
    }
  }

  it('selects the service.name from the alert’s service_name label, quoted, in the configured Tempo datasource', async () => {
    const url = await tracesOf(
      `links: { grafanaUrl: 'https://grafana.example.com', tempoDatasource: tempo-eu }\n`,
      { service_name: 'narrative"} || {' },
    );
    const pane = JSON.parse(new URL(url!).searchParams.get('panes')!).klaxon;
    expect(pane.queries[0].datasource).toEqual({ type: 'tempo', uid: 'tempo-eu' });
    expect(pane.queries[0].query).toBe('{resource.service.name="narrative\\"} || {"}');
    expect(Number(pane.range.from)).toBe(Date.parse('2026-03-28T01:58:00Z') - 30 * 60_000);
  });

  it('gives no traces link when tempoDatasource is null or Grafana is not configured', async () => {
    expect(
      await tracesOf(`links: { grafanaUrl: 'https://g.example.com', tempoDatasource: null }\n`, {}),
    ).toBeNull();
    expect(await tracesOf('', {})).toBeNull();
  });
});
