/**
 * The exemplar round trip through real Prometheus 2.42 (`--enable-feature=exemplar-storage`): an HTTP server
 * exposes an SDK registry as OpenMetrics, a GenAI operation and a narrative generation are recorded inside an
 * active span of a real TracerProvider, Prometheus scrapes them, and `/api/v1/query_exemplars` gives the
 * span's trace id back on both latency histograms.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry, type OpenMetricsContentType } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningService } from '@klaxon/demo';
import { findBinary, freePort, missingBinary, waitFor } from '@klaxon/testing';
import { createMetrics, genAiMetrics, narrativeMetrics, prometheusOutput } from '../src/index.ts';
import { startTestTracing } from './active-span.ts';

const skip = missingBinary(['prometheus'], 'prometheus');

interface QueriedExemplars {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string }[];
}

let prometheus: RunningService | undefined;
let server: Server | undefined;
const tracing = startTestTracing();
afterAll(async () => {
  await prometheus?.stop();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await tracing.stop();
});

/** Serves the registry at /metrics and remembers what the scraper asked for. */
async function serve(registry: Registry<OpenMetricsContentType>, accepts: string[]): Promise<string> {
  const port = await freePort();
  server = createServer((req, res) => {
    accepts.push(req.headers.accept ?? '');
    void registry.metrics().then((body) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
  return `127.0.0.1:${port}`;
}

async function queryExemplars(url: string, query: string): Promise<QueriedExemplars[]> {
  const nowS = Date.now() / 1000;
  const params = new URLSearchParams({ query, start: String(nowS - 600), end: String(nowS + 600) });
  const res = await fetch(`${url}/api/v1/query_exemplars?${params.toString()}`);
  const body = (await res.json()) as { status: string; data: QueriedExemplars[] };
  if (body.status !== 'success') throw new Error(`query_exemplars: ${JSON.stringify(body)}`);
  return body.data;
}

describe.skipIf(skip)('exemplars through real Prometheus', () => {
  it('reads the span’s trace id back through /api/v1/query_exemplars', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const metrics = createMetrics({ output: prometheusOutput(registry) });
    const genAi = genAiMetrics(metrics);
    const narrative = narrativeMetrics<'quest'>(metrics);
    const ids = tracing.inSpan(tracing.tracer, (span) => {
      genAi.recordOperation({
        provider: 'aws.bedrock',
        operation: 'chat',
        model: 'amazon.nova-micro-v1:0',
        durationSeconds: 3.2,
        inputTokens: 120,
        outputTokens: 40,
      });
      narrative.recordGeneration('quest', 4.2, 'ok');
      return span.spanContext();
    });
    expect(tracing.exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).toEqual([ids.traceId]);

    const accepts: string[] = [];
    const target = await serve(registry, accepts);
    const dir = mkdtempSync(join(tmpdir(), 'klaxon-sdk-exemplars-'));
    prometheus = await startPrometheus({
      bin: findBinary(['prometheus'])!,
      dir,
      port: await freePort(),
      args: ['--enable-feature=exemplar-storage'],
      config: {
        global: { scrape_interval: '1s', scrape_timeout: '1s' },
        scrape_configs: [{ job_name: 'sdk', static_configs: [{ targets: [target] }] }],
      },
    });
    const url = prometheus.url;

    const latency = await waitFor('the latency exemplar in Prometheus', async () => {
      const data = await queryExemplars(url, 'gen_ai_client_operation_duration_seconds_bucket');
      return data.length > 0 ? data : undefined;
    });
    expect(latency).toHaveLength(1);
    expect(latency[0]!.seriesLabels).toMatchObject({
      __name__: 'gen_ai_client_operation_duration_seconds_bucket',
      gen_ai_request_model: 'amazon.nova-micro-v1:0',
      le: '5.12',
    });
    expect(latency[0]!.exemplars.map((e) => [e.labels, Number(e.value)])).toEqual([
      [{ trace_id: ids.traceId, span_id: ids.spanId }, 3.2],
    ]);

    const story = await queryExemplars(
      url,
      'narrative_generation_duration_seconds_bucket{story_type="quest"}',
    );
    expect(story.map((s) => [s.seriesLabels.le, s.exemplars.map((e) => e.labels.trace_id)])).toEqual([
      ['5', [ids.traceId]],
    ]);
    // Prometheus asked for OpenMetrics first, which is what the registry serves.
    expect(accepts[0]).toMatch(/^application\/openmetrics-text/);
  });
});
