/**
 * The HTTP surface's own protections, through app.inject on SQLite: /metrics needs a credential, request
 * logs never carry query-string secrets, HSTS is sent only over HTTPS, and the client address is taken
 * from X-Forwarded-For only when a trusted proxy sent it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, createTestStore, testConfig, TOKENS } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import { buildApp } from './build.ts';
import { redactUrl } from '../http/server.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const SCRAPE = 'scrape-token-0123456789abcdef';

let t: App | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const scrape = (app: App, headers: Record<string, string> = {}) =>
  app.app.inject({ method: 'GET', url: '/metrics', headers });

describe('GET /metrics needs a credential (finding 5)', () => {
  it('answers 401 without a token or with a wrong one, 200 with an API token or the scrape token', async () => {
    t = await buildTestApp('sqlite', { configExtra: `server: { metrics: { token: '${SCRAPE}' } }\n` });
    const none = await scrape(t);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('missing_credentials');
    expect(none.json().error.message).toContain('server.metrics.token');
    expect(none.body).not.toContain('klaxon_');
    const wrong = await scrape(t, auth('not-a-real-token-0123456789'));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_credentials');

    const api = await scrape(t, auth(TOKENS.viewer));
    expect(api.statusCode).toBe(200);
    expect(api.body).toContain('klaxon_incidents');
    const token = await scrape(t, auth(SCRAPE));
    expect(token.statusCode).toBe(200);
    expect(token.headers['content-type']).toMatch(/^text\/plain/);
    expect(token.body).toContain('klaxon_incidents');
  });

  it('answers 401 with only API tokens configured and no Authorization header', async () => {
    t = await buildTestApp('sqlite');
    expect((await scrape(t)).statusCode).toBe(401);
    expect((await scrape(t, auth(TOKENS.admin))).statusCode).toBe(200);
  });

  it('reads the scrape token from server.metrics.tokenFile', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'klaxon-metrics-')), 'token');
    writeFileSync(file, `${SCRAPE}\n`);
    t = await buildTestApp('sqlite', {
      configExtra: `server: { metrics: { tokenFile: '${file}' } }\n`,
    });
    expect((await scrape(t)).statusCode).toBe(401);
    expect((await scrape(t, auth(SCRAPE))).statusCode).toBe(200);
  });

  it('is open only with server.metrics.public: true', async () => {
    t = await buildTestApp('sqlite', { configExtra: 'server: { metrics: { public: true } }\n' });
    const res = await scrape(t);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('klaxon_incidents');
  });
});

describe('request logs (finding 14)', () => {
  it('redacts secrets in the query string of every logged URL', async () => {
    const lines: string[] = [];
    const store = await createTestStore('sqlite');
    const built = await buildApp({
      config: testConfig(),
      store,
      clock: new FakeClock('2026-03-28T02:00:00Z'),
      processMetrics: false,
      logger: { level: 'info', stream: { write: (s: string) => void lines.push(s) } },
    });
    try {
      const urls = [
        '/api/v1/schedules/primary/calendar.ics?token=feed-secret-value-1&from=2026-03-01',
        '/api/v1/ingest/sns?key=sns-secret-value-2',
        '/auth/oidc/callback?code=oidc-secret-value-3&state=oidc-secret-value-4',
        '/anything?api_key=secret-value-5&clientSecret=secret-value-6&X-Amz-Signature=secret-value-7&page=2',
        '/anything?access_token=secret-value-8&password=secret-value-9&sig=secret-value-10',
      ];
      for (const url of urls) await built.app.inject({ method: 'GET', url });
      const log = lines.join('');
      expect(log).toContain('incoming request');
      expect(log).not.toMatch(/secret-value/);
      expect(log).toContain('token=[redacted]');
      expect(log).toContain('key=[redacted]');
      expect(log).toContain('from=2026-03-01');
      expect(log).toContain('page=2');
    } finally {
      await built.app.close();
      await store.close();
    }
  });

  it('keeps the path and the harmless parameters as they were', () => {
    expect(redactUrl('/a/b')).toBe('/a/b');
    expect(redactUrl('/a?x=1&Token=s&y')).toBe('/a?x=1&Token=[redacted]&y');
    expect(redactUrl('/a?my%5Fsecret=s&monkey=1')).toBe('/a?my%5Fsecret=[redacted]&monkey=[redacted]');
    expect(redactUrl('/a?tier=T1&service=kafka')).toBe('/a?tier=T1&service=kafka');
  });
});

describe('Strict-Transport-Security (extra)', () => {
  const get = (app: App, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'GET', url: '/healthz', remoteAddress, headers });

  it('is never sent over plain http by default, even when an untrusted peer claims https', async () => {
    t = await buildTestApp('sqlite');
    expect((await get(t, '127.0.0.1')).headers['strict-transport-security']).toBeUndefined();
    const spoofed = await get(t, '203.0.113.9', { 'x-forwarded-proto': 'https' });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });

  it('is sent when a trusted proxy says the request came over https', async () => {
    t = await buildTestApp('sqlite', { configExtra: "server: { trustedProxies: ['10.0.0.0/8'] }\n" });
    const viaProxy = await get(t, '10.1.2.3', { 'x-forwarded-proto': 'https' });
    expect(viaProxy.headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await get(t, '10.1.2.3')).headers['strict-transport-security']).toBeUndefined();
    const untrusted = await get(t, '203.0.113.9', { 'x-forwarded-proto': 'https' });
    expect(untrusted.headers['strict-transport-security']).toBeUndefined();
  });

  it('is always sent with server.hsts: true, and never with false', async () => {
    t = await buildTestApp('sqlite', { configExtra: 'server: { hsts: true }\n' });
    expect((await get(t, '127.0.0.1')).headers['strict-transport-security']).toBe('max-age=31536000');
    await t.close();
    t = await buildTestApp('sqlite', {
      configExtra: "server: { hsts: false, trustedProxies: ['10.1.2.3'] }\n",
    });
    const https = await get(t, '10.1.2.3', { 'x-forwarded-proto': 'https' });
    expect(https.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('server.trustedProxies (finding 10)', () => {
  it('rejects an entry that is not an address, a CIDR range or a proxy-addr keyword', () => {
    expect(() => testConfig("server: { trustedProxies: ['10.0.0.0/33'] }\n")).toThrow(/trustedProxies/);
    expect(() => testConfig("server: { trustedProxies: ['proxy.example.com'] }\n")).toThrow(/trustedProxies/);
    expect(
      testConfig("server: { trustedProxies: ['loopback', '10.0.0.1', 'fd00::/8'] }\n").server,
    ).toMatchObject({ trustedProxies: ['loopback', '10.0.0.1', 'fd00::/8'] });
  });
});
