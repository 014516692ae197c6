import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { amPayload, auth, buildTestApp, KEYS, SERVICES_YAML, startHarness, TOKENS } from '@klaxon/testing';

describe('incident API', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  let id: number;
  beforeEach(async () => {
    t = await buildTestApp('sqlite');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/alertmanager',
      headers: auth(KEYS.alertmanager),
      payload: amPayload([
        { labels: { alertname: 'PodCrashLooping', service: 'kafka', tier: 'T1' }, fingerprint: 'p1' },
      ]),
    });
    id = res.json().results[0].incidentId;
  });
  afterEach(async () => {
    await t.close();
  });

  const call = (method: 'GET' | 'POST', url: string, token?: string, payload?: object) =>
    t.app.inject({ method, url, headers: token ? auth(token) : {}, ...(payload ? { payload } : {}) });

  it('enforces roles: viewers read, responders act', async () => {
    expect((await call('GET', '/api/v1/incidents')).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/incidents', 'wrong-token-1234567890')).json().error.code).toBe(
      'invalid_credentials',
    );
    expect((await call('GET', '/api/v1/incidents', TOKENS.viewer)).statusCode).toBe(200);
    const denied = await call('POST', `/api/v1/incidents/${id}/acknowledge`, TOKENS.viewer);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('responder'),
    });
    const ok = await call('POST', `/api/v1/incidents/${id}/acknowledge`, TOKENS.responder);
    expect(ok.json().incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'responder' });
  });

  it('adds notes and resolves, with every change on the timeline', async () => {
    t.clock.advance(60_000);
    const note = await call('POST', `/api/v1/incidents/${id}/notes`, TOKENS.responder, {
      text: 'rolled back deploy 1.42',
    });
    expect(note.statusCode).toBe(201);
    expect(note.json().event).toMatchObject({
      kind: 'note',
      actor: 'responder',
      at: '2026-03-28T02:01:00.000Z',
    });
    const resolved = await call('POST', `/api/v1/incidents/${id}/resolve`, TOKENS.admin);
    expect(resolved.json().incident).toMatchObject({ state: 'resolved', resolvedBy: 'admin' });
    const detail = (await call('GET', `/api/v1/incidents/${id}`, TOKENS.viewer)).json();
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'incident.triggered',
      'note',
      'incident.resolved',
    ]);
    expect(detail.alerts[0].status).toBe('resolved');
    const conflict = await call('POST', `/api/v1/incidents/${id}/acknowledge`, TOKENS.responder);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('incident_resolved');
  });

  it('answers bad requests with a code and a sentence', async () => {
    expect((await call('GET', '/api/v1/incidents/999', TOKENS.viewer)).json().error.code).toBe('not_found');
    expect((await call('GET', '/api/v1/incidents/abc', TOKENS.viewer)).json().error.code).toBe(
      'invalid_params',
    );
    const q = await call('GET', '/api/v1/incidents?tier=T7', TOKENS.viewer);
    expect(q.statusCode).toBe(400);
    expect(q.json().error).toMatchObject({
      code: 'invalid_query',
      details: [expect.objectContaining({ path: 'querystring.tier[0]' })],
    });
    expect(
      (await call('POST', `/api/v1/incidents/${id}/notes`, TOKENS.responder, { text: '   ' })).json().error
        .code,
    ).toBe('invalid_payload');
    expect((await call('GET', '/api/v1/nothing-here', TOKENS.viewer)).json().error.code).toBe(
      'route_not_found',
    );
  });

  it('serves health, readiness and the OpenAPI document', async () => {
    expect((await call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await call('GET', '/readyz')).json()).toEqual({ status: 'ready' });
    const doc = (await call('GET', '/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/ingest/alertmanager',
        '/api/v1/ingest/grafana',
        '/v2/enqueue',
        '/api/v1/incidents',
        '/api/v1/incidents/{id}',
      ]),
    );
    expect(
      doc.paths['/v2/enqueue'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('routing_key');
  });
});

describe('contact details in the incident detail', () => {
  it('hides the addresses of notifications to people from viewers; responders and admins see them', async () => {
    const kafka = '  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }';
    expect(SERVICES_YAML).toContain(kafka);
    const h = await startHarness(
      'sqlite',
      SERVICES_YAML.replace(kafka, `${kafka.slice(0, -2)}, notify: { slack: C0KAFKA } }`),
    );
    try {
      const id = await h.fire({ alertname: 'KafkaDown', service: 'kafka', tier: 'T1' }, 'Kafka down', 'r1');
      await h.cycle();
      type Detail = {
        notifications: { user: string; channel: string; address: string }[];
        timeline: { message: string }[];
      };
      const detail = async (token: string) => {
        const res = await h.app.inject({
          method: 'GET',
          url: `/api/v1/incidents/${id}`,
          headers: auth(token),
        });
        expect(res.statusCode).toBe(200);
        return res.json<Detail>();
      };
      const full = await detail(TOKENS.responder);
      const alice = full.notifications.filter((n) => n.user === 'alice');
      expect(alice.map((n) => n.address)).toContain('+15550000001');
      expect(full.timeline.some((e) => e.message.includes('+15550000001'))).toBe(true);
      expect(JSON.stringify(await detail(TOKENS.admin))).toContain('+15550000001');

      const seen = await detail(TOKENS.viewer);
      const text = JSON.stringify(seen);
      for (const address of ['+15550000001', '+15550000002', 'ntfy:alice', 'alice@example.com'])
        expect(text, address).not.toContain(address);
      expect(seen.notifications).toHaveLength(full.notifications.length);
      expect(seen.notifications.filter((n) => n.user === 'alice').map((n) => n.address)).toEqual(
        alice.map(() => 'hidden'),
      );
      // Announcements to the service's channel are not a person's contact details.
      expect(seen.notifications.find((n) => n.user === '')).toMatchObject({
        channel: 'slack',
        address: 'C0KAFKA',
      });
    } finally {
      await h.close();
    }
  });
});
