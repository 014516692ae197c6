/**
 * The AI signals of the narrative target: failure classes and fallbacks, story starts and completions,
 * and per-prompt-version refusals, moderation blocks and evaluation scores, quiet and under faults.
 */
import { describe, expect, it } from 'vitest';
import { parseText, type Sample } from '../exposition/parse.ts';
import { Platform } from '../platform/platform.ts';
import { EVAL_SCORE_BOUNDS } from './quality.ts';

const START = Date.UTC(2025, 4, 12, 3, 17);
const HOUR = 3_600_000;
const HAIKU = 'anthropic.claude-3-haiku';
const SONNET = 'anthropic.claude-3-5-sonnet';

const scrape = (p: Platform) => parseText(p.exposition('narrative'));
const named = (s: Sample[], name: string, labels: Record<string, string> = {}) =>
  s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
const total = (s: Sample[]) => s.reduce((a, x) => a + x.value, 0);

/** Two scrapes `windowMs` apart ending at `tMs`: `rate(name, labels)` of the matching series' sum. */
function window(p: Platform, tMs: number, windowMs: number) {
  p.advanceTo(tMs - windowMs);
  const a = scrape(p);
  p.advanceTo(tMs);
  const b = scrape(p);
  return (name: string, labels: Record<string, string> = {}) =>
    (total(named(b, name, labels)) - total(named(a, name, labels))) / (windowMs / 1000);
}

describe('the AI signals on a quiet day', () => {
  it('expose every failure class per model, quota and spend cap at zero after 8 days', () => {
    const p = new Platform({ seed: 5, startMs: START });
    p.advanceTo(START + 8 * 24 * HOUR);
    const failures = named(scrape(p), 'gen_ai_client_failures_total');
    expect(failures).toHaveLength(14);
    for (const f of failures) {
      expect(f.labels.gen_ai_provider_name).toBe('aws.bedrock');
      if (['quota_exhausted', 'spend_cap'].includes(f.labels.failure_class!)) expect(f.value).toBe(0);
      else expect(f.value, JSON.stringify(f.labels)).toBeGreaterThan(0);
    }
    const fallbacks = named(scrape(p), 'gen_ai_client_fallbacks_total');
    expect(fallbacks.map((f) => `${f.labels.from_model}>${f.labels.to_model}`)).toContain(
      `${SONNET}>${HAIKU}`,
    );
  });

  it('keeps the ratios the rules watch near their base at every hour of a day', () => {
    const p = new Platform({ seed: 8, startMs: START });
    for (let t = START + HOUR; t < START + 25 * HOUR; t += 3 * HOUR + 11 * 60_000) {
      const rate = window(p, t, 5 * 60_000);
      const ops = rate('gen_ai_client_operation_duration_seconds_count', {
        gen_ai_request_model: SONNET,
      });
      const fell = rate('gen_ai_client_fallbacks_total', { from_model: SONNET });
      expect(fell / ops).toBeGreaterThan(0.0015);
      expect(fell / ops).toBeLessThan(0.0022);
      for (const [story, want] of [
        ['quest', 0.64],
        ['dialogue', 0.82],
      ] as const) {
        const done = rate('story_completions_total', { story_type: story });
        const started = rate('story_starts_total', { story_type: story });
        expect(done / started).toBeGreaterThan(want * 0.97);
        expect(done / started).toBeLessThan(want * 1.03);
      }
      const refused = rate('narrative_refusals_total', { model: HAIKU });
      const generated = rate('narrative_requests_total', { story_type: 'dialogue' });
      expect(refused / generated).toBeCloseTo(0.004, 4);
    }
  });

  it('serves only the live prompt version, with 0–1 score buckets that are cumulative', () => {
    const p = new Platform({ seed: 5, startMs: START });
    p.advanceTo(START + 2 * HOUR);
    const s = scrape(p);
    const versions = new Set(
      [...named(s, 'narrative_refusals_total'), ...named(s, 'narrative_eval_score_count')].map(
        (x) => x.labels.prompt_version,
      ),
    );
    expect([...versions]).toEqual(['v42']);
    const buckets = named(s, 'narrative_eval_score_bucket', { model: HAIKU, evaluator: 'coherence' });
    expect(buckets.map((b) => b.labels.le)).toEqual([...EVAL_SCORE_BOUNDS.map(String), '+Inf']);
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const count = named(s, 'narrative_eval_score_count', { model: HAIKU, evaluator: 'coherence' })[0]!;
    const sum = named(s, 'narrative_eval_score_sum', { model: HAIKU, evaluator: 'coherence' })[0]!;
    expect(buckets.at(-1)!.value).toBeCloseTo(count.value, 6);
    expect(sum.value / count.value).toBeCloseTo(0.84, 2);
  });
});

