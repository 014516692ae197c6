/**
 * Scenario files (`packages/sim/scenarios/*.yaml`) as runnable plans. The simulator's loader validates the
 * faults and the alerts; this adds what only the runner understands — who is paged, who acknowledges,
 * which actions it takes (stop a service, report a deployment), what the page must mention — with errors
 * that name the file, the path and the fix.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadScenarios, SCENARIOS_DIR, type Scenario } from '@klaxon/sim';
import { ROLES, type ScenarioPlan } from './runner.ts';

const deploy = z.strictObject(
  {
    service: z.string({ error: 'name the engine service deployed, e.g. `service: narrative`' }).min(1),
    version: z.string({ error: 'give the version deployed, e.g. `version: v43`' }).min(1),
    author: z.string({ error: 'author is who deployed, e.g. `author: dana`' }).min(1).optional(),
  },
  { error: 'write `deploy: { service: <service id>, version: <version>, author: <who> }`' },
);

const action = z
  .looseObject({
    atMs: z.number(),
    stop: z
      .enum(['prometheus', 'alertmanager'], { error: 'write `stop: prometheus` or `stop: alertmanager`' })
      .optional(),
    deploy: deploy.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.stop === undefined) === (a.deploy === undefined))
      ctx.addIssue({
        code: 'custom',
        message:
          'each action needs exactly one of `stop: prometheus | alertmanager` or `deploy: { service, version, author }` (the actions the runner takes)',
      });
  });

const runnerPart = z.object({
  actions: z.array(action),
  expect: z
    .looseObject({
      pages: z.array(
        z.strictObject({
          tier: z.enum(['T1', 'T2'], { error: 'a page is T1 or T2 (T3 never pages)' }),
          to: z.enum(ROLES, { error: `to is the escalation step paged: ${ROLES.join(', ')}` }),
        }),
        {
          error:
            'list who is paged, e.g. `pages: [{ tier: T1, to: primary }]`, or `pages: []` when nobody is',
        },
      ),
      ack: z.enum(ROLES).optional(),
      advisory: z.boolean().optional(),
      mentions: z
        .array(z.string().min(1), {
          error: 'list text a page must contain, e.g. `mentions: ["Changed: narrative v43"]`',
        })
        .optional(),
    })
    .refine((e) => !e.mentions?.length || e.pages.length > 0, {
      path: ['mentions'],
      message: 'mentions are looked for in pages: list who is paged in `pages`, or remove mentions',
    }),
});

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

export function toPlan(s: Scenario, file = `${s.name}.yaml`): ScenarioPlan {
  const parsed = runnerPart.safeParse(s);
  if (!parsed.success) {
    throw new PlanError(
      parsed.error.issues
        .map(
          (i) =>
            `${file}: ${i.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '')}: ${i.message}`,
        )
        .join('\n'),
    );
  }
  const { expect } = parsed.data;
  return {
    name: s.name,
    title: s.title,
    description: s.description,
    durationMs: s.durationMs,
    faults: s.faults.map((f) => ({
      atMs: f.atMs,
      knob: f.knob,
      labels: f.labels,
      set: f.set,
      add: f.add,
      multiply: f.multiply,
      rampMs: f.rampMs,
      untilMs: f.untilMs,
    })),
    actions: parsed.data.actions.map((a) =>
      a.deploy ? { atMs: a.atMs, deploy: a.deploy } : { atMs: a.atMs, stop: a.stop! },
    ),
    expect: {
      fire: s.expect.fire,
      silent: s.expect.silent,
      pages: expect.pages,
      ack: expect.ack,
      advisory: expect.advisory,
      mentions: expect.mentions,
    },
  };
}

/** Every scenario in `dir`, as plans, in file-name order. */
export function loadPlans(dir: string = SCENARIOS_DIR): ScenarioPlan[] {
  return loadScenarios(dir).map((s) => toPlan(s, join(dir, `${s.name}.yaml`)));
}
