import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, costCalculator } from '../index.ts';

describe('costCalculator', () => {
  it('prices a call from the default table, per 1,000 tokens', () => {
    const c = costCalculator().cost('anthropic.claude-3-haiku-20240307-v1:0', 2000, 1000)!;
    expect(c.inputUsd).toBeCloseTo(0.0005, 12);
    expect(c.outputUsd).toBeCloseTo(0.00125, 12);
    expect(c.totalUsd).toBeCloseTo(0.00175, 12);
  });

  it('lets the user override a price and add a model, and resolves inference profiles', () => {
    const calc = costCalculator({
      'amazon.nova-lite-v1:0': { inputPer1k: 1, outputPer1k: 2 },
      'acme.storyteller-v1': { inputPer1k: 0.5, outputPer1k: 0.5 },
    });
    expect(calc.cost('us.amazon.nova-lite-v1:0', 1000, 1000)?.totalUsd).toBe(3);
    expect(calc.cost('acme.storyteller-v1', 2000, 0)?.totalUsd).toBe(1);
    expect(calc.cost('unknown.model', 1, 1)).toBeUndefined();
  });

  it('can replace the defaults entirely, and refuses negative prices', () => {
    const only = costCalculator({ x: { inputPer1k: 1, outputPer1k: 1 } }, { replaceDefaults: true });
    expect(only.priceOf(Object.keys(DEFAULT_PRICES)[0]!)).toBeUndefined();
    expect(() => costCalculator({ x: { inputPer1k: -1, outputPer1k: 0 } })).toThrow(/non-negative/);
  });
});
