/**
 * SDK overhead per instrumented call (issue 8). Two measurements, each against its bare baseline in the same
 * process: (1) recording one GenAI operation (duration + input and output token usage) through the SDK, with
 * its cardinality guards, against three bare prom-client `Histogram.observe` calls with the same labels and
 * buckets; (2) a Converse call through a real `BedrockRuntimeClient` whose request handler answers from
 * memory, with and without `instrumentBedrock`, so the figure is the middleware's cost per call.
 */
import { Readable } from 'node:stream';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { Histogram, Registry } from 'prom-client';
import {
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
  createMetrics,
  genAiMetrics,
  instrumentBedrock,
  prometheusOutput,
} from '../packages/sdk/src/index.ts';

const MODELS = [
  'anthropic.claude-3-5-haiku-20241022-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
] as const;
const RECORD_OPS = Number(process.env.BENCH_SDK_OPS ?? 1_000_000);
const CALL_OPS = Number(process.env.BENCH_SDK_CALLS ?? 2_000);
const ROUNDS = 7;

export interface SdkRow {
  path: string;
  baseline: string;
  nsPerOp: number;
  baselineNsPerOp: number;
}

type Run = (n: number) => void | Promise<void>;

async function timed(n: number, run: Run): Promise<number> {
  const started = process.hrtime.bigint();
  await run(n);
  return Number(process.hrtime.bigint() - started) / n;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * ns per op of `measured` and `baseline`: both warmed up, then run in alternating rounds so drift (JIT, GC,
 * CPU frequency) falls on both alike; the median round of each.
 */
async function compare(n: number, measured: Run, baseline: Run): Promise<[number, number]> {
  await measured(Math.max(1, Math.floor(n / 2)));
  await baseline(Math.max(1, Math.floor(n / 2)));
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await timed(n, baseline));
    a.push(await timed(n, measured));
  }
  return [median(a), median(b)];
}

function bareRecord(): (n: number) => void {
  const registry = new Registry();
  const labelNames = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'];
  const duration = new Histogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: 'd',
    labelNames,
    buckets: [...OPERATION_DURATION_BUCKETS],
    registers: [registry],
  });
  const tokens = new Histogram({
    name: 'gen_ai_client_token_usage',
    help: 't',
    labelNames: [...labelNames.slice(0, 3), 'gen_ai_token_type'],
    buckets: [...TOKEN_USAGE_BUCKETS],
    registers: [registry],
  });
  return (n) => {
    for (let i = 0; i < n; i++) {
      const model = MODELS[i % 3]!;
      duration.observe(
        { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'aws.bedrock', gen_ai_request_model: model },
        0.2 + (i % 50) / 10,
      );
      tokens.observe(
        {
          gen_ai_operation_name: 'chat',
          gen_ai_provider_name: 'aws.bedrock',
          gen_ai_request_model: model,
          gen_ai_token_type: 'input',
        },
        100 + (i % 700),
      );
      tokens.observe(
        {
          gen_ai_operation_name: 'chat',
          gen_ai_provider_name: 'aws.bedrock',
          gen_ai_request_model: model,
          gen_ai_token_type: 'output',
        },
        20 + (i % 300),
      );
    }
  };
}

function sdkRecord(): (n: number) => void {
  const genAi = genAiMetrics(createMetrics({ output: prometheusOutput(new Registry()) }));
  return (n) => {
    for (let i = 0; i < n; i++) {
      genAi.recordOperation({
        provider: 'aws.bedrock',
        operation: 'chat',
        model: MODELS[i % 3]!,
        durationSeconds: 0.2 + (i % 50) / 10,
        inputTokens: 100 + (i % 700),
        outputTokens: 20 + (i % 300),
      });
    }
  };
}

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

export async function benchSdk(log: (s: string) => void): Promise<SdkRow[]> {
  log(`sdk: ${RECORD_OPS} GenAI operations, SDK vs bare prom-client, ${ROUNDS} rounds`);
  const [sdk, bare] = await compare(RECORD_OPS, sdkRecord(), bareRecord());

  const plain = inMemoryClient();
  const instrumented = instrumentBedrock(inMemoryClient(), {
    metrics: createMetrics({ output: prometheusOutput(new Registry()) }),
  });
  log(`sdk: ${CALL_OPS} Converse calls, instrumented vs plain client, ${ROUNDS} rounds`);
  const [instrumentedCall, plainCall] = await compare(
    CALL_OPS,
    converseCalls(instrumented),
    converseCalls(plain),
  );
  plain.destroy();
  instrumented.destroy();
  return [
    {
      path: '`genAiMetrics().recordOperation` (duration + 2 token points, guarded)',
      baseline: '3 × bare prom-client `Histogram.observe`, same labels and buckets',
      nsPerOp: sdk,
      baselineNsPerOp: bare,
    },
    {
      path: '`client.send(ConverseCommand)` with `instrumentBedrock`',
      baseline: 'the same client without it (in-memory request handler)',
      nsPerOp: instrumentedCall,
      baselineNsPerOp: plainCall,
    },
  ];
}

export function sdkMarkdown(rows: SdkRow[]): string {
  const [record, call] = rows;
  const extra = call ? call.nsPerOp - call.baselineNsPerOp : 0;
  return [
    `Median of ${ROUNDS} alternating rounds after a warm-up, in one process. The first row is the recording cost alone; the second is`,
    'a whole Converse call through a real `BedrockRuntimeClient` (serialisation, signing, deserialisation) with an',
    'in-memory request handler, so the difference is what the middleware adds to a call.',
    '',
    '| Path | ns/op | Baseline | ns/op | Ratio |',
    '| --- | ---: | --- | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.path} | ${r.nsPerOp.toFixed(0)} | ${r.baseline} | ${r.baselineNsPerOp.toFixed(0)} | ${(r.nsPerOp / r.baselineNsPerOp).toFixed(2)}× |`,
    ),
    '',
    record && call
      ? `Recording costs ${record.nsPerOp.toFixed(0)} ns per operation against ${record.baselineNsPerOp.toFixed(0)} ns bare. On a whole call the middleware's difference is ${(extra / 1000).toFixed(1)} µs, against a call that costs ${(call.baselineNsPerOp / 1000).toFixed(0)} µs in the SDK alone (a real Bedrock call takes hundreds of milliseconds); a difference near zero or below it is within the run-to-run noise.`
      : '',
  ].join('\n');
}
