/**
 * Property-based tests: malformed, oversized and hostile payloads at every ingest endpoint never cause
 * a 5xx, and the process keeps serving.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  amPayload,
  auth,
  buildTestApp,
  DIALECTS,
  freshDatabase,
  KEYS,
  skipPostgres,
  testConfig,
} from '@klaxon/testing';
import { startServer, type RunningServer } from '../app/server.ts';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

const ENDPOINTS = [
  { url: '/api/v1/ingest/alertmanager', headers: auth(KEYS.alertmanager) },
  { url: '/api/v1/ingest/grafana', headers: auth(KEYS.grafana) },
  { url: '/v2/enqueue', headers: {} },
] as const;

const validBodies: Record<string, unknown> = {
  '/api/v1/ingest/alertmanager': amPayload([
    { labels: { alertname: 'A', service: 'kafka' }, fingerprint: 'f1' },
  ]),
  '/api/v1/ingest/grafana': {
    ...amPayload([{ labels: { alertname: 'G' }, fingerprint: 'g1' }]),
    version: '1',
  },
  '/v2/enqueue': {
    routing_key: KEYS.pagerduty,
    event_action: 'trigger',
    dedup_key: 'd',
    payload: { summary: 's', source: 'src', severity: 'critical' },
  },
};

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    '\u0000',
    '\uD800',
    'T1',
    'critical',
    '0001-01-01T00:00:00Z',
    'null',
    '',
  ),
  fc.string({ minLength: 2000, maxLength: 20_000 }),
);
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A valid body with one field somewhere replaced by something hostile, or removed. */
function mutate(body: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  if (body === null || typeof body !== 'object') return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(body)
    ? [...(body as unknown[])]
    : { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || path.length === 0) return replacement;
  const key = keys[path[0]! % keys.length]!;
  if (path.length === 1 && remove) delete (copy as Record<string, unknown>)[key];
  else
    (copy as Record<string, unknown>)[key] = mutate(
      (copy as Record<string, unknown>)[key],
      path.slice(1),
      replacement,
      remove,
    );
  return copy;
}

// Generous: when a property fails, shrinking re-runs it many times before it reports the counterexample.
describe.each(DIALECTS)('hostile input at every ingest endpoint on %s', { timeout: 120_000 }, (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!skipPostgres(dialect)) t = await buildTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach((ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
  });

  const endpoint = fc.constantFrom(...ENDPOINTS);

  it('never answers 5xx to arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(endpoint, hostileValue, async (ep, body) => {
        const res = await t.app.inject({
          method: 'POST',
          url: ep.url,
          headers: { ...ep.headers, 'content-type': 'application/json' },
          payload: JSON.stringify(body) ?? 'null',
        });
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx to a valid payload with one field mutated or removed', async () => {
    await fc.assert(
      fc.asyncProperty(
        endpoint,
        fc.array(fc.nat(20), { minLength: 1, maxLength: 5 }),
        hostileValue,
        fc.boolean(),
        async (ep, path, replacement, remove) => {
          const body = mutate(validBodies[ep.url], path, replacement, remove);
          const res = await t.app.inject({
            method: 'POST',
            url: ep.url,
            headers: ep.headers,
            payload: body as object,
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400 && ep.url !== '/v2/enqueue')
            expect(res.json().error.code).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never answers 5xx to raw bytes under any content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        endpoint,
        fc.oneof(
          fc.string({ maxLength: 4000 }),
          fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          '',
        ),
        async (ep, raw, type) => {
          const res = await t.app.inject({
            method: 'POST',
            url: ep.url,
            headers: { ...ep.headers, ...(type ? { 'content-type': type } : {}) },
            payload: raw,
          });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses prototype-poisoning bodies with a 400', async () => {
    for (const ep of ENDPOINTS) {
      const res = await t.app.inject({
        method: 'POST',
        url: ep.url,
        headers: { ...ep.headers, 'content-type': 'application/json' },
        payload: '{"__proto__":{"polluted":true},"version":"4"}',
      });
      expect(res.statusCode).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hostile traffic on a real socket', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      config: testConfig(),
      database: await freshDatabase('sqlite'),
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const raw = (text: string) =>
    new Promise<string>((resolve) => {
      const { port } = new URL(server.url);
      const sock = connect(Number(port), '127.0.0.1', () => sock.end(text));
      let out = '';
      sock.on('data', (d: Buffer) => (out += d.toString()));
      sock.on('close', () => resolve(out));
      sock.on('error', () => resolve(out));
      sock.setTimeout(3000, () => sock.destroy());
    });

  it('stays up through malformed HTTP, lying lengths and oversized bodies', async () => {
    const key = KEYS.alertmanager;
    const attacks = [
      'GARBAGE\r\n\r\n',
      `POST /api/v1/ingest/alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
      `POST /api/v1/ingest/alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      `POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n${'['.repeat(1000)}`,
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n${'{"a":'.repeat(4000)}`,
    ];
    const answers = await Promise.all(attacks.map(raw));
    for (const a of answers) expect(a).not.toMatch(/^HTTP\/1\.1 5\d\d/);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ok = await fetch(`${server.url}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: { ...auth(key), 'content-type': 'application/json' },
      body: JSON.stringify(validBodies['/api/v1/ingest/alertmanager']),
    });
    expect(ok.status).toBe(200);
  });
});
