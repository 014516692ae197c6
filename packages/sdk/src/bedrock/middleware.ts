/**
 * `instrumentBedrock`: middleware on a `BedrockRuntimeClient`'s stack, so call sites do not change. It records
 * the GenAI semconv metrics for Converse, ConverseStream and InvokeModel, time to first token, throttles (one
 * per HTTP attempt) and, with a price table, cost. Other commands pass through untouched.
 *
 * Two middlewares: one at `initialize` (once per call, SDK retries included in the latency) and one at
 * `deserialize` (once per HTTP attempt: throttles, and InvokeModel's token-count headers).
 */
import type { CostCalculator } from '../cost/cost.ts';
import { genAiMetrics } from '../genai/genai.ts';
import { errorType, type GenAiOperationName } from '../genai/semconv.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { BedrockCall, THROTTLING, type CallInstruments } from './call.ts';
import { COST, THROTTLES, TIME_TO_FIRST_TOKEN } from './metrics.ts';
import { observeStream } from './stream.ts';
import { converseUsage, invokeUsage } from './usage.ts';

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
}

type CommandKind = 'converse' | 'stream' | 'invoke';

const COMMANDS: Readonly<Record<string, CommandKind>> = {
  ConverseCommand: 'converse',
  ConverseStreamCommand: 'stream',
  InvokeModelCommand: 'invoke',
};

const instrumented = new WeakSet<object>();

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body.subarray(0, 4096));
  return '';
}

/** Converse is `chat`; an InvokeModel body is the model's own: embeddings, messages (chat) or a prompt. */
function operationOf(kind: CommandKind, modelId: string, body: unknown): GenAiOperationName {
  if (kind !== 'invoke') return 'chat';
  if (/embed/i.test(modelId)) return 'embeddings';
  return bodyText(body).includes('"messages"') ? 'chat' : 'text_completion';
}

function headersOf(response: unknown): Readonly<Record<string, string | undefined>> | undefined {
  const headers = (response as { headers?: unknown } | undefined)?.headers;
  return headers && typeof headers === 'object' ? (headers as Record<string, string>) : undefined;
}

/**
 * Adds the metrics middleware to `client` (once; a second call is a no-op) and returns the client.
 *
 * @example
 * const client = instrumentBedrock(new BedrockRuntimeClient({ region: 'us-east-1' }), { metrics });
 * await client.send(new ConverseCommand({ modelId, messages })); // recorded
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
  };
  const calls = new WeakMap<HandlerContext, BedrockCall>();
  const stack = client.middlewareStack;
  const add = stack.add.bind(stack) as unknown as AddMiddleware;

  add(
    (next, context) => async (args) => {
      const kind = COMMANDS[context.commandName ?? ''];
      if (!kind) return next(args);
      const input = args.input as { modelId?: unknown; body?: unknown };
      const model = typeof input.modelId === 'string' && input.modelId ? input.modelId : 'unknown';
      const call = new BedrockCall(tools, model, operationOf(kind, model, input.body));
      calls.set(context, call);
      let result: HandlerOutput;
      try {
        result = await next(args);
      } catch (err) {
        call.fail(err);
        throw err;
      }
      const output = result.output as Record<string, unknown>;
      if (kind === 'converse') call.succeed(converseUsage(output.usage));
      else if (kind === 'invoke') call.succeed(invokeUsage(model, call.headers, output.body));
      else if (output.stream && typeof output.stream === 'object' && Symbol.asyncIterator in output.stream)
        output.stream = observeStream(output.stream as AsyncIterable<Record<string, unknown>>, call);
      else call.succeed(undefined);
      return result;
    },
    { step: 'initialize', name: 'klaxonBedrockMetrics', priority: 'high' },
  );

  add(
    (next, context) => async (args) => {
      const call = calls.get(context);
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
