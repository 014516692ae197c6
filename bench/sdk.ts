/**
 * SDK overhead per instrumented call (issues 8 and 21). Each measurement against its bare baseline in the same
 * process: (1) recording one GenAI operation (duration + input and output token usage) through the SDK, with
 * its cardinality guards, against three bare prom-client `Histogram.observe` calls with the same labels and
 * buckets: on a Prometheus text registry (no exemplars), then on an OpenMetrics registry with exemplars with
 * tracing off (no active span) and on (each operation inside its own sampled span of a real TracerProvider),
 * each configuration in fresh processes (bench/sdk-record.ts); (2) a Converse call through a real
 * `BedrockRuntimeClient` whose request handler answers from memory, with and without `instrumentBedrock`, so
 * the figure is the middleware's cost per call.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { Registry } from 'prom-client';
import { createMetrics, instrumentBedrock, prometheusOutput } from '../packages/sdk/src/index.ts';
import {
  MODELS,
  RECORD_ROWS,
  ROUNDS,
  compare,
  openMetricsRegistry,
  tracing,
  type RecordRow,
} from './sdk-record.ts';

export interface SdkRow {
  id: 'record' | 'record-off' | 'record-on' | 'call' | 'call-on';
  path: string;
  baseline: string;
  nsPerOp: number;
  baselineNsPerOp: number;
  /** The recording rows: each process's ratio, in the order they ran. */
  ratios?: number[];
}

const CALL_OPS = Number(process.env.BENCH_SDK_CALLS ?? 2_000);

const CONVERSE_BODY = JSON.stringify({
  output: { message: { role: 'assistant', content: [{ text: 'Once upon a time' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 120, outputTokens: 40, totalTokens: 160 },
  metrics: { latencyMs: 250 },
});

/** A client whose requests never leave the process: the handler answers a canned Converse response. */
function inMemoryClient(): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: () =>
        Promise.resolve({
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: Readable.from([Buffer.from(CONVERSE_BODY)]),
          },
        }),
    },
  });
}

function converseCalls(client: BedrockRuntimeClient): (n: number) => Promise<void> {
  const messages = [{ role: 'user' as const, content: [{ text: 'Tell me a story' }] }];
  return async (n) => {
    for (let i = 0; i < n; i++) await client.send(new ConverseCommand({ modelId: MODELS[i % 3], messages }));
  };
}

const PROCESSES = Number(process.env.BENCH_SDK_PROCESSES ?? 3);
const RECORD_SCRIPT = fileURLToPath(new URL('./sdk-record.ts', import.meta.url));

interface Measured {
  nsPerOp: number;
  baselineNsPerOp: number;
}

/** One recording configuration measured in a fresh process (see bench/sdk-record.ts). */
function recordInProcess(row: RecordRow): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@klaxon/source', RECORD_SCRIPT, row],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`bench/sdk-record.ts ${row} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as Measured);
    });
  });
}

/** Each recording configuration in `PROCESSES` processes, taken in turn; per row, the median process by ratio. */
async function recordRows(
  log: (s: string) => void,
): Promise<Map<RecordRow, Measured & { ratios: number[] }>> {
  const runs = new Map<RecordRow, Measured[]>(RECORD_ROWS.map((r) => [r, []]));
  for (let p = 0; p < PROCESSES; p++) {
    for (const row of RECORD_ROWS) {
      const m = await recordInProcess(row);
      runs.get(row)!.push(m);
      log(`sdk: ${row}, process ${p + 1}/${PROCESSES}: ${(m.nsPerOp / m.baselineNsPerOp).toFixed(2)}×`);
    }
  }
  const ratio = (m: Measured) => m.nsPerOp / m.baselineNsPerOp;
  return new Map(
    [...runs].map(([row, ms]) => {
      const sorted = [...ms].sort((a, b) => ratio(a) - ratio(b));
      return [row, { ...sorted[Math.floor(sorted.length / 2)]!, ratios: ms.map(ratio) }];
    }),
  );
}

