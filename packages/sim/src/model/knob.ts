/**
 * Knobs: every simulated signal is a named knob with labels. Its value at time t is its base (diurnal,
 * noise, drift, blips) unless a fault overrides it. Exporters read knobs; scenarios turn them.
 */
import { labelKey, type Labels } from './labels.ts';
import type { Wave } from './wave.ts';

export type Tier = 'T1' | 'T2' | 'T3';
export type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** An alert rule a knob drives, with the rule's threshold in the knob's own unit. */
export interface AlertLink {
  alertname: string;
  tier: Tier;
  op: Op;
  value: number | ((labels: Labels) => number);
  /** The rule compares the sum over all the knob's instances (e.g. exactly one active controller). */
  aggregate?: 'sum';
  /** The threshold is a ratio to the knob's long-run mean (the 7-day baseline rules). */
  relative?: boolean;
}

export interface KnobDef {
  /** `domain.signal`, e.g. `kafka.consumer_lag`. */
  name: string;
  labels: readonly string[];
  unit: string;
  help: string;
  /** The base behaviour in words, for the docs. */
  baseDoc: string;
  instances: readonly Labels[];
  /**
   * A smooth base as a closed-form wave: required for knobs that drive counters (rates, ratios,
   * distribution parameters), so counters integrate exactly.
   */
  wave?: (labels: Labels, seed: number) => Wave;
  /** Any other base, a pure function of time (drift, jitter). */
  base?: (labels: Labels, tMs: number, seed: number) => number;
  /** The value during a transient blip (u uniform in [0,1)); only on knobs whose rules wait ≥ 5m. */
  blip?: (labels: Labels, u: number) => number;
  alerts: readonly AlertLink[];
}

/** The key jitter and blips hash on: knob name and labels. */
export const knobKey = (name: string, l: Labels) => `${name}{${labelKey(l)}}`;

export const thresholdOf = (a: AlertLink, l: Labels) =>
  typeof a.value === 'function' ? a.value(l) : a.value;
