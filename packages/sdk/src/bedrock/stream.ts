/**
 * The two streaming commands: their event streams are wrapped so the call ends when the caller has read them.
 * ConverseStream yields typed events; InvokeModelWithResponseStream yields `chunk.bytes`, each a JSON event in
 * the model family's own format (read by `invokeChunkFacts`).
 */
import { errorType } from '../genai/semconv.ts';
import { isContentFiltered } from '../genai/failures.ts';
import { invokeFacts } from './attributes.ts';
import { THROTTLING, type BedrockCall, type CallResult } from './call.ts';
import { TextCollector, textOutput } from './content.ts';
import { converseUsage, InvokeStreamUsage } from './usage.ts';

type StreamEvent = Record<string, unknown>;

/** Reads one event into `result`; whether it carried output (the first one is the time to first token). */
type EventReader = (event: StreamEvent, result: CallResult, text: TextCollector | undefined) => boolean;

/**
 * Yields `stream`'s events unchanged; `read` notes what each says. The operation is recorded when the stream
 * ends, fails (an in-stream exception, e.g. `throttlingException`), or is abandoned.
 */
async function* observe(
  stream: AsyncIterable<StreamEvent>,
  call: BedrockCall,
  read: EventReader,
  finish: (result: CallResult) => void = () => {},
): AsyncGenerator<StreamEvent> {
  const result: CallResult = {};
  const text = call.captureContent ? new TextCollector() : undefined;
  let failed = false;
  try {
    for await (const event of stream) {
      if (read(event, result, text)) call.firstToken();
      yield event;
    }
  } catch (err) {
    failed = true;
    if (errorType(err) === THROTTLING) call.throttled(); // in-stream throttlingException
    call.fail(err);
    throw err;
  } finally {
    if (!failed) {
      finish(result);
      if (text) result.output = textOutput(text.toString(), result.finishReason);
      call.succeed(result);
    }
  }
}

const obj = (v: unknown): StreamEvent | undefined =>
  v && typeof v === 'object' ? (v as StreamEvent) : undefined;

/** ConverseStream: the first `contentBlockDelta` is the first token; `metadata.usage` gives the tokens. */
const readConverseEvent: EventReader = (event, result, text) => {
  const delta = obj(event.contentBlockDelta);
  if (delta) {
    text?.add(obj(delta.delta)?.text as string | undefined);
    return true;
  }
  const stop = obj(event.messageStop);
  if (stop) {
    if (typeof stop.stopReason === 'string') result.finishReason = stop.stopReason;
    if (isContentFiltered(stop)) result.contentFiltered = true;
  }
  const metadata = obj(event.metadata);
  if (metadata) result.usage = converseUsage(metadata.usage);
  return false;
};

export function observeConverseStream(
  stream: AsyncIterable<StreamEvent>,
  call: BedrockCall,
): AsyncGenerator<StreamEvent> {
  return observe(stream, call, readConverseEvent);
}

/** Chunks larger than this are passed through unread (a model's JSON events are a few hundred bytes). */
const MAX_CHUNK_BYTES = 64 * 1024;
const decoder = new TextDecoder();

/**
 * Whether a parsed chunk carries output: Anthropic's `content_block_delta` (not `message_start`, `ping` …),
 * Nova's `contentBlockDelta`; in the other families (Llama, Titan, Mistral, Cohere) a chunk with text.
 */
function isOutputChunk(json: StreamEvent, text: string | undefined): boolean {
  if (typeof json.type === 'string') return json.type === 'content_block_delta';
  if ('messageStart' in json || 'metadata' in json || 'messageStop' in json) return false;
  return 'contentBlockDelta' in json || Boolean(text);
}

/** InvokeModelWithResponseStream: `chunk.bytes` parsed by model family (see `InvokeStreamUsage`). */
export function observeInvokeStream(
  stream: AsyncIterable<StreamEvent>,
  call: BedrockCall,
  model: string,
): AsyncGenerator<StreamEvent> {
  const usage = new InvokeStreamUsage(model);
  const read: EventReader = (event, result, text) => {
    const bytes = obj(event.chunk)?.bytes;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength > MAX_CHUNK_BYTES) return false;
    let json: StreamEvent | undefined;
    try {
      json = obj(JSON.parse(decoder.decode(bytes)));
    } catch {
      return false; // not JSON: passed through, nothing learned
    }
    if (!json) return false;
    usage.add(json);
    const facts = invokeFacts(json);
    result.responseModel ??= facts.responseModel;
    result.responseId ??= facts.responseId;
    if (facts.finishReason) result.finishReason = facts.finishReason;
    if (isContentFiltered(json)) result.contentFiltered = true;
    const output = isOutputChunk(json, facts.text);
    if (output) text?.add(facts.text);
    return output;
  };
  return observe(stream, call, read, (result) => {
    result.usage = usage.total();
  });
}
