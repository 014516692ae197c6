import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMetrics,
  fastifyGoldenSignals,
  instrumentBedrock,
  instrumentRequestListener,
  type Exemplar,
  type Metrics,
} from '../index.ts';
import { converseOk, startFakeBedrock, type FakeBedrock } from '../../test/fake-bedrock.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';

let exporter: InMemorySpanExporter;
let provider: TracerProvider;
let exemplars: { metric: string; exemplar: Exemplar | undefined }[];
let metrics: Metrics;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  propagation.disable();
  context.disable();
});
beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  exemplars = [];
  metrics = createMetrics({
    output: {
      create: (_k, def) => (_l, _v, exemplar) => void exemplars.push({ metric: def.name, exemplar }),
    },
  });
});
afterEach(() => provider.shutdown());

async function finished(): Promise<ReadableSpan[]> {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}
const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((s) => s.kind === kind);
const ids = (s: ReadableSpan) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId });

describe('Fastify server spans', () => {
  let fake: FakeBedrock;
  beforeEach(async () => {
    fake = await startFakeBedrock(() => converseOk(3, 4));
  });
  afterEach(() => fake.close());

  it('continues the caller trace, names the span after the route, and parents the Bedrock call inside the handler', async () => {
    const bedrock = instrumentBedrock(
      new BedrockRuntimeClient({
        endpoint: fake.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
      { metrics, tracerProvider: provider },
    );
    const app = Fastify();
    await app.register(fastifyGoldenSignals, { metrics, serviceName: 'story-api', tracerProvider: provider });
    app.post('/v1/stories/:id', async () => {
      await bedrock.send(
        new ConverseCommand({ modelId: HAIKU, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      );
      return { ok: true };
    });
    app.get('/broken', async (_req, reply) => reply.code(502).send({ error: 'upstream' }));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${base}/v1/stories/42?token=secret`, {
        method: 'POST',
        headers: { traceparent: TRACEPARENT, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'a body read before the handler runs' }),
      });
      expect(res.status).toBe(200);
      expect((await fetch(`${base}/broken`)).status).toBe(502);
    } finally {
      await app.close();
      bedrock.destroy();
    }
    const spans = await finished();
    const [story, broken] = byKind(spans, SpanKind.SERVER);
    expect(story?.name).toBe('POST /v1/stories/:id');
    expect(story?.spanContext().traceId).toBe(TRACE_ID);
    expect(story?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(story?.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/v1/stories/42',
      'url.scheme': 'http',
      'http.route': '/v1/stories/:id',
      'http.response.status_code': 200,
    });
    const [call] = byKind(spans, SpanKind.CLIENT);
    expect(call?.name).toBe(`chat ${HAIKU}`);
    expect(call?.parentSpanContext?.spanId).toBe(story?.spanContext().spanId);
    expect(call?.spanContext().traceId).toBe(TRACE_ID);

    expect(broken?.name).toBe('GET /broken');
    expect(broken?.parentSpanContext).toBeUndefined();
    expect(broken?.status.code).toBe(SpanStatusCode.ERROR);
    expect(broken?.attributes['error.type']).toBe('502');

    const http = exemplars
      .filter((e) => e.metric === 'http_server_request_duration_seconds')
      .map((e) => e.exemplar);
    expect(http).toEqual([ids(story!), ids(broken!)]);
  });

  it('keeps the span active in the handler when the body arrives after the headers', async () => {
    const app = Fastify();
    await app.register(fastifyGoldenSignals, { metrics, serviceName: 'story-api', tracerProvider: provider });
    let active: string | undefined;
    app.post('/slow', () => {
      active = trace.getActiveSpan()?.spanContext().spanId;
      return Promise.resolve({});
    });
    const base = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    try {
      await new Promise<void>((done, fail) => {
        const headers = { 'content-type': 'application/json', 'content-length': '2' };
        const req = request(
          { host: base.hostname, port: base.port, path: '/slow', method: 'POST', headers },
          (res) => res.resume().on('end', done),
        );
        req.on('error', fail);
        req.write('{');
        setTimeout(() => req.end('}'), 50);
      });
    } finally {
      await app.close();
    }
    const [server] = byKind(await finished(), SpanKind.SERVER);
    expect(active).toBeDefined();
    expect(active).toBe(server?.spanContext().spanId);
  });
});

describe('node:http server spans', () => {
  it('extracts traceparent, runs the listener in the span, and names it after the route at the end', async () => {
    const app = provider.getTracer('app');
    const listener = instrumentRequestListener(
      (req, res) => {
        app.startSpan('load player').end(); // the application's own span, inside the request
        res.statusCode = req.url?.startsWith('/players/') ? 200 : 500;
        res.end();
      },
      {
        metrics,
        serviceName: 'game-api',
        tracerProvider: provider,
        route: (req) => (req.url?.startsWith('/players/') ? '/players/:id' : undefined),
      },
    );
    const server = createServer(listener);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/players/alice`, { headers: { traceparent: TRACEPARENT } });
      await fetch(`${base}/crash`);
    } finally {
      await new Promise((done) => server.close(done));
    }
    const spans = await finished();
    const [player, crash] = byKind(spans, SpanKind.SERVER);
    expect(player?.name).toBe('GET /players/:id');
    expect(player?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(player?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/players/alice',
      'http.route': '/players/:id',
      'http.response.status_code': 200,
    });
    const inner = spans.filter((s) => s.name === 'load player');
    expect(inner.map((s) => s.parentSpanContext?.spanId)).toEqual([
      player?.spanContext().spanId,
      crash?.spanContext().spanId,
    ]);
    expect(crash?.name).toBe('GET');
    expect(crash?.spanContext().traceId).not.toBe(TRACE_ID);
    expect(crash?.attributes['error.type']).toBe('500');
    expect(exemplars.map((e) => e.exemplar)).toEqual([ids(player!), ids(crash!)]);
  });
});
