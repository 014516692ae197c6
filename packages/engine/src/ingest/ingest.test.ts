import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { amPayload, auth, buildTestApp, DIALECTS, KEYS, skipPostgres, TOKENS } from '@klaxon/testing';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

describe.each(DIALECTS)('ingest over HTTP on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    t = await buildTestApp(dialect);
  });
  afterEach(async () => {
    await t?.close();
  });

  const incident = async (id: number) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.viewer) })
    ).json();

  it('takes an Alertmanager webhook, routes by the service label and opens incidents by tier', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: amPayload([
        {
          labels: { alertname: 'KafkaConsumerLagCritical', service: 'kafka', tier: 'T1' },
          fingerprint: 'aaa1',
        },
        {
          labels: { alertname: 'KafkaConsumerLagCritical', service: 'kafka', tier: 'T1', topic: 'b' },
          fingerprint: 'aaa2',
        },
      ]),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['opened', 'added']);
    const detail = await incident(body.results[0].incidentId);
    expect(detail.incident).toMatchObject({
      service: 'kafka',
      tier: 'T1',
      state: 'triggered',
      source: 'alertmanager',
    });
    expect(detail.alerts).toHaveLength(2);
  });

  it('takes a Grafana alerting webhook', async () => {
    const payload = {
      ...amPayload([{ labels: { alertname: 'HighLag', severity: 'warning' }, fingerprint: 'g1' }]),
      version: '1',
      orgId: 1,
      title: '[FIRING:1] HighLag',
      state: 'alerting',
      message: 'lag is high',
    };
    (payload.alerts[0] as Record<string, unknown>).values = { B: 7200 };
    (payload.alerts[0] as Record<string, unknown>).dashboardURL = 'http://grafana/d/kafka';
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/grafana',
      headers: auth(KEYS.grafana),
      payload,
    });
    expect(res.statusCode).toBe(200);
    const detail = await incident(res.json().results[0].incidentId);
    expect(detail.incident).toMatchObject({ service: 'kafka', tier: 'T2', source: 'grafana' });
    expect(detail.alerts[0].details).toMatchObject({
      values: { B: 7200 },
      dashboardURL: 'http://grafana/d/kafka',
    });
  });

  it('drives an incident through a PagerDuty Events v2 trigger → acknowledge → resolve sequence', async () => {
    const send = (body: object) => t.app.inject({ method: 'POST', url: '/v2/enqueue', payload: body });
    const trigger = await send({
      routing_key: KEYS.pagerduty,
      event_action: 'trigger',
      dedup_key: 'game-eu-down',
      payload: {
        summary: 'EU game servers refusing connections',
        source: 'eu-west-1',
        severity: 'critical',
        custom_details: { region: 'eu' },
      },
      links: [{ href: 'https://status.example.com', text: 'status' }],
      client: 'synthetic-checker',
    });
    expect(trigger.statusCode).toBe(202);
    expect(trigger.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'game-eu-down',
    });
    const [open] = (
      await t.app.inject({ method: 'GET', url: '/api/v1/incidents', headers: auth(TOKENS.viewer) })
    ).json().incidents;
    expect(open).toMatchObject({
      service: 'game-api',
      tier: 'T1',
      state: 'triggered',
      title: 'EU game servers refusing connections',
    });

    t.clock.advance(120_000);
    expect(
      (await send({ routing_key: KEYS.pagerduty, event_action: 'acknowledge', dedup_key: 'game-eu-down' }))
        .statusCode,
    ).toBe(202);
    expect((await incident(open.id)).incident).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'pagerduty:game-events',
    });

    t.clock.advance(120_000);
    expect(
      (await send({ routing_key: KEYS.pagerduty, event_action: 'resolve', dedup_key: 'game-eu-down' }))
        .statusCode,
    ).toBe(202);
    const done = await incident(open.id);
    expect(done.incident).toMatchObject({ state: 'resolved', resolvedBy: 'pagerduty:game-events' });
    expect(done.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'incident.triggered',
      'incident.acknowledged',
      'alert.resolved',
      'incident.resolved',
    ]);
  });

  it("accepts the payload Alertmanager's pagerduty_configs sends, with the tier in details", async () => {
    const body = {
      routing_key: KEYS.pagerdutyOther,
      dedup_key: 'b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2',
      event_action: 'trigger',
      payload: {
        summary: '[FIRING:1] BudgetExceeded (bedrock T1)',
        source: 'Alertmanager',
        severity: 'critical',
        custom_details: {
          firing: 'Labels:\n - alertname = BudgetExceeded\n',
          num_firing: '1',
          num_resolved: '0',
          resolved: '',
          tier: 'T1',
        },
      },
      client: 'Alertmanager',
      client_url: 'http://alertmanager:9093/#/alerts?receiver=pd',
    };
    const res = await t.app.inject({ method: 'POST', url: '/v2/enqueue', payload: body });
    expect(res.statusCode).toBe(202);
    expect(res.json().dedup_key).toBe(body.dedup_key);
    const [open] = (
      await t.app.inject({ method: 'GET', url: '/api/v1/incidents', headers: auth(TOKENS.viewer) })
    ).json().incidents;
    // The cost service defaults to T3, severity says T1, and the tier detail wins.
    expect(open).toMatchObject({ service: 'cost', tier: 'T1' });
    const resolved = await t.app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: { ...body, event_action: 'resolve' },
    });
    expect(resolved.statusCode).toBe(202);
    expect((await incident(open.id)).incident.state).toBe('resolved');
  });

  it('generates a dedup_key for a trigger without one', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: {
        routing_key: KEYS.pagerduty,
        event_action: 'trigger',
        payload: { summary: 's', source: 'x', severity: 'info' },
      },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('ingest errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp('sqlite');
  });
  afterEach(async () => {
    await t.close();
  });

  const am = amPayload([{ labels: { alertname: 'X' }, fingerprint: 'f' }]);

  it.each([
    ['no Authorization header', {}, 401, 'missing_credentials'],
    ['an unknown key', auth('not-a-key-000000000000'), 401, 'invalid_credentials'],
    ['a key for another source', auth(KEYS.grafana), 403, 'wrong_integration_source'],
  ])('refuses %s', async (_name, headers, status, code) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers,
      payload: am,
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message.length).toBeGreaterThan(20);
  });

  it('names the offending field of an invalid webhook', async () => {
    const bad = { ...am, alerts: [{ ...am.alerts[0], labels: { alertname: 42 } }] };
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: bad,
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_payload');
    expect(error.details[0].path).toBe('body.alerts[0].labels.alertname');
  });

  it('refuses a webhook of another version with the reason', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: { ...am, version: '3' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('version must be "4"');
  });

  it('answers invalid PagerDuty events the way PagerDuty does', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: { routing_key: KEYS.pagerduty, event_action: 'resolve' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ["'dedup_key' is required for resolve events"],
      code: 'invalid_payload',
    });
    const badKey = await t.app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: {
        routing_key: 'nope',
        event_action: 'trigger',
        payload: { summary: 's', source: 's', severity: 'info' },
      },
    });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json()).toMatchObject({ errors: ['Invalid routing key'], code: 'invalid_credentials' });
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ status: 'invalid event', code: 'invalid_json' });
  });

  it('refuses oversized bodies with 413 and other media types with 415', async () => {
    const huge = JSON.stringify({
      ...am,
      commonAnnotations: { x: 'a'.repeat(t.config.server.bodyLimitBytes) },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: { ...auth(KEYS.alertmanager), 'content-type': 'application/json' },
      payload: huge,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: { ...auth(KEYS.alertmanager), 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported_media_type');
  });

  it('counts received and rejected alerts in /metrics', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: am,
    });
    await t.app.inject({ method: 'POST', url: '/api/v1/ingest/alertmanager', payload: am });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: auth(TOKENS.viewer) })).body;
    expect(text).toContain('klaxon_alerts_received_total{source="alertmanager",outcome="opened"} 1');
    expect(text).toContain(
      'klaxon_ingest_rejected_total{source="alertmanager",code="missing_credentials"} 1',
    );
    expect(text).toContain('klaxon_incidents{tier="T2",state="triggered"} 1');
    expect(text).toContain('klaxon_incidents_opened_total{tier="T2",service="monitoring"} 1');
    expect(text).toMatch(/klaxon_ingest_duration_seconds_count\{source="alertmanager"\} 1/);
  });
});
