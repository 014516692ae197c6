import { describe, expect, it } from 'vitest';
import { baseModelId, invokeBodyUsage, invokeUsage, modelFamily } from '../index.ts';

describe('InvokeModel usage by model family', () => {
  it.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', { usage: { input_tokens: 10, output_tokens: 3 } }, [10, 3]],
    ['amazon.nova-pro-v1:0', { usage: { inputTokens: 11, outputTokens: 4 } }, [11, 4]],
    [
      'amazon.titan-text-express-v1',
      { inputTextTokenCount: 5, results: [{ tokenCount: 6 }, { tokenCount: 1 }] },
      [5, 7],
    ],
    ['meta.llama3-1-8b-instruct-v1:0', { prompt_token_count: 12, generation_token_count: 8 }, [12, 8]],
    ['cohere.command-r-v1:0', { meta: { billed_units: { input_tokens: 2, output_tokens: 9 } } }, [2, 9]],
    ['mistral.mistral-large-2407-v1:0', { usage: { prompt_tokens: 13, completion_tokens: 1 } }, [13, 1]],
  ])('%s', (model, body, [input, output]) => {
    expect(invokeBodyUsage(model, body)).toEqual({ inputTokens: input, outputTokens: output });
  });

  it('reads the headers first, then the body, and gives up on non-JSON', () => {
    const body = new TextEncoder().encode(JSON.stringify({ usage: { input_tokens: 1, output_tokens: 2 } }));
    const model = 'anthropic.claude-3-haiku-20240307-v1:0';
    expect(invokeUsage(model, { 'X-Amzn-Bedrock-Input-Token-Count': '7' }, body)).toEqual({
      inputTokens: 7,
      outputTokens: undefined,
    });
    expect(invokeUsage(model, {}, body)).toEqual({ inputTokens: 1, outputTokens: 2 });
    expect(invokeUsage(model, {}, new Uint8Array([0xff, 0xd8]))).toBeUndefined();
  });

  it('reduces inference profiles and ARNs to the foundation model', () => {
    expect(baseModelId('eu.anthropic.claude-3-haiku-20240307-v1:0')).toBe(
      'anthropic.claude-3-haiku-20240307-v1:0',
    );
    expect(baseModelId('arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-8b-instruct-v1:0')).toBe(
      'meta.llama3-1-8b-instruct-v1:0',
    );
    expect(modelFamily('global.amazon.nova-lite-v1:0')).toBe('amazon');
  });
});
