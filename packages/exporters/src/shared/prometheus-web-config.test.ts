/**
 * One web configuration file for Prometheus and for Klaxon's exporters: real Prometheus 2.42 started with
 * `--web.config.file` (a certificate from `openssl`, a bcrypt user) and an exporter's metrics server with
 * the same file both refuse a request without credentials (401) and serve it with them (200), over HTTPS;
 * and Prometheus scrapes the exporter with those credentials (`up == 1`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Gauge, Registry } from 'prom-client';
import { loadWebConfig } from '@klaxon/config-file';
import { startPrometheus, type RunningService } from '@klaxon/demo';
import { findBinary, freePort, missingBinary, waitFor } from '@klaxon/testing';
import { basicAuth, bcryptHash, httpsGet, makePki } from '../../test/tls.ts';
import { startMetricsServer, type MetricsServer } from './server.ts';

const skip = missingBinary(['prometheus'], 'prometheus');
const [USER, PASSWORD] = ['prometheus', 'scrape-password-42'];

let prometheus: RunningService | undefined;
let exporter: MetricsServer | undefined;
afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

describe.skipIf(skip)('the same web.yml for Prometheus 2.42 and a Klaxon exporter', () => {
  it('both answer 401 without credentials and 200 with them, over HTTPS', async () => {
    const pki = makePki();
    const webFile = join(pki.dir, 'web.yml');
    // Relative file names: both resolve them against the web.yml's folder.
    writeFileSync(
      webFile,
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: server.key',
        '  min_version: TLS12',
        'http_server_config:',
        '  headers:',
        '    X-Content-Type-Options: nosniff',
        'basic_auth_users:',
        `  ${USER}: '${bcryptHash(PASSWORD)}'`,
        '',
      ].join('\n'),
    );
    const registry = new Registry();
    new Gauge({ name: 'klaxon_web_config_test', help: 'test', registers: [registry] }).set(1);
    exporter = await startMetricsServer({
      registry,
      port: 0,
      host: '127.0.0.1',
      auth: { web: loadWebConfig(webFile) },
    });
    const credentials = basicAuth(USER, PASSWORD);
    const port = await freePort();
    prometheus = await startPrometheus({
      bin: findBinary(['prometheus'])!,
      dir: join(pki.dir, 'prometheus'),
      port,
      web: {
        file: webFile,
        https: true,
        probe: async (url) => (await httpsGet(url, pki, { headers: credentials })).status === 200,
      },
      config: {
        global: { scrape_interval: '1s', scrape_timeout: '1s' },
        scrape_configs: [
          {
            job_name: 'klaxon-exporter',
            scheme: 'https',
            tls_config: { ca_file: pki.ca },
            basic_auth: { username: USER, password: PASSWORD },
            static_configs: [{ targets: [new URL(exporter.url).host] }],
          },
        ],
      },
    });
    expect(prometheus.url).toMatch(/^https:/);

    for (const url of [`${prometheus.url}/metrics`, `${exporter.url}/metrics`]) {
      const refused = await httpsGet(url, pki);
      expect(refused.status, url).toBe(401);
      expect(refused.headers['www-authenticate'], url).toMatch(/^Basic/);
      const wrong = await httpsGet(url, pki, { headers: basicAuth(USER, 'wrong-password') });
      expect(wrong.status, url).toBe(401);
      const ok = await httpsGet(url, pki, { headers: credentials });
      expect(ok.status, url).toBe(200);
      expect(ok.headers['x-content-type-options'], url).toBe('nosniff');
    }

    // Prometheus scrapes the exporter with the file's user, over HTTPS that trusts the CA.
    const up = await waitFor('Prometheus to scrape the exporter', async () => {
      const r = await httpsGet(
        `${prometheus!.url}/api/v1/query?query=${encodeURIComponent('up{job="klaxon-exporter"}')}`,
        pki,
        { headers: credentials },
      );
      const result = (JSON.parse(r.body) as { data: { result: { value: [number, string] }[] } }).data.result;
      return result[0]?.value[1] === '1' ? result : undefined;
    });
    expect(up).toHaveLength(1);
  }, 60_000);
});