export async function benchSdk(log: (s: string) => void): Promise<SdkRow[]> {
  log(
    `sdk: GenAI operations, SDK vs bare prom-client, 3 configurations × ${PROCESSES} processes × ${ROUNDS} rounds`,
  );
  const recorded = await recordRows(log);
  const traced = tracing();

  const plain = inMemoryClient();
  const instrumented = instrumentBedrock(inMemoryClient(), {
    metrics: createMetrics({ output: prometheusOutput(new Registry()) }),
  });
  const withSpans = instrumentBedrock(inMemoryClient(), {
    metrics: createMetrics({ output: prometheusOutput(openMetricsRegistry()) }),
    tracerProvider: traced.provider,
  });
  log(
    `sdk: ${CALL_OPS} Converse calls, instrumented (untraced, traced) vs plain client, 2 × ${ROUNDS} rounds`,
  );
  const [callOff, plainOff] = await compare(CALL_OPS, converseCalls(instrumented), converseCalls(plain));
  const [callOn, plainOn] = await compare(CALL_OPS, converseCalls(withSpans), converseCalls(plain));
  for (const c of [plain, instrumented, withSpans]) c.destroy();
  await traced.stop();

  const record = '`genAiMetrics().recordOperation` (duration + 2 token points, guarded)';
  const bareText = '3 × bare prom-client `Histogram.observe`, same labels and buckets';
  const call = '`client.send(ConverseCommand)` with `instrumentBedrock`';
  const plainText = 'the same client without it (in-memory request handler)';
  const measured = (id: RecordRow) => {
    const m = recorded.get(id)!;
    return { nsPerOp: m.nsPerOp, baselineNsPerOp: m.baselineNsPerOp, ratios: m.ratios };
  };
  return [
    { id: 'record', path: `${record}; Prometheus text registry`, baseline: bareText, ...measured('record') },
    {
      id: 'record-off',
      path: `${record}; OpenMetrics registry, exemplars on, tracing off (no active span)`,
      baseline: bareText,
      ...measured('record-off'),
    },
    {
      id: 'record-on',
      path: `${record}; OpenMetrics registry, exemplars on, tracing on (each operation in its own sampled span of a real TracerProvider)`,
      baseline: `${bareText}, each operation in the same span contexts`,
      ...measured('record-on'),
    },
    {
      id: 'call',
      path: `${call}; no tracing`,
      baseline: plainText,
      nsPerOp: callOff,
      baselineNsPerOp: plainOff,
    },
    {
      id: 'call-on',
      path: `${call}; \`tracerProvider\` (a span per call, exported to a discarding exporter) and exemplars on`,
      baseline: plainText,
      nsPerOp: callOn,
      baselineNsPerOp: plainOn,
    },
  ];
}

export function sdkMarkdown(rows: SdkRow[]): string {
  const row = (id: SdkRow['id']) => rows.find((r) => r.id === id);
  const ratio = (r: SdkRow | undefined) => (r ? (r.nsPerOp / r.baselineNsPerOp).toFixed(2) : '?');
  const [off, on, call, callOn] = [row('record-off'), row('record-on'), row('call'), row('call-on')];
  const extra = (r: SdkRow | undefined) => (r ? ((r.nsPerOp - r.baselineNsPerOp) / 1000).toFixed(1) : '?');
  return [
    `Each figure is the median of ${ROUNDS} alternating rounds after a warm-up, against its baseline in the same process. The first three`,
    `rows are the recording cost alone (issue 21 asks tracing on ≤ 1.5× bare prom-client per operation), each configuration in`,
    `${PROCESSES} fresh processes that load only the SDK, prom-client and OpenTelemetry, as an instrumented service does (the row shows the`,
    'median process; every process’s ratio is listed below). Where the tracing-on time went before (CPU profile and',
    'variants one at a time): reading the active span of each operation’s own context, about 0.25× by itself (a lookup',
    'through that context’s map, cold in the cache when each operation has its own context), when prom-client’s',
    'observation is about 1.0×; the SDK now asks its per-bucket throttle first and reads the span only when an exemplar is',
    'due, and outside every context asks nothing more (tracing on was 1.40× and 1.48× in the last runs before that change).',
    'The last two rows are a whole Converse call through a real',
    '`BedrockRuntimeClient` (serialisation, signing, deserialisation) with an in-memory request handler, so the difference is',
    'what the middleware adds to a call. "Tracing on" runs each operation inside its own sampled span of a real',
    '`TracerProvider` (`@opentelemetry/sdk-trace`, AsyncLocalStorage context manager; 1,024 spans in turn), so the',
    'duration histogram takes the trace as an exemplar (at most one per bucket and series a second; token usage carries',
    'none). Its baseline enters the same span contexts, so the ratio is what the SDK adds when tracing is on, not what',
    'entering a context costs the application.',
    '',
    '| Path | ns/op | Baseline | ns/op | Ratio |',
    '| --- | ---: | --- | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.path} | ${r.nsPerOp.toFixed(0)} | ${r.baseline} | ${r.baselineNsPerOp.toFixed(0)} | ${(r.nsPerOp / r.baselineNsPerOp).toFixed(2)}× |`,
    ),
    '',
    `Recording with tracing on: ${ratio(on)}× bare prom-client per operation (target ≤ 1.5×); with tracing off: ${ratio(off)}×.`,
    `Every process's ratio: ${['record', 'record-off', 'record-on']
      .map((id) => `${id} ${(row(id as SdkRow['id'])?.ratios ?? []).map((x) => x.toFixed(2)).join(', ')}`)
      .join('; ')}.`,
    `On a whole call the middleware's difference is ${extra(call)} µs without tracing and ${extra(callOn)} µs with a span per call,`,
    `against a call that costs ${call ? (call.baselineNsPerOp / 1000).toFixed(0) : '?'} µs in the AWS SDK alone (a real Bedrock call takes hundreds of`,
    'milliseconds); a difference near zero or below it is within the run-to-run noise.',
  ].join('\n');
}
