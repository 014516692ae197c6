/**
 * Span attributes read from Bedrock requests and responses (GenAI semconv, see span.ts): the request's
 * parameters in each model family's spelling, and from an InvokeModel body or stream chunk its model, id,
 * finish reason and generated text.
 */
import type { Attributes } from '@opentelemetry/api';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' ? (v as Json) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const first = (v: unknown): Json | undefined => (Array.isArray(v) ? obj(v[0]) : undefined);

const pick = (sources: (Json | undefined)[], keys: string[]): unknown => {
  for (const s of sources) for (const k of keys) if (s && s[k] !== undefined) return s[k];
  return undefined;
};

/**
 * `gen_ai.request.*` from a Converse input (`inferenceConfig`) or a parsed InvokeModel body (Anthropic and
 * Mistral `max_tokens`, Llama `max_gen_len`, Titan `textGenerationConfig.maxTokenCount`, Nova
 * `inferenceConfig.max_new_tokens` …), and the guardrail id when one is applied.
 */
export function requestAttributes(input: Json, body: Json | undefined): Attributes {
  const sources = [
    obj(input.inferenceConfig),
    body,
    obj(body?.textGenerationConfig),
    obj(body?.inferenceConfig),
  ];
  const out: Attributes = {};
  const maxTokens = num(
    pick(sources, ['maxTokens', 'max_tokens', 'max_gen_len', 'maxTokenCount', 'max_new_tokens']),
  );
  const temperature = num(pick(sources, ['temperature']));
  const topP = num(pick(sources, ['topP', 'top_p', 'p']));
  const topK = num(pick(sources, ['topK', 'top_k', 'k']));
  const stop = pick(sources, ['stopSequences', 'stop_sequences', 'stop']);
  if (maxTokens !== undefined) out['gen_ai.request.max_tokens'] = maxTokens;
  if (temperature !== undefined) out['gen_ai.request.temperature'] = temperature;
  if (topP !== undefined) out['gen_ai.request.top_p'] = topP;
  if (topK !== undefined) out['gen_ai.request.top_k'] = topK;
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string'))
    out['gen_ai.request.stop_sequences'] = stop.slice(0, 16);
  const guardrail = str(input.guardrailIdentifier) ?? str(obj(input.guardrailConfig)?.guardrailIdentifier);
  if (guardrail !== undefined) out['aws.bedrock.guardrail.id'] = guardrail;
  return out;
}

export interface InvokeFacts {
  responseModel?: string;
  responseId?: string;
  finishReason?: string;
  text?: string;
}

/** What an InvokeModel body (or one chunk of a streamed one) says about the response, by model family. */
export function invokeFacts(json: Json): InvokeFacts {
  const message = obj(json.message); // Anthropic message_start chunk
  const delta = obj(json.delta); // Anthropic message_delta / content_block_delta chunk
  const result = first(json.results) ?? first(json.outputs) ?? first(json.generations) ?? first(json.choices);
  return {
    responseModel: str(json.model) ?? str(message?.model),
    responseId: str(json.id) ?? str(message?.id),
    finishReason:
      str(json.stop_reason) ??
      str(delta?.stop_reason) ??
      str(json.stopReason) ??
      str(json.completionReason) ??
      str(obj(json.messageStop)?.stopReason) ??
      str(result?.completionReason) ??
      str(result?.stop_reason) ??
      str(result?.finish_reason) ??
      str(json.finish_reason),
    text: textOf(json, delta, result),
  };
}

function textOf(json: Json, delta: Json | undefined, result: Json | undefined): string | undefined {
  if (Array.isArray(json.content))
    // Anthropic Messages body
    return json.content.map((b) => (obj(b)?.type === 'text' ? (str(obj(b)?.text) ?? '') : '')).join('');
  const novaMessage = obj(obj(json.output)?.message); // Nova body
  if (novaMessage && Array.isArray(novaMessage.content))
    return novaMessage.content.map((b) => str(obj(b)?.text) ?? '').join('');
  return (
    str(delta?.text) ?? // Anthropic content_block_delta
    str(obj(obj(json.contentBlockDelta)?.delta)?.text) ?? // Nova chunk
    str(json.generation) ?? // Llama
    str(json.outputText) ?? // Titan chunk
    str(json.text) ?? // Cohere Command R
    str(result?.outputText) ?? // Titan body
    str(result?.text) ?? // Mistral, Cohere Command
    str(obj(result?.message)?.content) ?? // OpenAI-style body
    str(obj(result?.delta)?.content) // OpenAI-style chunk
  );
}
