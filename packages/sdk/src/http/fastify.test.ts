import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, fastifyGoldenSignals, prometheusOutput } from '../index.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const key = (suffix: string, method: string, route: string, status: string) =>
  seriesKey(`http_server_request_duration_seconds_${suffix}`, {
    service_name: 'story-api',
    http_request_method: method,
    http_route: route,
    http_response_status_code: status,
  });

describe('fastifyGoldenSignals', () => {
  it('records route templates, methods and statuses from a real listening server', async () => {
    const registry = new Registry();
    let clock = 0;
    const app = Fastify();
    await app.register(fastifyGoldenSignals, {
      metrics: createMetrics({ output: prometheusOutput(registry) }),
      serviceName: 'story-api',
      now: () => clock,
    });
    await app.register(
      (scoped, _opts, done) => {
        scoped.get('/stories/:id', () => {
          clock += 30;
          return { ok: true };
        });
        scoped.post('/stories', async (_req, reply) => {
          clock += 120;
          return reply.code(503).send({ error: 'busy' });
        });
        done();
      },
      { prefix: '/v1' },
    );
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${base}/v1/stories/42`)).status).toBe(200);
      expect((await fetch(`${base}/v1/stories/user-7-secret`)).status).toBe(200);
      expect((await fetch(`${base}/v1/stories`, { method: 'POST' })).status).toBe(503);
      expect((await fetch(`${base}/no/such/page?token=abc`)).status).toBe(404);
    } finally {
      await app.close();
    }

    const s = await samples(registry);
    expect(only(s, 'http_server_request_duration_seconds_count')).toEqual({
      [key('count', 'GET', '/v1/stories/:id', '200')]: 2,
      [key('count', 'POST', '/v1/stories', '503')]: 1,
      [key('count', 'GET', 'unmatched', '404')]: 1,
    });
    expect(s[key('sum', 'GET', '/v1/stories/:id', '200')]).toBeCloseTo(0.06, 9);
    expect(s[key('sum', 'POST', '/v1/stories', '503')]).toBeCloseTo(0.12, 9);
    const bucket = (le: string) =>
      s[
        seriesKey('http_server_request_duration_seconds_bucket', {
          service_name: 'story-api',
          http_request_method: 'POST',
          http_route: '/v1/stories',
          http_response_status_code: '503',
          le,
        })
      ];
    expect(bucket('0.1')).toBe(0);
    expect(bucket('0.25')).toBe(1);
  });
});
