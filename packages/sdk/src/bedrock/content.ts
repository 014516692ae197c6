/**
 * Prompt and completion content for spans, only when capture is enabled: Bedrock's request and response shapes
 * turned into the GenAI semconv's `gen_ai.input.messages`, `gen_ai.output.messages` and
 * `gen_ai.system_instructions` (JSON strings on the span, as the semconv asks while span attributes cannot hold
 * structures), with every text part and the whole attribute bounded in size.
 */
type Json = Record<string, unknown>;

/** Characters kept of one text part, and of all text parts of one attribute together. */
export const MAX_PART_CHARS = 4096;
export const MAX_ATTRIBUTE_CHARS = 16384;
const MAX_MESSAGES = 64;

type Part = { type: 'text'; content: string } | { type: string; id?: string; name?: string };
export interface ChatMessage {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A Converse content block, or an Anthropic/Nova/OpenAI-style one, as a semconv part. */
function partOf(block: unknown): Part {
  if (typeof block === 'string') return { type: 'text', content: block };
  const b = obj(block) ?? {};
  const text = str(b.text) ?? (b.type === 'text' ? str(b.content) : undefined);
  if (text !== undefined) return { type: 'text', content: text };
  const toolUse = obj(b.toolUse);
  if (toolUse) return { type: 'tool_call', id: str(toolUse.toolUseId), name: str(toolUse.name) };
  const toolResult = obj(b.toolResult);
  if (toolResult) return { type: 'tool_call_response', id: str(toolResult.toolUseId) };
  // Images, documents, tool calls in other shapes: their kind only, never their bytes.
  return { type: str(b.type) ?? Object.keys(b)[0] ?? 'unknown' };
}

function messagesOf(messages: unknown): ChatMessage[] {
  return list(messages).map((m) => {
    const msg = obj(m) ?? {};
    const content = msg.content;
    return {
      role: str(msg.role) ?? 'user',
      parts: Array.isArray(content) ? content.map(partOf) : [partOf(content)],
    };
  });
}

/** `system` as Converse (`[{ text }]`) or Anthropic (a string) sends it. */
function systemOf(system: unknown): Part[] | undefined {
  if (system === undefined) return undefined;
  return Array.isArray(system) ? system.map(partOf) : [partOf(system)];
}

/** The request's messages and system instructions: a Converse input or a parsed InvokeModel body. */
export function requestContent(input: Json): { messages: ChatMessage[]; system: Part[] | undefined } {
  const system = systemOf(input.system);
  if (input.messages !== undefined) return { messages: messagesOf(input.messages), system };
  // Prompt-style bodies: Llama, Mistral and Cohere `prompt`, Titan `inputText`, Cohere Command R `message`.
  const prompt = str(input.prompt) ?? str(input.inputText) ?? str(input.message);
  return {
    messages: prompt === undefined ? [] : [{ role: 'user', parts: [{ type: 'text', content: prompt }] }],
    system,
  };
}

/** A Converse response's output message. */
export function converseOutput(output: Json): ChatMessage[] {
  const message = obj(obj(output.output)?.message);
  if (!message) return [];
  return [
    {
      role: str(message.role) ?? 'assistant',
      parts: list(message.content).map(partOf),
      finish_reason: str(output.stopReason),
    },
  ];
}

/** One assistant message of generated text (an InvokeModel body, or a stream's deltas joined). */
export function textOutput(text: string, finishReason: string | undefined): ChatMessage[] {
  return [{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finishReason }];
}

/** Serializes parts or messages with each text part cut to `MAX_PART_CHARS` and all text to `MAX_ATTRIBUTE_CHARS`. */
export function boundedJson(items: readonly (ChatMessage | Part)[]): string {
  let budget = MAX_ATTRIBUTE_CHARS;
  const cut = (p: Part): Part => {
    if (p.type !== 'text' || !('content' in p)) return p;
    const keep = Math.max(0, Math.min(MAX_PART_CHARS, budget));
    budget -= Math.min(p.content.length, keep);
    return { type: 'text', content: p.content.slice(0, keep) };
  };
  const out = items
    .slice(0, MAX_MESSAGES)
    .map((item) =>
      'parts' in item ? { ...item, parts: item.parts.slice(0, MAX_MESSAGES).map(cut) } : cut(item),
    );
  return JSON.stringify(out);
}

/** Collects streamed text up to the attribute bound. */
export class TextCollector {
  private text = '';
  add(piece: string | undefined): void {
    if (piece && this.text.length < MAX_ATTRIBUTE_CHARS)
      this.text += piece.slice(0, MAX_ATTRIBUTE_CHARS - this.text.length);
  }
  toString(): string {
    return this.text;
  }
}
