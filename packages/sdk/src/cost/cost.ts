/** Cost of a model call from its token counts and a per-model price table. */
import { baseModelId } from '../bedrock/model-id.ts';
import { DEFAULT_PRICES, type ModelPrice, type PriceTable } from './prices.ts';

export interface CallCost {
  inputUsd: number;
  outputUsd: number;
  totalUsd: number;
}

export interface CostCalculator {
  /** The price used for `modelId`, or undefined when the table has none. */
  priceOf(modelId: string): ModelPrice | undefined;
  /** The cost of one call, or undefined when the model has no price. */
  cost(modelId: string, inputTokens: number, outputTokens: number): CallCost | undefined;
}

/**
 * A calculator over `DEFAULT_PRICES` with `overrides` merged over it (an override replaces a model's entry;
 * pass `{ replaceDefaults: true }` to use only your table).
 *
 * @example
 * const calc = costCalculator({ 'anthropic.claude-3-5-haiku-20241022-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.004 } });
 * calc.cost('us.anthropic.claude-3-5-haiku-20241022-v1:0', 1000, 500)?.totalUsd; // 0.0028
 */
export function costCalculator(
  overrides: PriceTable = {},
  options: { replaceDefaults?: boolean } = {},
): CostCalculator {
  const table = new Map<string, ModelPrice>(Object.entries(options.replaceDefaults ? {} : DEFAULT_PRICES));
  for (const [id, price] of Object.entries(overrides)) {
    if (!(price.inputPer1k >= 0 && price.outputPer1k >= 0))
      throw new Error(`price for ${id} must be non-negative`);
    table.set(id, price);
  }
  const priceOf = (modelId: string) => table.get(modelId) ?? table.get(baseModelId(modelId));
  return {
    priceOf,
    cost(modelId, inputTokens, outputTokens) {
      const price = priceOf(modelId);
      if (!price) return undefined;
      const inputUsd = (inputTokens / 1000) * price.inputPer1k;
      const outputUsd = (outputTokens / 1000) * price.outputPer1k;
      return { inputUsd, outputUsd, totalUsd: inputUsd + outputUsd };
    },
  };
}
