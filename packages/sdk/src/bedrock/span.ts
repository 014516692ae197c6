/**
 * The client span of one Bedrock call, after the OpenTelemetry GenAI semantic conventions (Development status;
 * semantic-conventions v1.37.0 docs/gen-ai/gen-ai-spans.md and aws-bedrock.md, the attribute names of the
 * `@opentelemetry/semantic-conventions` 1.45 incubating entry): name `{gen_ai.operation.name}
 * {gen_ai.request.model}`, kind CLIENT, `gen_ai.provider.name` `aws.bedrock`. Prompts and completions
 * (`gen_ai.input.messages`, `gen_ai.system_instructions`, `gen_ai.output.messages`) are Opt-In and recorded
 * only with capture enabled. Also the results of a call read from its response (`converseResult`, `invokeResult`).
 */
import { SpanKind, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { isContentFiltered } from '../genai/failures.ts';
import { PROVIDER_AWS_BEDROCK, type GenAiOperationName } from '../genai/semconv.ts';
import { invokeFacts, requestAttributes } from './attributes.ts';
import type { CallResult } from './call.ts';
import { boundedJson, converseOutput, requestContent, textOutput } from './content.ts';
import { converseUsage, headerUsage, invokeBodyUsage } from './usage.ts';

type Json = Record<string, unknown>;

/** Bodies larger than this are not parsed for attributes (an image or a long document). */
const MAX_PARSED_BODY_BYTES = 256 * 1024;
const decoder = new TextDecoder();

/** A request or response body as JSON, when it is small JSON; else undefined. */
export function parseBody(body: unknown): Json | undefined {
  let text: string;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array && body.byteLength <= MAX_PARSED_BODY_BYTES)
    text = decoder.decode(body);
  else return undefined;
  if (text.length > MAX_PARSED_BODY_BYTES) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the call's span under `parent`, with the request's attributes (and content, when captured). */
export function startCallSpan(
  tracer: Tracer,
  parent: Context,
  operation: GenAiOperationName,
  model: string,
  input: Json,
  captureContent: boolean,
): Span {
  const span = tracer.startSpan(
    `${operation} ${model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': operation,
        'gen_ai.provider.name': PROVIDER_AWS_BEDROCK,
        'gen_ai.request.model': model,
      },
    },
    parent,
  );
  if (!span.isRecording()) return span; // not sampled: no parsing at all
  const body = input.body === undefined ? undefined : parseBody(input.body);
  span.setAttributes(requestAttributes(input, body));
  if (captureContent) {
    const { messages, system } = requestContent(body ?? input);
    span.setAttribute('gen_ai.input.messages', boundedJson(messages));
    if (system) span.setAttribute('gen_ai.system_instructions', boundedJson(system));
  }
  return span;
}

/** A Converse response's result. */
export function converseResult(output: Json, captureContent: boolean): CallResult {
  return {
    usage: converseUsage(output.usage),
    finishReason: typeof output.stopReason === 'string' ? output.stopReason : undefined,
    contentFiltered: isContentFiltered(output),
    output: captureContent ? converseOutput(output) : undefined,
  };
}

/**
 * An InvokeModel response's result: tokens from the headers, else the body by model family. The body is parsed
 * only when needed: no token headers, a guardrail applied, or a recording span.
 */
export function invokeResult(
  model: string,
  headers: Readonly<Record<string, string | undefined>> | undefined,
  output: Json,
  needBody: boolean,
  captureContent: boolean,
): CallResult {
  const fromHeaders = headerUsage(headers);
  const json = fromHeaders && !needBody ? undefined : parseBody(output.body);
  if (!json) return { usage: fromHeaders };
  const facts = invokeFacts(json);
  return {
    usage: fromHeaders ?? invokeBodyUsage(model, json),
    responseModel: facts.responseModel,
    responseId: facts.responseId,
    finishReason: facts.finishReason,
    contentFiltered: isContentFiltered(json),
    output:
      captureContent && facts.text !== undefined ? textOutput(facts.text, facts.finishReason) : undefined,
  };
}
