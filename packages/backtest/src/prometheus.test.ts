/**
 * The Prometheus client against a small fake Prometheus (node:http on 127.0.0.1) that records every
 * query_range request: chunks never exceed maxPoints steps and cover the range exactly once; a chunk
 * refused as too expensive (422, "too many samples") is split; a bad query (400 bad_data) is a
 * QueryError and is not retried; a closed port and a non-JSON answer are input errors.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusClient, QueryError } from './prometheus.ts';
import { BacktestInputError } from './time.ts';

interface RangeRequest {
  query: string;
  start: number;
  end: number;
  step: number;
}

type Answer = (r: RangeRequest) => { status: number; body: string; type?: string };

/** A matrix with one series holding a value at every step of the request. */
const everyStep: Answer = (r) => {
  const values: [number, string][] = [];
  for (let t = r.start; t <= r.end + 1e-9; t += r.step) values.push([Math.round(t * 1000) / 1000, '1']);
  return {
    status: 200,
    body: JSON.stringify({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { job: 'api' }, values }] },
    }),
  };
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function fakePrometheus(answer: Answer): Promise<{ url: string; requests: RangeRequest[] }> {
  const requests: RangeRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = new URLSearchParams(req.method === 'POST' ? raw : url.search);
      if (url.pathname !== '/api/v1/query_range') {
        res.writeHead(404).end('not found');
        return;
      }
      const r = {
        query: form.get('query') ?? '',
        start: Number(form.get('start')),
        end: Number(form.get('end')),
        step: Number(form.get('step')),
      };
      requests.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const STEP_MS = 30_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const stepsOf = (r: RangeRequest) => Math.round((r.end - r.start) / r.step) + 1;

/** The requests, in time order, tile [startMs, endMs] on the step grid: no gap, no overlap. */
function expectTiling(requests: RangeRequest[], startMs: number, endMs: number): void {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  expect(sorted[0]!.start * 1000).toBe(startMs);
  expect(sorted.at(-1)!.end * 1000).toBe(endMs);
  for (let i = 1; i < sorted.length; i++)
    expect(Math.round(sorted[i]!.start * 1000)).toBe(Math.round(sorted[i - 1]!.end * 1000) + STEP_MS);
}

describe('query_range chunks', () => {
  it('never asks for more than maxPoints steps and covers the range exactly once', async () => {
    const prom = await fakePrometheus(everyStep);
    const steps = 1234; // not a multiple of the chunk size
    const endMs = START + (steps - 1) * STEP_MS;
    let chunks = 0;
    const series = await new PrometheusClient(prom.url).range({
      query: 'up == 0',
      startMs: START,
      endMs,
      stepMs: STEP_MS,
      maxPoints: 100,
      onChunk: () => chunks++,
    });
    expect(prom.requests.length).toBe(Math.ceil(steps / 100));
    expect(chunks).toBe(prom.requests.length);
    for (const r of prom.requests) {
      expect(stepsOf(r)).toBeLessThanOrEqual(100);
      expect(r).toMatchObject({ query: 'up == 0', step: STEP_MS / 1000 });
    }
    expectTiling(prom.requests, START, endMs);
    // One series, each step once, in order.
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toEqual({ job: 'api' });
    expect(series[0]!.times).toEqual(Array.from({ length: steps }, (_, i) => START + i * STEP_MS));
  });

  it('asks once for a range shorter than one chunk', async () => {
    const prom = await fakePrometheus(everyStep);
    await new PrometheusClient(prom.url).range({
      query: 'x',
      startMs: START,
      endMs: START,
      stepMs: STEP_MS,
      maxPoints: 100,
    });
    expect(prom.requests.map(stepsOf)).toEqual([1]);
  });

  it('splits a chunk Prometheus refuses with "too many samples" until the pieces pass', async () => {
    const LIMIT = 15;
    const prom = await fakePrometheus((r) =>
      stepsOf(r) > LIMIT
        ? {
            status: 422,
            body: JSON.stringify({
              status: 'error',
              errorType: 'execution',
              error: 'query processing would load too many samples into memory in query execution',
            }),
          }
        : everyStep(r),
    );
    const steps = 80;
    const endMs = START + (steps - 1) * STEP_MS;
    const series = await new PrometheusClient(prom.url).range({
      query: 'heavy',
      startMs: START,
      endMs,
      stepMs: STEP_MS,
      maxPoints: 40,
    });
    const accepted = prom.requests.filter((r) => stepsOf(r) <= LIMIT);
    const refused = prom.requests.filter((r) => stepsOf(r) > LIMIT);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of prom.requests) expect(stepsOf(r)).toBeLessThanOrEqual(40);
    expectTiling(accepted, START, endMs);
    expect(series[0]!.times).toEqual(Array.from({ length: steps }, (_, i) => START + i * STEP_MS));
  });

  it('turns a bad query (400 bad_data) into QueryError query_invalid, without splitting it', async () => {
    const prom = await fakePrometheus(() => ({
      status: 400,
      body: JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: '1:5: parse error: unexpected ")"',
      }),
    }));
    const err = await new PrometheusClient(prom.url)
      .range({ query: 'up)', startMs: START, endMs: START + 999 * STEP_MS, stepMs: STEP_MS, maxPoints: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err).toMatchObject({ code: 'query_invalid', message: expect.stringContaining('parse error') });
    expect(prom.requests).toHaveLength(1);
  });
});

describe('a wrong --prometheus', () => {
  it('is prometheus_unreachable when nothing listens on the port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await new PrometheusClient(`http://127.0.0.1:${port}`)
      .range({ query: 'up', startMs: START, endMs: START + STEP_MS, stepMs: STEP_MS, maxPoints: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacktestInputError);
    expect(err).toMatchObject({ code: 'prometheus_unreachable' });
  });

  it('is prometheus_bad_answer when the server answers something that is not JSON', async () => {
    const prom = await fakePrometheus(() => ({
      status: 200,
      body: '<html>Grafana</html>',
      type: 'text/html',
    }));
    const err = await new PrometheusClient(prom.url)
      .range({ query: 'up', startMs: START, endMs: START + STEP_MS, stepMs: STEP_MS, maxPoints: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacktestInputError);
    expect(err).toMatchObject({ code: 'prometheus_bad_answer' });
  });

  it('is bad_prometheus_url for something that is not an http(s) URL', () => {
    expect(() => new PrometheusClient('prometheus:9090:x')).toThrow(BacktestInputError);
    expect(() => new PrometheusClient('ftp://prometheus')).toThrow(/http/);
  });
});
