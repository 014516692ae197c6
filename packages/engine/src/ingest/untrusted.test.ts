/**
 * What a sender controls never loses the alerts around it: label values that name Object.prototype
 * members, bodies nested deeper than the limit, too many labels, and links that are not http(s). Each is
 * answered with a 4xx naming the limit, or the value is dropped; never a 5xx, never an error in the log.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  auth,
  createTestStore,
  DIALECTS,
  KEYS,
  skipPostgres,
  testConfig,
  TOKENS,
} from '@klaxon/testing';
import { buildApp, FakeClock, type KlaxonDatabase } from '../index.ts';

const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
];

/** `levels` arrays, one inside the other, around 'x'. */
function nested(levels: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

interface LogLine {
  level: number;
  msg?: string;
}

type Alerts = Parameters<typeof amPayload>[0];

describe.each(DIALECTS)('untrusted values at the ingest endpoints on %s', (dialect) => {
  let app: FastifyInstance;
  let store: KlaxonDatabase;
  let logs: LogLine[];

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    logs = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logs.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    store = await createTestStore(dialect);
    ({ app } = await buildApp({
      config: testConfig(),
      store,
      clock: new FakeClock('2026-03-28T02:00:00Z'),
      processMetrics: false,
      logger: { level: 'info', stream },
    }));
  });
  afterEach(async () => {
    await app?.close();
    await store?.close();
  });

  /** pino's error (50) and fatal (60) lines. */
  const errorLogs = () => logs.filter((l) => l.level >= 50);

  const incident = async (id: number) =>
    (
      await app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: auth(TOKENS.viewer) })
    ).json();

  const webhook = (url: string, key: string, alerts: Alerts, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url, headers: auth(key), payload: { ...amPayload(alerts), ...extra } });

  const pagerDuty = (payload: Record<string, unknown>, event: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      payload: {
        routing_key: KEYS.pagerduty,
        event_action: 'trigger',
        dedup_key: 'pd-1',
        payload: { summary: 'Checkout failing', source: 'checkout', severity: 'critical', ...payload },
        ...event,
      },
    });

  const WEBHOOKS = [
    ['/api/v1/ingest/alertmanager', KEYS.alertmanager, {}],
    ['/api/v1/ingest/grafana', KEYS.grafana, { version: '1' }],
  ] as const;

  describe('label values that name Object.prototype members', () => {
    it.each(WEBHOOKS)(
      '%s accepts them as severity and tier, and tiers every alert of the webhook',
      async (url, key, extra) => {
        const alerts: Alerts = [
          { labels: { alertname: 'Critical', severity: 'critical' }, fingerprint: 'crit' },
          ...PROTOTYPE_NAMES.flatMap((name, i): Alerts => [
            { labels: { alertname: `Severity${i}`, severity: name }, fingerprint: `sev${i}` },
            { labels: { alertname: `Tier${i}`, tier: name }, fingerprint: `tier${i}` },
            {
              labels: { alertname: `Both${i}`, tier: name.toUpperCase(), severity: name },
              fingerprint: `both${i}`,
            },
          ]),
          { labels: { alertname: 'Info', tier: 'T3' }, fingerprint: 'info' },
        ];
        const res = await webhook(url, key, alerts, extra);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().accepted).toBe(alerts.length);
        expect(res.json().results[0]).toMatchObject({ outcome: 'opened', tier: 'T1' });

        const detail = await incident(res.json().results[0].incidentId as number);
        expect(detail.incident.tier).toBe('T1');
        const tiers = Object.fromEntries(
          (detail.alerts as { dedupKey: string; tier: string }[]).map((a) => [a.dedupKey, a.tier]),
        );
        // A value no table knows takes the service's default tier (monitoring and kafka: T2).
        expect(tiers).toEqual({
          crit: 'T1',
          info: 'T3',
          ...Object.fromEntries(
            PROTOTYPE_NAMES.flatMap((_n, i) => [
              [`sev${i}`, 'T2'],
              [`tier${i}`, 'T2'],
              [`both${i}`, 'T2'],
            ]),
          ),
        });
        expect(errorLogs()).toEqual([]);
      },
    );

    it('/v2/enqueue accepts them as custom_details.tier', async () => {
      for (const [i, name] of PROTOTYPE_NAMES.entries()) {
        const res = await pagerDuty({ custom_details: { tier: name } }, { dedup_key: `pd-${i}` });
        expect(res.statusCode, res.body).toBe(202);
      }
      const list = await app.inject({
        method: 'GET',
        url: '/api/v1/incidents',
        headers: auth(TOKENS.viewer),
      });
      // severity critical: T1.
      expect(list.json().incidents.map((i: { tier: string }) => i.tier)).toEqual(
        PROTOTYPE_NAMES.map(() => 'T1'),
      );
      expect(errorLogs()).toEqual([]);
    });
  });

  describe('nesting', () => {
    const DEEP = 3200;
    const cases = [
      {
        url: '/api/v1/ingest/alertmanager',
        // body (1) → extra, arrays from level 2
        send: (levels: number) =>
          webhook(
            '/api/v1/ingest/alertmanager',
            KEYS.alertmanager,
            [{ labels: { alertname: 'Deep' }, fingerprint: `am${levels}` }],
            { extra: nested(levels - 1) },
          ),
        path: 'body.extra[0]',
        code: (body: { error: { code: string } }) => body.error.code,
        ok: 200,
      },
      {
        url: '/api/v1/ingest/grafana',
        // body (1) → alerts (2) → alert (3) → values (4) → arrays from level 5
        send: (levels: number) => {
          const payload = amPayload([{ labels: { alertname: 'Deep' }, fingerprint: `g${levels}` }]);
          (payload.alerts[0] as Record<string, unknown>).values = { B: nested(levels - 4) };
          return app.inject({
            method: 'POST',
            url: '/api/v1/ingest/grafana',
            headers: auth(KEYS.grafana),
            payload: { ...payload, version: '1' },
          });
        },
        path: 'body.alerts[0].values.B[0]',
        code: (body: { error: { code: string } }) => body.error.code,
        ok: 200,
      },
      {
        url: '/v2/enqueue',
        // body (1) → payload (2) → custom_details (3) → arrays from level 4
        send: (levels: number) =>
          pagerDuty({ custom_details: { a: nested(levels - 3) } }, { dedup_key: `pd${levels}` }),
        path: 'body.payload.custom_details.a[0]',
        code: (body: { code: string }) => body.code,
        ok: 202,
      },
    ];

    it.each(cases)(
      '$url refuses 3,200 levels with 400 payload_too_deep, logs no error, and ingests afterwards',
      async ({ send, path, code, ok }) => {
        const res = await send(DEEP);
        expect(res.statusCode, res.body).toBe(400);
        expect(code(res.json())).toBe('payload_too_deep');
        expect(res.body).toContain('32 levels');
        expect(res.body).toContain(path);
        expect(errorLogs()).toEqual([]);

        const next = await send(32);
        expect(next.statusCode, next.body).toBe(ok);
      },
    );

    it.each(cases)('$url takes exactly 32 levels and refuses 33', async ({ send, code, ok }) => {
      expect((await send(32)).statusCode).toBe(ok);
      const over = await send(33);
      expect(over.statusCode, over.body).toBe(400);
      expect(code(over.json())).toBe('payload_too_deep');
    });
  });

  describe('counts', () => {
    const labels = (n: number) =>
      Object.fromEntries([['alertname', 'Many'], ...Array.from({ length: n - 1 }, (_, i) => [`l${i}`, 'v'])]);

    it.each(WEBHOOKS)(
      '%s takes 256 labels per alert and refuses 257, naming the limit',
      async (url, key, extra) => {
        expect((await webhook(url, key, [{ labels: labels(256), fingerprint: 'a' }], extra)).statusCode).toBe(
          200,
        );
        const over = await webhook(url, key, [{ labels: labels(257), fingerprint: 'b' }], extra);
        expect(over.statusCode, over.body).toBe(400);
        expect(over.json().error.code).toBe('invalid_payload');
        expect(over.json().error.details[0]).toMatchObject({
          path: 'body.alerts[0].labels',
          message: expect.stringContaining('256'),
        });
        const annotations = await webhook(
          url,
          key,
          [{ labels: { alertname: 'A' }, annotations: labels(257), fingerprint: 'c' }],
          extra,
        );
        expect(annotations.statusCode).toBe(400);
        expect(annotations.json().error.details[0].path).toBe('body.alerts[0].annotations');
      },
    );

    it('refuses more than 10,000 alerts in one webhook, naming the limit', async () => {
      // Bare alerts, so 10,001 of them stay under the 1 MiB body limit.
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: auth(KEYS.alertmanager),
        payload: {
          version: '4',
          status: 'firing',
          alerts: Array.from({ length: 10_001 }, () => ({ status: 'firing', labels: {} })),
        },
      });
      expect(res.statusCode, res.body.slice(0, 500)).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({
        path: 'body.alerts',
        message: expect.stringContaining('10000'),
      });
    });
  });

  describe('links', () => {
    const UNSAFE = [
      'javascript:alert(1)',
      ' JavaScript:alert(document.cookie)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '/relative/only',
    ];

    it.each(WEBHOOKS)(
      '%s stores no generatorURL that is not http(s), and keeps the alert',
      async (url, key, extra) => {
        const payload = {
          ...amPayload([
            ...UNSAFE.map((_u, i) => ({ labels: { alertname: `Bad${i}` }, fingerprint: `bad${i}` })),
            { labels: { alertname: 'Good' }, fingerprint: 'good' },
          ]),
          ...extra,
        };
        payload.alerts.forEach(
          (a, i) => (a.generatorURL = UNSAFE[i] ?? 'https://prometheus.example.com/graph'),
        );
        payload.alerts[0]!.annotations = { runbook_url: 'javascript:alert(1)' };
        const res = await app.inject({ method: 'POST', url, headers: auth(key), payload });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().accepted).toBe(UNSAFE.length + 1);

        const detail = await incident(res.json().results[0].incidentId as number);
        const urls = Object.fromEntries(
          (detail.alerts as { dedupKey: string; generatorUrl: string | null }[]).map((a) => [
            a.dedupKey,
            a.generatorUrl,
          ]),
        );
        expect(urls).toEqual({
          ...Object.fromEntries(UNSAFE.map((_u, i) => [`bad${i}`, null])),
          good: 'https://prometheus.example.com/graph',
        });
        // The annotation is kept as text, but never offered as the runbook link.
        const first = (detail.alerts as { dedupKey: string; annotations: Record<string, string> }[]).find(
          (a) => a.dedupKey === 'bad0',
        );
        expect(first?.annotations.runbook_url).toBe('javascript:alert(1)');
        expect(detail.context.runbookUrl).toBeNull();
        expect(detail.context.generatorUrl).toBeNull();
      },
    );

    it('/v2/enqueue stores no client_url that is not http(s), and keeps the event', async () => {
      for (const [i, clientUrl] of UNSAFE.entries()) {
        const res = await pagerDuty({}, { dedup_key: `bad${i}`, client_url: clientUrl });
        expect(res.statusCode, res.body).toBe(202);
      }
      const good = await pagerDuty({}, { dedup_key: 'good', client_url: 'https://checkout.example.com/' });
      expect(good.statusCode).toBe(202);
      const list = await app.inject({
        method: 'GET',
        url: '/api/v1/incidents',
        headers: auth(TOKENS.viewer),
      });
      const urls: Record<string, string | null> = {};
      for (const { id } of list.json().incidents as { id: number }[]) {
        const a = (await incident(id)).alerts[0] as { dedupKey: string; generatorUrl: string | null };
        urls[a.dedupKey] = a.generatorUrl;
      }
      expect(urls).toEqual({
        ...Object.fromEntries(UNSAFE.map((_u, i) => [`bad${i}`, null])),
        good: 'https://checkout.example.com/',
      });
    });
  });
});
