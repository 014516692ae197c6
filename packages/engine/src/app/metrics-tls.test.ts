/**
 * `server.metrics.webConfigFile` on real sockets: the metrics port serves HTTPS from Prometheus's web.yml,
 * takes its basic_auth_users beside the bearer tokens, and a bad file or a missing port stops the start.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, freePort, freshDatabase, testConfig, TOKENS } from '@klaxon/testing';
import { basicAuth, bcryptHash, httpsGet, makePki } from '../../../exporters/test/tls.ts';
import { startServer, type RunningServer } from './server.ts';

const SCRAPE = 'scrape-token-0123456789abcdef';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('server.metrics.webConfigFile', () => {
  it('serves /metrics over HTTPS on its port, to the scrape token, API tokens and basic_auth_users', async () => {
    const pki = makePki();
    const webFile = join(pki.dir, 'web.yml');
    writeFileSync(
      webFile,
      `tls_server_config: { cert_file: server.crt, key_file: server.key }\nbasic_auth_users:\n  prometheus: '${bcryptHash('pw-0123456789')}'\n`,
    );
    const [main, metrics] = [await freePort(), await freePort()];
    server = await startServer({
      config: testConfig(
        `server: { metrics: { token: '${SCRAPE}', port: ${metrics}, webConfigFile: '${webFile}' } }\n`,
      ),
      database: await freshDatabase('sqlite'),
      port: main,
      host: '127.0.0.1',
    });
    const url = `https://127.0.0.1:${metrics}/metrics`;
    expect((await httpsGet(url, pki)).status).toBe(401);
    const scraped = await httpsGet(url, pki, { headers: auth(SCRAPE) });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('klaxon_incidents');
    expect((await httpsGet(url, pki, { headers: auth(TOKENS.viewer) })).status).toBe(200);
    expect((await httpsGet(url, pki, { headers: basicAuth('prometheus', 'pw-0123456789') })).status).toBe(
      200,
    );
    expect((await httpsGet(url, pki, { headers: basicAuth('prometheus', 'wrong') })).status).toBe(401);
    // Plain HTTP on the metrics port gets nothing; the main port stays plain HTTP.
    await expect(fetch(`http://127.0.0.1:${metrics}/metrics`, { headers: auth(SCRAPE) })).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${main}/healthz`)).status).toBe(200);
  });

  it('refuses a web config file without a metrics port, and a bad file, naming the fix', async () => {
    expect(() => testConfig(`server: { metrics: { webConfigFile: /etc/klaxon/web.yml } }\n`)).toThrow(
      /server.metrics.webConfigFile: webConfigFile applies to the metrics listener of its own: set server.metrics.port too/,
    );
    const pki = makePki();
    const webFile = join(pki.dir, 'web.yml');
    writeFileSync(
      webFile,
      'tls_server_config: { cert_file: server.crt, key_file: server.key, http2: true }\n',
    );
    const [main, metrics] = [await freePort(), await freePort()];
    await expect(
      startServer({
        config: testConfig(`server: { metrics: { port: ${metrics}, webConfigFile: '${webFile}' } }\n`),
        database: await freshDatabase('sqlite'),
        port: main,
        host: '127.0.0.1',
      }),
    ).rejects.toThrow(
      /server.metrics.webConfigFile is invalid:\n {2}.*web.yml:1:\d+: tls_server_config: unknown key "http2"; remove it/,
    );
  });
});
