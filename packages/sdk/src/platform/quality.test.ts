import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, narrativeQualityMetrics, prometheusOutput } from '../index.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const NOVA = 'amazon.nova-lite-v1:0';
const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';

describe('narrativeQualityMetrics', () => {
  it('counts refusals and moderation blocks per story type, model and prompt version', async () => {
    const registry = new Registry();
    const quality = narrativeQualityMetrics<'quest' | 'dialogue', typeof NOVA | typeof HAIKU, 'v7' | 'v8'>(
      createMetrics({ output: prometheusOutput(registry) }),
    );
    quality.recordRefusal({ storyType: 'quest', model: NOVA, promptVersion: 'v8' });
    quality.recordRefusal({ storyType: 'quest', model: NOVA, promptVersion: 'v8' });
    quality.recordRefusal({ storyType: 'quest', model: NOVA, promptVersion: 'v7' });
    quality.recordModerationBlock({ storyType: 'dialogue', model: HAIKU, promptVersion: 'v7' });
    // @ts-expect-error: prompt versions are declared
    const neverCalled = () => quality.recordRefusal({ storyType: 'quest', model: NOVA, promptVersion: 'v9' });
    expect(neverCalled).toBeTypeOf('function');

    const s = await samples(registry);
    const generation = (story_type: string, model: string, prompt_version: string) => ({
      story_type,
      model,
      prompt_version,
    });
    expect(only(s, 'narrative_refusals_total')).toEqual({
      [seriesKey('narrative_refusals_total', generation('quest', NOVA, 'v8'))]: 2,
      [seriesKey('narrative_refusals_total', generation('quest', NOVA, 'v7'))]: 1,
    });
    expect(only(s, 'narrative_moderation_blocks_total')).toEqual({
      [seriesKey('narrative_moderation_blocks_total', generation('dialogue', HAIKU, 'v7'))]: 1,
    });
  });

  it('records evaluation scores from 0 to 1 in 0..1 buckets and refuses the rest', async () => {
    const registry = new Registry();
    const quality = narrativeQualityMetrics(createMetrics({ output: prometheusOutput(registry) }));
    const score = (value: number) =>
      quality.recordEvalScore({ model: NOVA, promptVersion: 'v8', evaluator: 'llm-judge', score: value });
    expect([0.92, 0.5, 0, 1].map(score)).toEqual([true, true, true, true]);
    expect([7, -0.1, Number.NaN, Infinity].map(score)).toEqual([false, false, false, false]);

    const s = await samples(registry);
    const labels = { model: NOVA, prompt_version: 'v8', evaluator: 'llm-judge' };
    const bucket = (le: string) => s[seriesKey('narrative_eval_score_bucket', { ...labels, le })];
    expect([bucket('0'), bucket('0.5'), bucket('0.9'), bucket('0.95'), bucket('1'), bucket('+Inf')]).toEqual([
      1, 2, 2, 3, 4, 4,
    ]);
    expect(s[seriesKey('narrative_eval_score_sum', labels)]).toBeCloseTo(2.42, 10);
  });

  it('bounds model and prompt version like every label', async () => {
    const registry = new Registry();
    const quality = narrativeQualityMetrics(
      createMetrics({
        output: prometheusOutput(registry),
        limits: { labels: { model: { values: [NOVA] }, prompt_version: { maxValues: 2 } } },
      }),
    );
    for (const promptVersion of ['v1', 'v2', 'v3', 'v4'])
      quality.recordRefusal({ storyType: 'quest', model: NOVA, promptVersion });
    quality.recordEvalScore({ model: 'my-fine-tune', promptVersion: 'v1', evaluator: 'judge', score: 0.5 });

    const s = await samples(registry);
    expect(only(s, 'narrative_refusals_total')).toEqual({
      [seriesKey('narrative_refusals_total', { story_type: 'quest', model: NOVA, prompt_version: 'v1' })]: 1,
      [seriesKey('narrative_refusals_total', { story_type: 'quest', model: NOVA, prompt_version: 'v2' })]: 1,
      [seriesKey('narrative_refusals_total', { story_type: 'quest', model: NOVA, prompt_version: 'other' })]:
        2,
    });
    expect(
      s[
        seriesKey('narrative_eval_score_count', { model: 'other', prompt_version: 'v1', evaluator: 'judge' })
      ],
    ).toBe(1);
    expect(only(s, 'klaxon_sdk_label_overflow_total')).toEqual({
      [seriesKey('klaxon_sdk_label_overflow_total', {
        metric: 'narrative_refusals_total',
        label: 'prompt_version',
      })]: 2,
      [seriesKey('klaxon_sdk_label_overflow_total', { metric: 'narrative_eval_score', label: 'model' })]: 1,
    });
  });
});
