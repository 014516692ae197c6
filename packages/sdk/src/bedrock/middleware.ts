/**
 * `instrumentBedrock`: middleware on a `BedrockRuntimeClient`'s stack, so call sites do not change. It records
 * the GenAI semconv metrics for Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream, time to
 * first token, throttles (one per HTTP attempt), failures by class and, with a price table, cost; and one
 * client span per call (span.ts). Other commands pass through untouched.
 *
 * Two middlewares: one at `initialize` (once per call, SDK retries included in the latency and the span) and
 * one at `deserialize` (once per HTTP attempt: throttles, and InvokeModel's token-count headers).
 */
import { context as otelContext, trace, type TracerProvider } from '@opentelemetry/api';
import type { CostCalculator } from '../cost/cost.ts';
import { genAiMetrics } from '../genai/genai.ts';
import { errorType, type GenAiOperationName } from '../genai/semconv.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { captureContentEnabled, sdkTracer } from '../tracing/tracing.ts';
import { BedrockCall, THROTTLING, type CallInstruments } from './call.ts';
import { COST, THROTTLES, TIME_TO_FIRST_TOKEN } from './metrics.ts';
import { converseResult, invokeResult, startCallSpan } from './span.ts';
import { observeConverseStream, observeInvokeStream } from './stream.ts';

// The slice of the AWS SDK's middleware types this module needs (the SDK is an optional peer dependency).
interface HandlerArgs {
  input: object;
  request?: unknown;
}
interface HandlerOutput {
  output?: object;
  response?: unknown;
}
type Handler = (args: HandlerArgs) => Promise<HandlerOutput>;
interface HandlerContext {
  commandName?: string;
}
type Middleware = (next: Handler, context: HandlerContext) => Handler;

interface AddOptions<Step extends string> {
  step: Step;
  name: string;
  priority?: 'high' | 'normal' | 'low';
}

type AddMiddleware = (middleware: Middleware, options: AddOptions<'initialize' | 'deserialize'>) => void;

/**
 * Any AWS SDK v3 client; in practice `BedrockRuntimeClient`. Its `add` is a set of overloads per step, which
 * no single signature here can match, so only its presence is checked.
 */
export interface BedrockClientLike {
  middlewareStack: { add: (...args: never[]) => void };
}

export interface BedrockInstrumentationOptions {
  metrics: Metrics;
  /** When given, `bedrock_client_cost_usd_total` is recorded from token counts and this calculator. */
  cost?: CostCalculator;
  /** Monotonic milliseconds; `performance.now` unless a test injects a clock. */
  now?: () => number;
  /** Where spans go; the global provider (a no-op until the application registers one) unless given. */
  tracerProvider?: TracerProvider;
  /**
   * Record prompts and completions on the spans (`gen_ai.input.messages` …, size-bounded). Off unless `true`
   * here or, when not given, `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
   */
  captureContent?: boolean;
}

type CommandKind = 'converse' | 'stream' | 'invoke' | 'invoke-stream';
const COMMANDS: ReadonlyMap<string, CommandKind> = new Map<string, CommandKind>([
  ['ConverseCommand', 'converse'],
  ['ConverseStreamCommand', 'stream'],
  ['InvokeModelCommand', 'invoke'],
  ['InvokeModelWithResponseStreamCommand', 'invoke-stream'],
]);

const instrumented = new WeakSet<object>();

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body.subarray(0, 4096));
  return '';
}

/** Converse is `chat`; an InvokeModel body is the model's own: embeddings, messages (chat) or a prompt. */
function operationOf(kind: CommandKind, modelId: string, body: unknown): GenAiOperationName {
  if (kind === 'converse' || kind === 'stream') return 'chat';
  if (/embed/i.test(modelId)) return 'embeddings';
  return bodyText(body).includes('"messages"') ? 'chat' : 'text_completion';
}

function isAsyncIterable(v: unknown): v is AsyncIterable<Record<string, unknown>> {
  return Boolean(v) && typeof v === 'object' && Symbol.asyncIterator in (v as object);
}

function headersOf(response: unknown): Readonly<Record<string, string | undefined>> | undefined {
  const headers = (response as { headers?: unknown } | undefined)?.headers;
  return headers && typeof headers === 'object' ? (headers as Record<string, string>) : undefined;
}

/**
 * Adds the metrics and tracing middleware to `client` (once; a second call is a no-op) and returns the client.
 *
 * @example
 * const client = instrumentBedrock(new BedrockRuntimeClient({ region: 'us-east-1' }), { metrics });
 * await client.send(new ConverseCommand({ modelId, messages })); // recorded, and a span under the active one
 */
export function instrumentBedrock<C extends BedrockClientLike>(
  client: C,
  options: BedrockInstrumentationOptions,
): C {
  if (instrumented.has(client)) return client;
  instrumented.add(client);
  const { metrics } = options;
  const tools: CallInstruments = {
    genAi: genAiMetrics(metrics),
    timeToFirstToken: metrics.histogram(TIME_TO_FIRST_TOKEN),
    throttles: metrics.counter(THROTTLES),
    cost: options.cost && { calculator: options.cost, counter: metrics.counter(COST) },
    now: options.now ?? (() => performance.now()),
    captureContent: captureContentEnabled(options.captureContent),
  };
  const tracer = sdkTracer(options.tracerProvider);
  const calls = new WeakMap<HandlerContext, BedrockCall>();
  const stack = client.middlewareStack;
  const add = stack.add.bind(stack) as unknown as AddMiddleware;

  add(
    (next, handlerContext) => async (args) => {
      const kind = COMMANDS.get(handlerContext.commandName ?? '');
      if (!kind) return next(args);
      const input = args.input as Record<string, unknown>;
      const model = typeof input.modelId === 'string' && input.modelId ? input.modelId : 'unknown';
      const operation = operationOf(kind, model, input.body);
      const parent = otelContext.active();
      const span = startCallSpan(tracer, parent, operation, model, input, tools.captureContent);
      const call = new BedrockCall(tools, model, operation, span);
      calls.set(handlerContext, call);
      let result: HandlerOutput;
      try {
        result = await otelContext.with(trace.setSpan(parent, span), () => next(args));
      } catch (err) {
        call.fail(err);
        throw err;
      }
      const output = result.output as Record<string, unknown>;
      if (kind === 'converse') call.succeed(converseResult(output, call.captureContent));
      else if (kind === 'invoke') {
        const needBody = span.isRecording() || input.guardrailIdentifier !== undefined;
        call.succeed(invokeResult(model, call.headers, output, needBody, call.captureContent));
      } else if (kind === 'stream' && isAsyncIterable(output.stream))
        output.stream = observeConverseStream(output.stream, call);
      else if (kind === 'invoke-stream' && isAsyncIterable(output.body))
        output.body = observeInvokeStream(output.body, call, model);
      else call.succeed({});
      return result;
    },
    { step: 'initialize', name: 'klaxonBedrockMetrics', priority: 'high' },
  );

  add(
    (next, handlerContext) => async (args) => {
      const call = calls.get(handlerContext);
      if (!call) return next(args);
      try {
        const result = await next(args);
        call.headers = headersOf(result.response);
        return result;
      } catch (err) {
        if (errorType(err) === THROTTLING) call.throttled();
        throw err;
      }
    },
    { step: 'deserialize', name: 'klaxonBedrockAttempts', priority: 'high' },
  );
  return client;
}
