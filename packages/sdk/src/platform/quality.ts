/**
 * Narrative quality from the metrics contract: refusals and moderation blocks per story type, model and
 * prompt version, and the application's evaluator scores (0 to 1) per model and prompt version. With
 * `story_starts_total`/`story_completions_total` (narrative.ts) they are the product and ML teams' signals: a
 * new prompt version that makes the model refuse shows as its own series. Model, prompt version and
 * evaluator are bounded by the cardinality guard like every label (`limits.labels.prompt_version`, …).
 */
import type { Metrics } from '../metrics/metrics.ts';
import type { Exemplar, MetricDefinition } from '../metrics/types.ts';

/** Scores from 0 to 1, finer near the top where good generations cluster; `le="0"` counts outright fails. */
export const EVAL_SCORE_BUCKETS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1] as const;

type GenerationLabels = { story_type: string; model: string; prompt_version: string };

export const NARRATIVE_REFUSALS: MetricDefinition<GenerationLabels> = {
  name: 'narrative_refusals_total',
  otelName: 'narrative.refusals',
  help: 'Generations the model refused, by story type, model and prompt version.',
  unit: '{generation}',
  labels: { story_type: 'story_type', model: 'model', prompt_version: 'prompt_version' },
};

export const NARRATIVE_MODERATION_BLOCKS: MetricDefinition<GenerationLabels> = {
  name: 'narrative_moderation_blocks_total',
  otelName: 'narrative.moderation.blocks',
  help: 'Generations blocked by content moderation, by story type, model and prompt version.',
  unit: '{generation}',
  labels: { story_type: 'story_type', model: 'model', prompt_version: 'prompt_version' },
};

export const NARRATIVE_EVAL_SCORE: MetricDefinition<{
  model: string;
  prompt_version: string;
  evaluator: string;
}> = {
  name: 'narrative_eval_score',
  otelName: 'narrative.eval.score',
  help: 'Evaluation scores of generated narratives (0 to 1), by model, prompt version and evaluator.',
  unit: '1',
  labels: { model: 'model', prompt_version: 'prompt_version', evaluator: 'evaluator' },
  buckets: EVAL_SCORE_BUCKETS,
  exemplars: true,
};

/** Which generation: the story type, the model that produced it and the prompt version it was asked with. */
export interface GenerationRef<StoryType extends string, Model extends string, PromptVersion extends string> {
  storyType: StoryType;
  model: Model;
  promptVersion: PromptVersion;
}

export interface EvalScore<Model extends string, PromptVersion extends string, Evaluator extends string> {
  model: Model;
  promptVersion: PromptVersion;
  /** Which evaluator scored it (an LLM judge, a classifier, player ratings). */
  evaluator: Evaluator;
  /** 0 (worst) to 1 (best). */
  score: number;
}

export interface NarrativeQualityMetrics<
  StoryType extends string,
  Model extends string,
  PromptVersion extends string,
  Evaluator extends string,
> {
  recordRefusal(generation: GenerationRef<StoryType, Model, PromptVersion>): void;
  recordModerationBlock(generation: GenerationRef<StoryType, Model, PromptVersion>): void;
  /**
   * One evaluation. A score outside 0..1 (or NaN) is refused: nothing is recorded and the result is `false`,
   * since clamping would pass an evaluator's wrong scale (1 to 10) off as perfect scores. `exemplar`: the
   * generation's trace, so a low score links to it.
   */
  recordEvalScore(score: EvalScore<Model, PromptVersion, Evaluator>, exemplar?: Exemplar): boolean;
}

/**
 * The narrative quality metrics over `metrics`.
 *
 * @example
 * const quality = narrativeQualityMetrics<'quest', 'amazon.nova-lite-v1:0', 'v7' | 'v8', 'llm-judge'>(metrics);
 * quality.recordRefusal({ storyType: 'quest', model: 'amazon.nova-lite-v1:0', promptVersion: 'v8' });
 * quality.recordEvalScore({ model: 'amazon.nova-lite-v1:0', promptVersion: 'v8', evaluator: 'llm-judge', score: 0.82 });
 */
export function narrativeQualityMetrics<
  StoryType extends string = string,
  Model extends string = string,
  PromptVersion extends string = string,
  Evaluator extends string = string,
>(metrics: Metrics): NarrativeQualityMetrics<StoryType, Model, PromptVersion, Evaluator> {
  const refusals = metrics.counter(NARRATIVE_REFUSALS);
  const blocks = metrics.counter(NARRATIVE_MODERATION_BLOCKS);
  const scores = metrics.histogram(NARRATIVE_EVAL_SCORE);
  const labels = (g: GenerationRef<StoryType, Model, PromptVersion>): GenerationLabels => ({
    story_type: g.storyType,
    model: g.model,
    prompt_version: g.promptVersion,
  });
  return {
    recordRefusal: (g) => refusals.inc(labels(g)),
    recordModerationBlock: (g) => blocks.inc(labels(g)),
    recordEvalScore(s, exemplar) {
      if (!(s.score >= 0 && s.score <= 1)) return false;
      const l = { model: s.model, prompt_version: s.promptVersion, evaluator: s.evaluator };
      scores.observe(l, s.score, exemplar);
      return true;
    },
  };
}
