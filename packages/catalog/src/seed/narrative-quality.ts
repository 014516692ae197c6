/**
 * Narrative quality against 7-day baselines: the story completion rate dropping, moderation blocks
 * spiking, and refusals surging on a prompt version (most often a new one: the engine lists the
 * deployment in "what changed"). The recording rules keep each baseline's ratio cheap and are what the
 * demo backfills; the alerts compute the current ratio inline, so its short window compresses in the
 * demo while the baseline keeps its real length.
 */
import type { AlertDefinition, RecordingRule } from '../model/alert.ts';
import { input } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';
import { BASELINE_TEST_WINDOW, DAY_5M, solveFactor, weekThenShift } from './baselines.ts';

const GROUP = 'narrative-quality';
const MODEL = 'anthropic.claude-3-5-sonnet';
const WEEK = 7 * DAY_5M;

export const NARRATIVE_QUALITY_RECORDS = {
  completion: 'story_type:story_completions:ratio_rate1h',
  refusals: 'story_type_model:narrative_refusals:ratio_rate10m',
  moderation: 'story_type_model:narrative_moderation_blocks:ratio_rate10m',
} as const;

/** Share of a story type's narrative requests that `metric` counted, by `by` (which includes story_type). */
const share = (s: Selectors, metric: string, by: string, window: string) =>
  `sum by (${by}) (rate(${metric}{${s.narrative}}[${window}])) / on (story_type) group_left sum by (story_type) (rate(narrative_requests_total{${s.narrative}}[${window}]))`;

const completionRate = (s: Selectors, window: string) =>
  `sum by (story_type) (rate(story_completions_total{${s.narrative}}[${window}])) / sum by (story_type) (rate(story_starts_total{${s.narrative}}[${window}]))`;

export function narrativeQualityRules(s: Selectors): RecordingRule[] {
  return [
    { group: GROUP, record: NARRATIVE_QUALITY_RECORDS.completion, expr: completionRate(s, '1h') },
    {
      group: GROUP,
      record: NARRATIVE_QUALITY_RECORDS.refusals,
      expr: share(s, 'narrative_refusals_total', 'story_type, model', '10m'),
    },
    {
      group: GROUP,
      record: NARRATIVE_QUALITY_RECORDS.moderation,
      expr: share(s, 'narrative_moderation_blocks_total', 'story_type, model', '10m'),
    },
  ];
}

/** 7 days and 2 hours of 5-minute samples: the baseline is full and the last 2 hours carry the change. */
const WINDOW = BASELINE_TEST_WINDOW;
/** Baselines blur by a sample or two: test 10% either side of each threshold. */
const AROUND = (t: { value: number }) => ({ firing: t.value * 0.9, quiet: t.value * 1.1 });
const ABOVE = (t: { value: number }) => ({ firing: t.value * 1.1, quiet: t.value * 0.9 });

