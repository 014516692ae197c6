/**
 * Knobs of the AI signals that explain themselves: GenAI failures by class and model fallbacks (as the
 * SDK classifies them), and the narrative service's quality: story completion, the prompt version live,
 * refusals, moderation blocks and evaluation scores per model and prompt version.
 */
import { rateWave } from '../model/curves.ts';
import { knobKey, type KnobDef } from '../model/knob.ts';
import type { Labels } from '../model/labels.ts';
import {
  EVALUATORS,
  EXHAUSTED_CLASSES,
  FAILURE_CLASSES,
  FALLBACKS,
  MODELS,
  PROMPT_VERSIONS,
  STORY_TYPES,
} from '../model/topology.ts';
import { constant } from '../model/wave.ts';

const models = MODELS.map((m) => ({ model: m.model }));
const versions = [PROMPT_VERSIONS.live, PROMPT_VERSIONS.next];
const byVersion = models.flatMap((m) => versions.map((v) => ({ ...m, prompt_version: v })));

/** The quiet-day refusal and moderation-block shares of every model and prompt version. */
export const BASE_REFUSAL_RATIO = 0.004;
export const BASE_MODERATION_RATIO = 0.002;

export const genaiQualityKnobs: KnobDef[] = [
  {
    name: 'genai.failure_ratio',
    labels: ['model', 'failure_class'],
    unit: 'ratio',
    help: 'Share of the model’s calls that fail with this class (gen_ai_client_failures_total).',
    baseDoc:
      'throttled 0.0012, server_error 0.0008, content_filtered 0.0004, timeout 0.0004, validation 0.0002; quota_exhausted and spend_cap 0',
    instances: models.flatMap((m) => FAILURE_CLASSES.map((c) => ({ ...m, failure_class: c.failure_class }))),
    wave: (l) => constant(FAILURE_CLASSES.find((c) => c.failure_class === l.failure_class)!.ratio),
    alerts: [
      {
        alertname: 'GenAIQuotaExhausted',
        tier: 'T1',
        op: '>',
        // Only the exhausted classes page; the others have no limit of their own here.
        value: (l: Labels) => (EXHAUSTED_CLASSES.includes(l.failure_class!) ? 0 : Infinity),
      },
    ],
  },
  {
    name: 'genai.fallback_ratio',
    labels: ['from_model', 'to_model', 'reason'],
    unit: 'ratio',
    help: 'Share of the from-model’s calls that fall back to the to-model (gen_ai_client_fallbacks_total).',
    baseDoc:
      'Sonnet → Haiku: throttled 0.001, server_error 0.0005, timeout 0.0003; Haiku → Sonnet: throttled 0.0004',
    instances: FALLBACKS.map((f) => ({ from_model: f.from_model, to_model: f.to_model, reason: f.reason })),
    wave: (l) =>
      constant(
        FALLBACKS.find(
          (f) => f.from_model === l.from_model && f.to_model === l.to_model && f.reason === l.reason,
        )!.ratio,
      ),
    alerts: [{ alertname: 'GenAIFallbackRateHigh', tier: 'T2', op: '>', value: 0.05 }],
  },
];

export const narrativeQualityKnobs: KnobDef[] = [
  {
    name: 'narrative.completion_ratio',
    labels: ['story_type'],
    unit: 'ratio',
    help: 'Share of started stories played to the end (story_completions_total / story_starts_total).',
    baseDoc: 'quest 0.64, dialogue 0.82, lore 0.75; ±2% slow noise',
    instances: STORY_TYPES.map((s) => ({ story_type: s.story_type })),
    wave: (l, seed) =>
      rateWave(
        seed,
        knobKey('narrative.completion_ratio', l),
        STORY_TYPES.find((s) => s.story_type === l.story_type)!.completion,
        constant(1),
        0.02,
      ),
    alerts: [{ alertname: 'StoryCompletionRateDrop', tier: 'T2', op: '<', value: 0.75, relative: true }],
  },
  {
    name: 'narrative.prompt_rollout',
    labels: ['model'],
    unit: 'share',
    help: `Share of the model’s generations on the next prompt version (${PROMPT_VERSIONS.next}); the rest use ${PROMPT_VERSIONS.live}.`,
    baseDoc: `0: everything on ${PROMPT_VERSIONS.live}; ${PROMPT_VERSIONS.next}'s series appear once it has served`,
    instances: models,
    wave: () => constant(0),
    alerts: [],
  },
  {
    name: 'narrative.refusal_ratio',
    labels: ['model', 'prompt_version'],
    unit: 'ratio',
    help: 'Share of generations the model refuses (narrative_refusals_total).',
    baseDoc: `${BASE_REFUSAL_RATIO} for every model and version`,
    instances: byVersion,
    wave: () => constant(BASE_REFUSAL_RATIO),
    // The rule: a version's share above 2% and above 3× the model's 7-day share (0.012 here).
    alerts: [{ alertname: 'NarrativeRefusalSurge', tier: 'T2', op: '>', value: 0.02 }],
  },
  {
    name: 'narrative.moderation_block_ratio',
    labels: ['model', 'prompt_version'],
    unit: 'ratio',
    help: 'Share of generations blocked by moderation (narrative_moderation_blocks_total).',
    baseDoc: `${BASE_MODERATION_RATIO} for every model and version`,
    instances: byVersion,
    wave: () => constant(BASE_MODERATION_RATIO),
    // The rule: a share above 1% and above 3× the 7-day share (0.006 here).
    alerts: [{ alertname: 'NarrativeModerationBlockSpike', tier: 'T2', op: '>', value: 0.01 }],
  },
  {
    name: 'narrative.eval_score',
    labels: ['model', 'prompt_version', 'evaluator'],
    unit: 'score 0–1',
    help: 'Mean evaluation score (narrative_eval_score, normal with σ 0.08, clipped to 0–1).',
    baseDoc: 'coherence 0.84, personalization 0.76, for every model and version',
    instances: byVersion.flatMap((b) => EVALUATORS.map((e) => ({ ...b, evaluator: e.evaluator }))),
    wave: (l) => constant(EVALUATORS.find((e) => e.evaluator === l.evaluator)!.mean),
    alerts: [],
  },
];