describe('the AI signals under faults', () => {
  it('moves a model to a new prompt version: new series appear, the old stop growing', () => {
    const p = new Platform({ seed: 5, startMs: START });
    const at = START + HOUR;
    p.addFault({ knob: 'narrative.prompt_rollout', labels: { model: HAIKU }, set: 1, startMs: at });
    p.addFault({
      knob: 'narrative.refusal_ratio',
      labels: { model: HAIKU, prompt_version: 'v43' },
      set: 0.3,
      startMs: at,
    });
    p.advanceTo(at - 1000);
    expect(named(scrape(p), 'narrative_refusals_total', { prompt_version: 'v43' })).toEqual([]);
    const rate = window(p, at + 5 * 60_000, 60_000);
    const v43 = rate('narrative_refusals_total', { prompt_version: 'v43' });
    const v42 = rate('narrative_refusals_total', { model: HAIKU, prompt_version: 'v42' });
    const generated = rate('narrative_requests_total', { story_type: 'dialogue' });
    expect(v43 / generated).toBeCloseTo(0.3, 3);
    expect(v42).toBe(0);
    const sonnet = named(scrape(p), 'narrative_refusals_total', { model: SONNET });
    expect(new Set(sonnet.map((x) => x.labels.prompt_version))).toEqual(new Set(['v42']));
    expect(
      named(scrape(p), 'narrative_eval_score_count', { model: HAIKU, prompt_version: 'v43' }),
    ).toHaveLength(2);
  });

  it('counts quota exhaustion, fallbacks and a completion drop as the knobs say', () => {
    const p = new Platform({ seed: 5, startMs: START });
    const at = START + HOUR;
    const model = { model: SONNET };
    p.addFault({
      knob: 'genai.failure_ratio',
      labels: { ...model, failure_class: 'spend_cap' },
      set: 1,
      startMs: at,
    });
    p.addFault({
      knob: 'genai.fallback_ratio',
      labels: { from_model: SONNET, reason: 'throttled' },
      set: 0.2,
      startMs: at,
    });
    p.addFault({
      knob: 'narrative.completion_ratio',
      labels: { story_type: 'quest' },
      multiply: 0.5,
      startMs: at,
    });
    const rate = window(p, at + 3 * 60_000, 60_000);
    const capped = rate('gen_ai_client_failures_total', {
      gen_ai_request_model: SONNET,
      failure_class: 'spend_cap',
    });
    const calls = rate('gen_ai_client_operation_duration_seconds_count', {
      gen_ai_request_model: SONNET,
    });
    expect(capped / calls).toBeCloseTo(1, 2);
    const fell = rate('gen_ai_client_fallbacks_total', { from_model: SONNET });
    expect(fell / calls).toBeCloseTo(0.2008, 3);
    const done = rate('story_completions_total', { story_type: 'quest' });
    const started = rate('story_starts_total', { story_type: 'quest' });
    expect(done / started).toBeGreaterThan(0.3);
    expect(done / started).toBeLessThan(0.34);
  });
});
