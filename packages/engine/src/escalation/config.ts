/**
 * The escalation slice of the config file: the tier policies (`tiers`: which tiers page, how urgently,
 * through which escalation policy) and the escalation policies themselves.
 */
import { z } from 'zod';
import { escalationTargetSchema } from '../oncall/config.ts';
import { id } from '../validation/zod.ts';

const tierPolicy = z.strictObject({
  name: z.string().min(1),
  urgency: z.enum(['high', 'low', 'none']),
  pages: z.boolean().describe('Whether incidents of this tier page anyone. T3 never does.'),
  escalationPolicy: id.optional().describe('Escalation policy that pages for this tier.'),
  ackTimeoutMinutes: z
    .number()
    .positive()
    .optional()
    .describe(
      'An acknowledged incident not resolved within this time is triggered again (as PagerDuty does).',
    ),
  responseWindowMinutes: z.number().int().positive().optional(),
  description: z.string().optional(),
});

const defaultTierPolicies = {
  T1: { name: 'Critical', urgency: 'high', pages: true, responseWindowMinutes: 5 },
  T2: { name: 'Warning', urgency: 'low', pages: true, responseWindowMinutes: 30 },
  T3: { name: 'Advisory', urgency: 'none', pages: false },
} as const;

export const tierPoliciesSchema = z
  .strictObject({ T1: tierPolicy, T2: tierPolicy, T3: tierPolicy })
  .default(defaultTierPolicies)
  .superRefine((tiers, ctx) => {
    if (tiers.T3.pages || tiers.T3.urgency !== 'none' || tiers.T3.escalationPolicy) {
      ctx.addIssue({
        code: 'custom',
        path: ['T3'],
        message: 'T3 is advisory and never pages: set pages: false, urgency: none and no escalationPolicy',
      });
    }
    for (const t of ['T1', 'T2'] as const) {
      if (tiers[t].pages && tiers[t].urgency === 'none') {
        ctx.addIssue({
          code: 'custom',
          path: [t, 'urgency'],
          message: `${t} pages, so its urgency must be high or low`,
        });
      }
    }
  });

export const escalationPolicySchema = z.strictObject({
  id,
  name: z.string().min(1),
  repeat: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(0)
    .describe('How many more times to run all steps after the last.'),
  steps: z
    .array(
      z.strictObject({
        targets: z.array(escalationTargetSchema).min(1),
        escalateAfterMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(5)
          .describe('Minutes to wait after this step before the next one, unless someone acknowledges.'),
      }),
    )
    .min(1),
});

export type TierPolicies = z.output<typeof tierPoliciesSchema>;
export type EscalationPolicyConfig = z.output<typeof escalationPolicySchema>;

/** The tier policies alone: what paging decisions read. */
export interface TiersConfig {
  tiers: TierPolicies;
}

/** The escalation policies alone: what the escalation module steps through. */
export interface EscalationPoliciesConfig {
  escalationPolicies: readonly EscalationPolicyConfig[];
}

/** Both: what the escalation policies API shows (each policy with the tiers that use it). */
export type EscalationConfig = TiersConfig & EscalationPoliciesConfig;
