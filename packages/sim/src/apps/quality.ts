/**
 * The narrative target's AI signals beyond latency: GenAI failures by class and model fallbacks, and the
 * quality of the stories per model and prompt version (refusals, moderation blocks, evaluation scores).
 * A prompt version's series appear once it has served a generation, as an application's would.
 */
import { clippedNormal } from '../model/curves.ts';
import type { Labels } from '../model/labels.ts';
import {
  family,
  histogramSeries,
  series,
  type BuildContext,
  type Family,
  type KnobRef,
  type Series,
} from '../model/series.ts';
import {
  EVAL_SAMPLE,
  EVALUATORS,
  FAILURE_CLASSES,
  FALLBACKS,
  MODELS,
  PROMPT_VERSIONS,
  STORY_TYPES,
} from '../model/topology.ts';
import { add, constant, mul } from '../model/wave.ts';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const PROVIDER = 'aws.bedrock';
/** The SDK's evaluation-score boundaries (`EVAL_SCORE_BUCKETS` of @klaxon/sdk): finer near the top. */
export const EVAL_SCORE_BOUNDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1];
const EVAL_SIGMA = 0.08;

/** `gen_ai_client_failures_total` and `gen_ai_client_fallbacks_total`, driven by the invocation rate. */
export function genaiFailures(ctx: BuildContext): Family[] {
  const failures: Series[] = [];
  for (const m of MODELS) {
    const inv = ctx.knob('bedrock.invocation_rate', { model: m.model });
    for (const c of FAILURE_CLASSES) {
      const ratio = ctx.knob('genai.failure_ratio', { model: m.model, failure_class: c.failure_class });
      failures.push(
        series(
          { gen_ai_provider_name: PROVIDER, gen_ai_request_model: m.model, failure_class: c.failure_class },
          ctx.counter({
            wave: inv.wave,
            k: ratio.wave.c,
            deps: [inv, ratio],
            rate: (t) => Math.max(0, inv.at(t)) * clamp01(ratio.at(t)),
          }),
        ),
      );
    }
  }
  const fallbacks = FALLBACKS.map((f) => {
    const inv = ctx.knob('bedrock.invocation_rate', { model: f.from_model });
    const ratio = ctx.knob('genai.fallback_ratio', {
      from_model: f.from_model,
      to_model: f.to_model,
      reason: f.reason,
    });
    return series(
      { gen_ai_provider_name: PROVIDER, from_model: f.from_model, to_model: f.to_model, reason: f.reason },
      ctx.counter({
        wave: inv.wave,
        k: ratio.wave.c,
        deps: [inv, ratio],
        rate: (t) => Math.max(0, inv.at(t)) * clamp01(ratio.at(t)),
      }),
    );
  });
  return [
    family('gen_ai_client_failures_total', 'counter', 'Failed GenAI calls by failure class.', failures),
    family('gen_ai_client_fallbacks_total', 'counter', 'Calls served by a fallback model.', fallbacks),
  ];
}

/** One prompt version of one model: its share of the model's generations now and at the base. */
interface Version {
  version: string;
  share: (t: number) => number;
  baseShare: number;
  /** Whether the version has served: it is live now or served before. */
  served: () => boolean;
  rollout: KnobRef;
}

function versionsOf(ctx: BuildContext, model: string): Version[] {
  const rollout = ctx.knob('narrative.prompt_rollout', { model });
  return (
    [
      [PROMPT_VERSIONS.live, (r: number) => 1 - clamp01(r)],
      [PROMPT_VERSIONS.next, (r: number) => clamp01(r)],
    ] as const
  ).map(([version, of]) => {
    const baseShare = of(rollout.wave.c);
    const share = (t: number) => of(rollout.at(t));
    // Integrates the share: above 0 once the version has served a generation.
    const usage = ctx.counter({ wave: constant(1), k: baseShare, deps: [rollout], rate: share });
    return { version, share, baseShare, served: () => share(ctx.now()) > 0 || usage() > 0, rollout };
  });
}

const whenServed = (v: Version, s: Series): Series => ({
  ...s,
  read: () => (v.served() ? s.read() : undefined),
});

/** Refusals, moderation blocks and evaluation scores per model and prompt version. */
export function narrativeQuality(ctx: BuildContext): Family[] {
  const refusals: Series[] = [];
  const blocks: Series[] = [];
  const scores: Series[] = [];
  for (const m of MODELS) {
    const stories = STORY_TYPES.filter((s) => s.model === m.model);
    if (stories.length === 0) continue;
    const rates = stories.map((s) => ctx.knob('narrative.request_rate', { story_type: s.story_type }));
    for (const v of versionsOf(ctx, m.model)) {
      const mv = { model: m.model, prompt_version: v.version };
      for (const [knob, out] of [
        ['narrative.refusal_ratio', refusals],
        ['narrative.moderation_block_ratio', blocks],
      ] as const) {
        const ratio = ctx.knob(knob, mv);
        stories.forEach((st, i) => {
          const rate = rates[i]!;
          const counter = ctx.counter({
            wave: mul(rate.wave, ratio.wave),
            k: v.baseShare,
            deps: [rate, ratio, v.rollout],
            rate: (t) => Math.max(0, rate.at(t)) * v.share(t) * clamp01(ratio.at(t)),
          });
          out.push(whenServed(v, series({ story_type: st.story_type, ...mv }, counter)));
        });
      }
      const generations = (t: number) => rates.reduce((s, r) => s + Math.max(0, r.at(t)), 0);
      for (const e of EVALUATORS) {
        const score = ctx.knob('narrative.eval_score', { ...mv, evaluator: e.evaluator });
        const labels: Labels = { ...mv, evaluator: e.evaluator };
        scores.push(
          ...histogramSeries(ctx, {
            labels,
            bounds: EVAL_SCORE_BOUNDS,
            rate: {
              wave: add(...rates.map((r) => r.wave)),
              k: EVAL_SAMPLE * v.baseShare,
              at: (t) => EVAL_SAMPLE * v.share(t) * generations(t),
            },
            baseDist: clippedNormal(score.wave.c, EVAL_SIGMA),
            dist: (t) => clippedNormal(score.at(t), EVAL_SIGMA),
            deps: [...rates, score, v.rollout],
          }).map((s) => whenServed(v, s)),
        );
      }
    }
  }
  return [
    family('narrative_refusals_total', 'counter', 'Generations the model refused.', refusals),
    family('narrative_moderation_blocks_total', 'counter', 'Generations blocked by moderation.', blocks),
    family('narrative_eval_score', 'histogram', 'Evaluation scores of generations, 0 to 1.', scores),
  ];
}
