/**
 * The scenario file format (`scenarios/<name>.yaml`): faults on knobs at wall seconds after the start,
 * orchestrator actions, and the alerts expected to fire or stay silent. One zod schema validates it.
 */
import { z } from 'zod';
import { KNOBS, knobDef } from '../model/knobs.ts';
import { formatLabels, matches } from '../model/labels.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** "30s" → 30000. Throws on anything else. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a duration; write e.g. "500ms", "30s", "2m" or "1h"`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

const duration = z
  .string({ error: 'expected a duration string such as "30s" or "2m"' })
  .regex(DURATION, { error: 'expected a duration such as "500ms", "30s", "2m" or "1h"' });

const labels = z.record(z.string(), z.string());
const tier = z.enum(['T1', 'T2', 'T3']);

export const faultSchema = z
  .strictObject({
    at: duration,
    knob: z.string().min(1),
    labels: labels.optional(),
    set: z.number().optional(),
    add: z.number().optional(),
    multiply: z.number().optional(),
    ramp: duration.optional(),
    until: duration.optional(),
  })
  .superRefine((f, ctx) => {
    const ops = (['set', 'add', 'multiply'] as const).filter((k) => f[k] !== undefined);
    if (ops.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `needs exactly one of set, add or multiply (has ${ops.length ? ops.join(', ') : 'none'}); keep one`,
      });
    if (f.until !== undefined && parseDuration(f.until) <= parseDuration(f.at))
      ctx.addIssue({
        code: 'custom',
        path: ['until'],
        message: 'must be later than at; move it or remove it',
      });
    const def = knobDef(f.knob);
    if (!def) {
      ctx.addIssue({
        code: 'custom',
        path: ['knob'],
        message: `unknown knob "${f.knob}"; use one of: ${KNOBS.map((k) => k.name).join(', ')}`,
      });
      return;
    }
    if (!def.instances.some((l) => matches(f.labels, l)))
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: `${formatLabels(f.labels ?? {})} match no instance of ${f.knob}; use labels from ${def.instances.map(formatLabels).join(' ')}`,
      });
  })
  .transform((f) => ({
    ...f,
    atMs: parseDuration(f.at),
    rampMs: f.ramp === undefined ? 0 : parseDuration(f.ramp),
    untilMs: f.until === undefined ? undefined : parseDuration(f.until),
  }));

/** An orchestrator action, e.g. `{ at: 10s, stop: prometheus }`; the runner interprets the other keys. */
export const actionSchema = z
  .looseObject({ at: duration })
  .transform((a) => ({ ...a, atMs: parseDuration(a.at) }));

export const firingSchema = z.looseObject({ alertname: z.string().min(1), tier, labels: labels.optional() });
export const silentSchema = z.looseObject({
  alertname: z.string().min(1),
  tier: tier.optional(),
  labels: labels.optional(),
});

export const expectSchema = z.looseObject({
  /** Alerts that must fire, in order. */
  fire: z.array(firingSchema).default([]),
  /** Alerts that must not fire (besides: no unexpected T1/T2 at all). */
  silent: z.array(silentSchema).default([]),
  pages: z.array(z.record(z.string(), z.unknown())).optional(),
  ack: z.string().optional(),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'use lower-case letters, digits and dashes' }),
    title: z.string().min(1),
    description: z.string().min(1),
    duration,
    faults: z.array(faultSchema).default([]),
    actions: z.array(actionSchema).default([]),
    expect: expectSchema,
  })
  .superRefine((s, ctx) => {
    const end = parseDuration(s.duration);
    s.faults.forEach((f, i) => {
      if (f.atMs >= end)
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'at'],
          message: `is at or after the scenario's duration (${s.duration}); make it earlier or the duration longer`,
        });
    });
  })
  .transform((s) => ({ ...s, durationMs: parseDuration(s.duration) }));

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioFault = z.output<typeof faultSchema>;
export type ScenarioAction = z.output<typeof actionSchema>;
export type ExpectedAlert = z.output<typeof firingSchema>;
