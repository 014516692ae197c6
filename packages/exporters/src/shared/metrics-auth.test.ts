/** An exporter's /metrics behind each kind of credential, on real sockets: token, basic auth, HTTPS, mTLS. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Gauge, Registry } from 'prom-client';
import { parseWebConfig } from '@klaxon/config-file';
import { basicAuth, bcryptHash, httpsGet, makePki } from '../../test/tls.ts';
import { readTokenFile } from './metrics-auth.ts';
import { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './server.ts';

const TOKEN = 'scrape-token-0123456789abcdef';
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(auth: MetricsServerOptions['auth']): Promise<MetricsServer> {
  const registry = new Registry();
  new Gauge({ name: 'klaxon_test_up', help: 'test', registers: [registry] });
  server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1', ...(auth ? { auth } : {}) });
  return server;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('startMetricsServer with credentials', () => {
  it('answers 401 with a Bearer challenge without the token, 200 with it; /healthz stays open', async () => {
    const s = await serve({ tokens: [TOKEN] });
    const none = await get(`${s.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await get(`${s.url}/metrics`, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await get(`${s.url}/metrics`, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    const ok = await get(`${s.url}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('klaxon_test_up');
    expect((await get(`${s.url}/healthz`)).status).toBe(200);
  });

  it('serves anyone when no credential is configured (the CLI keeps that on loopback)', async () => {
    const s = await serve(undefined);
    expect((await get(`${s.url}/metrics`)).status).toBe(200);
  });

  it('takes basic auth against the bcrypt hashes of basic_auth_users, or the token', async () => {
    const web = parseWebConfig(
      `basic_auth_users:\n  prometheus: '${bcryptHash('s3cret-pw')}'\n`,
      '/x/web.yml',
    );
    const s = await serve({ tokens: [TOKEN], web });
    const none = await get(`${s.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics", Basic realm="metrics"');
    expect((await get(`${s.url}/metrics`, basicAuth('prometheus', 's3cret-pw'))).status).toBe(200);
    // Again: the verified credential is cached, still 200; a wrong password or user is still refused.
    expect((await get(`${s.url}/metrics`, basicAuth('prometheus', 's3cret-pw'))).status).toBe(200);
    expect((await get(`${s.url}/metrics`, basicAuth('prometheus', 'wrong'))).status).toBe(401);
    expect((await get(`${s.url}/metrics`, basicAuth('grafana', 's3cret-pw'))).status).toBe(401);
    expect((await get(`${s.url}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('serves HTTPS with tls_server_config, and the response headers of http_server_config', async () => {
    const pki = makePki();
    const web = parseWebConfig(
      [
        'tls_server_config:',
        `  cert_file: ${pki.serverCert}`,
        `  key_file: ${pki.serverKey}`,
        '  min_version: TLS12',
        '  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]',
        'http_server_config:',
        '  headers:',
        '    X-Content-Type-Options: nosniff',
      ].join('\n'),
      join(pki.dir, 'web.yml'),
    );
    const s = await serve({ tokens: [TOKEN], web });
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const none = await httpsGet(`${s.url}/metrics`, pki);
    expect(none.status).toBe(401);
    expect(none.headers['x-content-type-options']).toBe('nosniff');
    const ok = await httpsGet(`${s.url}/metrics`, pki, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('klaxon_test_up');
    // Plain HTTP to the HTTPS port gets no metrics.
    await expect(fetch(`${s.url.replace('https', 'http')}/metrics`)).rejects.toThrow();
  });

  it('with RequireAndVerifyClientCert, refuses a client without a certificate at the handshake', async () => {
    const pki = makePki();
    const web = parseWebConfig(
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: server.key',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  client_ca_file: ca.crt',
      ].join('\n'),
      join(pki.dir, 'web.yml'),
    );
    const s = await serve({ web });
    await expect(httpsGet(`${s.url}/metrics`, pki)).rejects.toThrow();
    const ok = await httpsGet(`${s.url}/metrics`, pki, { clientCert: true });
    expect(ok.status).toBe(200);
  });

  it('reads the token file and names the file, never the token, when it is unusable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-token-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    expect(readTokenFile(join(dir, 'token'))).toBe(TOKEN);
    writeFileSync(join(dir, 'short'), 'hunter2\n');
    const short = () => readTokenFile(join(dir, 'short'));
    expect(short).toThrow(/short holds fewer than 16 characters; use a token of at least 16/);
    expect(short).not.toThrow(/hunter2/);
    expect(() => readTokenFile(join(dir, 'missing'))).toThrow(/cannot read the metrics token file .*missing/);
  });
});
