/**
 * `server.metrics.port` on real sockets: /metrics moves to a listener of its own (so a NetworkPolicy can
 * admit Prometheus by port), still needs its token there, is gone from the main port, and closes with it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { auth, freePort, freshDatabase, testConfig, TOKENS } from '@klaxon/testing';
import { startServer, type RunningServer } from './server.ts';

const SCRAPE = 'scrape-token-0123456789abcdef';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = (port: number, path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, { headers });

describe('server.metrics.port', () => {
  it('serves /metrics on its own port only, with the same credential check', async () => {
    const [main, metrics] = [await freePort(), await freePort()];
    server = await startServer({
      config: testConfig(`server: { metrics: { token: '${SCRAPE}', port: ${metrics} } }\n`),
      database: await freshDatabase('sqlite'),
      port: main,
      host: '127.0.0.1',
    });
    const scraped = await get(metrics, '/metrics', auth(SCRAPE));
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('klaxon_incidents');
    expect((await get(metrics, '/metrics')).status).toBe(401);
    expect((await get(metrics, '/metrics', auth(TOKENS.viewer))).status).toBe(200);

    // The main port no longer answers /metrics; the metrics port answers nothing else.
    const onMain = await get(main, '/metrics', auth(SCRAPE));
    expect(onMain.status).toBe(404);
    expect(((await onMain.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    expect((await get(main, '/healthz')).status).toBe(200);
    expect((await get(metrics, '/healthz')).status).toBe(404);
    expect((await get(metrics, '/api/v1/incidents', auth(TOKENS.viewer))).status).toBe(404);

    await server.close();
    server = undefined;
    await expect(get(metrics, '/metrics', auth(SCRAPE))).rejects.toThrow();
  });

  it('keeps /metrics on the main port when it is not set', async () => {
    const main = await freePort();
    server = await startServer({
      config: testConfig(`server: { metrics: { token: '${SCRAPE}' } }\n`),
      database: await freshDatabase('sqlite'),
      port: main,
      host: '127.0.0.1',
    });
    expect(server.metricsApp).toBeUndefined();
    expect((await get(main, '/metrics', auth(SCRAPE))).status).toBe(200);
  });

  it('refuses the main port as the metrics port, saying what to do', async () => {
    const main = await freePort();
    await expect(
      startServer({
        config: testConfig(`server: { metrics: { port: ${main} } }\n`),
        database: await freshDatabase('sqlite'),
        port: main,
        host: '127.0.0.1',
      }),
    ).rejects.toThrow(/server.metrics.port is \d+, the main port too: choose another port/);
  });
});
