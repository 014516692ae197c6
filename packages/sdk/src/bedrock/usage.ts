/**
 * Token counts from Bedrock responses: Converse `usage`, ConverseStream `metadata.usage`, and InvokeModel,
 * whose body is the model's own format, so it is read by model family (after the token-count headers Bedrock
 * sends on every InvokeModel response).
 */
import { modelFamily } from './model-id.ts';

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
}

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' ? (v as Json) : undefined);

/** Converse `usage` and ConverseStream `metadata.usage` (`inputTokens`, `outputTokens`). */
export function converseUsage(usage: unknown): TokenUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  return { inputTokens: num(u.inputTokens), outputTokens: num(u.outputTokens) };
}

function header(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  name: string,
): number | undefined {
  if (!headers) return undefined;
  const raw = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** `X-Amzn-Bedrock-Input-Token-Count` / `-Output-Token-Count`, sent by Bedrock on InvokeModel responses. */
export function headerUsage(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): TokenUsage | undefined {
  const inputTokens = header(headers, 'x-amzn-bedrock-input-token-count');
  const outputTokens = header(headers, 'x-amzn-bedrock-output-token-count');
  return inputTokens === undefined && outputTokens === undefined ? undefined : { inputTokens, outputTokens };
}

const sum = (xs: unknown): number | undefined =>
  Array.isArray(xs) ? xs.reduce<number>((s, r) => s + (num(obj(r)?.tokenCount) ?? 0), 0) : undefined;

/** Reads the usage out of an InvokeModel response body in its model family's format. */
export function invokeBodyUsage(modelId: string, body: Json): TokenUsage | undefined {
  const usage = obj(body.usage);
  switch (modelFamily(modelId)) {
    case 'anthropic': // Messages API: usage.input_tokens / output_tokens
      return usage && { inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) };
    case 'amazon': // Nova: usage.inputTokens; Titan text: inputTextTokenCount + results[].tokenCount
      if (usage) return { inputTokens: num(usage.inputTokens), outputTokens: num(usage.outputTokens) };
      if (body.inputTextTokenCount !== undefined)
        return { inputTokens: num(body.inputTextTokenCount), outputTokens: sum(body.results) };
      return undefined;
    case 'meta': // Llama: prompt_token_count / generation_token_count
      return { inputTokens: num(body.prompt_token_count), outputTokens: num(body.generation_token_count) };
    case 'cohere': {
      const billed = obj(obj(body.meta)?.billed_units);
      return billed && { inputTokens: num(billed.input_tokens), outputTokens: num(billed.output_tokens) };
    }
    default: // OpenAI-style bodies (Mistral, DeepSeek, gpt-oss): usage.prompt_tokens / completion_tokens
      return usage && { inputTokens: num(usage.prompt_tokens), outputTokens: num(usage.completion_tokens) };
  }
}

/** The InvokeModel usage: the headers when present, else the body read by model family. */
export function invokeUsage(
  modelId: string,
  headers: Readonly<Record<string, string | undefined>> | undefined,
  body: unknown,
): TokenUsage | undefined {
  const fromHeaders = headerUsage(headers);
  if (fromHeaders) return fromHeaders;
  if (!(body instanceof Uint8Array)) return undefined;
  try {
    const parsed = obj(JSON.parse(new TextDecoder().decode(body)));
    return parsed && invokeBodyUsage(modelId, parsed);
  } catch {
    return undefined; // not JSON (an image, a stream of bytes): no token counts
  }
}

/**
 * Token counts from an InvokeModelWithResponseStream, chunk by chunk. Bedrock adds
 * `amazon-bedrock-invocationMetrics` (`inputTokenCount`, `outputTokenCount`) to the last chunk of every model;
 * when it is missing, the family's own fields: Anthropic `message_start.message.usage.input_tokens` and
 * `message_delta.usage.output_tokens` (cumulative), Nova `metadata.usage`, Llama `prompt_token_count` and
 * `generation_token_count`, Titan `inputTextTokenCount` and `totalOutputTextTokenCount`, Cohere Command R's
 * `stream-end` `response.meta.billed_units`.
 */
export class InvokeStreamUsage {
  private fromMetrics: TokenUsage | undefined;
  private readonly fromBody: TokenUsage = {};

  constructor(private readonly modelId: string) {}

  add(chunk: Json): void {
    const metrics = obj(chunk['amazon-bedrock-invocationMetrics']);
    if (metrics)
      this.fromMetrics = {
        inputTokens: num(metrics.inputTokenCount),
        outputTokens: num(metrics.outputTokenCount),
      };
    const found = this.bodyUsage(chunk);
    if (found?.inputTokens !== undefined) this.fromBody.inputTokens = found.inputTokens;
    if (found?.outputTokens !== undefined) this.fromBody.outputTokens = found.outputTokens;
  }

  private bodyUsage(chunk: Json): TokenUsage | undefined {
    switch (modelFamily(this.modelId)) {
      case 'anthropic': {
        const usage = obj(chunk.usage) ?? obj(obj(chunk.message)?.usage);
        return usage && { inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) };
      }
      case 'amazon': {
        const usage = obj(obj(chunk.metadata)?.usage);
        if (usage) return { inputTokens: num(usage.inputTokens), outputTokens: num(usage.outputTokens) };
        return {
          inputTokens: num(chunk.inputTextTokenCount),
          outputTokens: num(chunk.totalOutputTextTokenCount),
        };
      }
      case 'meta':
        return {
          inputTokens: num(chunk.prompt_token_count),
          outputTokens: num(chunk.generation_token_count),
        };
      case 'cohere': {
        const billed = obj(obj(obj(chunk.response)?.meta)?.billed_units);
        return billed && { inputTokens: num(billed.input_tokens), outputTokens: num(billed.output_tokens) };
      }
      default:
        return undefined;
    }
  }

  /** Bedrock's invocation metrics when the stream carried them, else what the chunks said, else undefined. */
  total(): TokenUsage | undefined {
    if (this.fromMetrics) return this.fromMetrics;
    const { inputTokens, outputTokens } = this.fromBody;
    return inputTokens === undefined && outputTokens === undefined ? undefined : { ...this.fromBody };
  }
}
