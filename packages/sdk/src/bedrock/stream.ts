/** ConverseStream: the event stream is wrapped so the call ends when the caller has read it. */
import { THROTTLING, type BedrockCall } from './call.ts';
import { converseUsage, type TokenUsage } from './usage.ts';
import { errorType } from '../genai/semconv.ts';

type StreamEvent = Record<string, unknown>;

/**
 * Yields `stream`'s events unchanged. The first `contentBlockDelta` marks the time to first token,
 * `metadata.usage` gives the tokens; the operation is recorded when the stream ends, fails, or is abandoned.
 */
export async function* observeStream(
  stream: AsyncIterable<StreamEvent>,
  call: BedrockCall,
): AsyncGenerator<StreamEvent> {
  let usage: TokenUsage | undefined;
  let failed = false;
  try {
    for await (const event of stream) {
      if (event.contentBlockDelta !== undefined) call.firstToken();
      else if (event.metadata !== undefined) usage = converseUsage((event.metadata as StreamEvent).usage);
      yield event;
    }
  } catch (err) {
    failed = true;
    if (errorType(err) === THROTTLING) call.throttled(); // in-stream throttlingException
    call.fail(err);
    throw err;
  } finally {
    if (!failed) call.succeed(usage);
  }
}