export function narrativeQualityAlerts(s: Selectors): AlertDefinition[] {
  const n = selectorLabels(s.narrative);
  const base = { group: GROUP, service: 'narrative', team: 'ml', testWindow: WINDOW };
  const requests = {
    series: `narrative_requests_total{${n},story_type="quest",outcome="ok"}`,
    values: '0+1000x{n}',
  };
  const quest = `${n},story_type="quest",model="${MODEL}"`;
  return [
    {
      ...base,
      name: 'StoryCompletionRateDrop',
      summary: 'Fewer {{ $labels.story_type }} stories are played to the end than in the last 7 days',
      description:
        'The completion rate (completions / starts over 1 h) of {{ $labels.story_type }} stories is under 75% of its 7-day average for 30 minutes: players abandon stories they used to finish.',
      expr: `(${completionRate(s, '1h')}) / on (story_type) avg_over_time(${NARRATIVE_QUALITY_RECORDS.completion}[7d])`,
      thresholds: [{ tier: 'T2', op: '<', value: 0.75, for: '30m' }],
      testValues: AROUND,
      outputLabels: { story_type: 'quest' },
      input: (v) =>
        input(
          { series: `story_starts_total{${n},story_type="quest"}`, values: '0+100x{n}' },
          weekThenShift(`story_completions_total{${n},story_type="quest"}`, 50, solveFactor(v)),
        ),
      metrics: ['story_completions_total', 'story_starts_total'],
      runbook: {
        meaning:
          'story_completions_total / story_starts_total per story type over the last hour, against the 7-day average of the same ratio, under 0.75 for 30 minutes.',
        impact: 'Players leave stories midway: engagement and retention fall, often before any error shows.',
        diagnosis: [
          'Refusals, moderation blocks and eval scores per model and prompt version on the AI narrative services dashboard: did a prompt or model change make the stories worse?',
          'Generation latency and failures for the story type; deployments of narrative in "what changed".',
        ],
        mitigation: ['Roll back the prompt version or model change; fix the failing generation step.'],
      },
    },
    {
      ...base,
      name: 'NarrativeModerationBlockSpike',
      summary:
        'Moderation blocks {{ $labels.model }} output for {{ $labels.story_type }} far more than usual',
      description:
        'More than 1% of {{ $labels.story_type }} narrative requests served by {{ $labels.model }} were blocked by moderation over 10 minutes, over 3× the 7-day share, for 15 minutes.',
      expr: `(${share(s, 'narrative_moderation_blocks_total', 'story_type, model', '10m')} > 0.01) / on (story_type, model) avg_over_time(${NARRATIVE_QUALITY_RECORDS.moderation}[7d])`,
      thresholds: [{ tier: 'T2', op: '>', value: 3, for: '15m' }],
      testValues: ABOVE,
      outputLabels: { story_type: 'quest', model: MODEL },
      input: (v) =>
        input(
          requests,
          weekThenShift(`narrative_moderation_blocks_total{${quest},prompt_version="v1"}`, 5, solveFactor(v)),
        ),
      metrics: ['narrative_moderation_blocks_total', 'narrative_requests_total'],
      runbook: {
        meaning:
          'Moderation blocks / narrative requests per story type and model, above 1% and above 3× its 7-day average share, for 15 minutes.',
        impact:
          'Players see blocked or replaced story text; a model or prompt may be producing unsafe content.',
        diagnosis: [
          'Moderation blocks per model and prompt version on the AI narrative services dashboard: one prompt version, or all of them (players probing the model, a moderation policy change)?',
          'Deployments of narrative (prompt versions) and of the moderation service in "what changed".',
        ],
        mitigation: [
          'Roll back the prompt version or model change.',
          'If players drive it, rate-limit the offending sessions; tighten the input filter.',
        ],
      },
    },
    {
      ...base,
      name: 'NarrativeRefusalSurge',
      summary:
        'Prompt version {{ $labels.prompt_version }} makes {{ $labels.model }} refuse {{ $labels.story_type }} stories',
      description:
        '{{ $labels.model }} with prompt version {{ $labels.prompt_version }} refuses more than 2% of {{ $labels.story_type }} requests, over 3× the 7-day refusal share of that model, for 10 minutes. A new prompt version is the usual cause: see "what changed" on the incident for the deployment of narrative that introduced {{ $labels.prompt_version }}, and roll it back.',
      // The baseline is the model's (all prompt versions), so a version that was not there last week is
      // measured against the versions before it.
      expr: `(${share(s, 'narrative_refusals_total', 'story_type, model, prompt_version', '10m')} > 0.02) / on (story_type, model) group_left avg_over_time(${NARRATIVE_QUALITY_RECORDS.refusals}[7d])`,
      thresholds: [{ tier: 'T2', op: '>', value: 3, for: '10m' }],
      testValues: ABOVE,
      outputLabels: { story_type: 'quest', model: MODEL, prompt_version: 'v2' },
      input: (v) =>
        input(
          requests,
          // v1 refuses 1% all week, then v2 replaces it and refuses v × the baseline.
          {
            series: `narrative_refusals_total{${quest},prompt_version="v1"}`,
            values: `0+10x${WEEK} ${10 * WEEK}x{n}`,
          },
          {
            series: `narrative_refusals_total{${quest},prompt_version="v2"}`,
            values: `_x${WEEK} 0+${10 * solveFactor(v)}x{n}`,
          },
        ),
      metrics: ['narrative_refusals_total', 'narrative_requests_total'],
      runbook: {
        meaning:
          'Refusals / narrative requests per story type, model and prompt version over 10 minutes, above 2% and above 3× the model\u2019s 7-day refusal share (which the older prompt versions made), for 10 minutes.',
        impact:
          'Players get "I can\u2019t help with that" instead of their story; stories stall and completions fall.',
        diagnosis: [
          '"What changed" on the incident: the deployment of narrative that shipped the prompt version.',
          'Refusals per model and prompt version on the AI narrative services dashboard: only the new version, or every version (a model-side change)?',
          'Traces of refused generations (exemplars on the generation latency panel) for the prompt sent.',
        ],
        mitigation: [
          'Roll back to the previous prompt version.',
          'If every version refuses, the model changed: pin the model version or fall back to another model.',
        ],
      },
    },
  ];
}
