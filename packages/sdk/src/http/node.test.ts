import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, instrumentRequestListener, prometheusOutput } from '../index.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const key = (method: string, route: string, status: string) =>
  seriesKey('http_server_request_duration_seconds_count', {
    service_name: 'game-api',
    http_request_method: method,
    http_route: route,
    http_response_status_code: status,
  });

function routeOf(req: IncomingMessage): string | undefined {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (path === '/health') return '/health';
  if (/^\/players\/[^/]+$/.test(path)) return '/players/:id';
  return undefined;
}

describe('instrumentRequestListener', () => {
  it('records each response of a real node:http server under its route template', async () => {
    const registry = new Registry();
    let clock = 0;
    const listener = instrumentRequestListener(
      (req, res) => {
        clock += 10;
        const route = routeOf(req);
        res.statusCode = route ? 200 : 404;
        res.end(route ?? 'not found');
      },
      {
        metrics: createMetrics({ output: prometheusOutput(registry) }),
        serviceName: 'game-api',
        route: routeOf,
        now: () => clock,
      },
    );
    const server = createServer(listener);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/health`);
      await fetch(`${base}/players/alice`);
      await fetch(`${base}/players/bob?session=xyz`);
      await fetch(`${base}/admin/../etc/passwd`);
      await fetch(`${base}/health`, { method: 'PROPFIND' });
    } finally {
      await new Promise((done) => server.close(done));
    }

    const s = await samples(registry);
    expect(only(s, 'http_server_request_duration_seconds_count')).toEqual({
      [key('GET', '/health', '200')]: 1,
      [key('GET', '/players/:id', '200')]: 2,
      [key('GET', 'unmatched', '404')]: 1,
      [key('_OTHER', '/health', '200')]: 1,
    });
    expect(s[key('GET', '/players/:id', '200').replace('_count', '_sum')]).toBeCloseTo(0.02, 9);
  });
});
