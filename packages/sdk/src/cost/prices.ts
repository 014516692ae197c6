/**
 * Default on-demand prices of a few Bedrock models, in USD per 1,000 tokens.
 *
 * These are AWS's published list prices for on-demand inference in us-east-1 as of 2025-06. They change, and
 * differ by region, by batch/provisioned throughput and by contract: treat them as an example and pass your
 * own table to `costCalculator(prices)` (a table you pass is merged over this one, entry by entry).
 */
export interface ModelPrice {
  /** USD per 1,000 input tokens. */
  inputPer1k: number;
  /** USD per 1,000 output tokens. */
  outputPer1k: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_PRICES_DATE = '2025-06';

export const DEFAULT_PRICES: PriceTable = {
  // Anthropic
  'anthropic.claude-3-haiku-20240307-v1:0': { inputPer1k: 0.00025, outputPer1k: 0.00125 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.004 },
  'anthropic.claude-3-5-sonnet-20240620-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  // Amazon
  'amazon.nova-micro-v1:0': { inputPer1k: 0.000035, outputPer1k: 0.00014 },
  'amazon.nova-lite-v1:0': { inputPer1k: 0.00006, outputPer1k: 0.00024 },
  'amazon.nova-pro-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.0032 },
  'amazon.titan-text-express-v1': { inputPer1k: 0.0002, outputPer1k: 0.0006 },
  'amazon.titan-embed-text-v2:0': { inputPer1k: 0.00002, outputPer1k: 0 },
  // Meta
  'meta.llama3-1-8b-instruct-v1:0': { inputPer1k: 0.00022, outputPer1k: 0.00022 },
  'meta.llama3-1-70b-instruct-v1:0': { inputPer1k: 0.00072, outputPer1k: 0.00072 },
  'meta.llama3-3-70b-instruct-v1:0': { inputPer1k: 0.00072, outputPer1k: 0.00072 },
};
