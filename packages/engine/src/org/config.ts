/**
 * The org slice of the config file: users (with contact methods and notification rules), teams and
 * services.
 */
import { z } from 'zod';
import { tierSchema } from '../alerts/tier.ts';
import { ROLES } from '../auth/config.ts';
import { parsePasswordHash } from '../auth/password.ts';
import { id, minutes, zone } from '../validation/zod.ts';
import { businessHoursSchema, workingHoursSchema } from './hours.ts';

export const CHANNELS = ['voice', 'sms', 'email', 'push', 'slack'] as const;
export type Channel = (typeof CHANNELS)[number];
export const URGENCIES = ['high', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

const contactMethod = z.strictObject({
  type: z.enum(['voice', 'sms', 'email', 'push', 'slack']).describe('How this address is reached.'),
  address: z
    .string()
    .min(1)
    .describe(
      'Phone number in E.164, email address, push endpoint (ntfy:<topic>, webpush:{…}, or `devices`: only the browsers the person enables in the web app) or Slack user id.',
    ),
  label: z.string().optional(),
});

/** One step of how a person is notified; `notificationDefaults` (notifications slice) uses it too. */
export const notificationRuleSchema = z.strictObject({
  type: z.enum(CHANNELS).describe('Which contact method to use.'),
  delayMinutes: minutes.default(0).describe('Minutes after the escalation step reaches this person.'),
});
const notificationRules = z.strictObject({
  high: z.array(notificationRuleSchema).optional(),
  low: z.array(notificationRuleSchema).optional(),
});

export const userSchema = z.strictObject({
  id,
  name: z.string().min(1),
  email: z.email().optional().describe('Also the sign-in name, and what OIDC sign-in matches (any case).'),
  timezone: zone.default('UTC').describe('IANA time zone, e.g. Europe/London.'),
  workingHours: workingHoursSchema
    .optional()
    .describe(
      'When this person works, in their time zone; a page outside counts as off hours (analytics) and a T1 one as a wake-up (klaxon backtest). Default 09:00–18:00 Monday–Friday.',
    ),
  role: z
    .enum(ROLES)
    .default('responder')
    .describe(
      'What this person may do in the API and web UI: viewer reads, responder acts, admin sees every team.',
    ),
  passwordHash: z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parsePasswordHash(text);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    })
    .optional()
    .describe(
      'Enables password sign-in: the output of `klaxon hash-password`. Absent: OIDC only, if set up.',
    ),
  contactMethods: z.array(contactMethod).default([]),
  notificationRules: notificationRules
    .optional()
    .describe("This person's own rules per urgency; missing urgencies use notificationDefaults."),
});

export const teamSchema = z.strictObject({
  id,
  name: z.string().min(1),
  members: z.array(id).default([]).describe('User ids.'),
  lead: id.optional().describe('User id of the team lead.'),
  businessHours: businessHoursSchema
    .optional()
    .describe(
      'When this team works (default: the top-level businessHours): the advisory digest and review deadline.',
    ),
  advisories: z
    .strictObject({
      slack: z
        .string()
        .min(1)
        .optional()
        .describe('Slack channel id the daily advisory digest is posted to.'),
      email: z
        .array(z.email())
        .max(100)
        .optional()
        .describe("Addresses the digest is mailed to (default: the members' email addresses)."),
    })
    .optional()
    .describe('Where this team reads its T3 advisories: the daily digest.'),
});

export const serviceSchema = z.strictObject({
  id,
  name: z.string().min(1),
  team: id.describe('Id of the owning team.'),
  description: z.string().optional(),
  defaultTier: tierSchema
    .default('T2')
    .describe('Tier for alerts that carry neither a tier nor a severity label.'),
  dependsOn: z.array(id).default([]).describe('Ids of services this one depends on.'),
  dashboard: z
    .strictObject({
      uid: z.string().min(1).max(40).describe('Grafana dashboard UID the deep link opens.'),
      variables: z
        .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/))
        .default([])
        .describe('Alert labels passed as dashboard variables (var-<label>=<value>).'),
    })
    .optional(),
  runbookUrl: z.url().optional().describe('Runbook for alerts that carry no runbook_url annotation.'),
  logSelector: z
    .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/))
    .optional()
    .describe('Alert labels that select this service’s logs in Loki (default: links.logLabels).'),
  traceService: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'OpenTelemetry `service.name` of this service’s traces, for the traces link when the alert has no service_name label (default: the service id).',
    ),
  notify: z
    .strictObject({
      slack: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Slack channel id every incident of this service is posted to (T3 goes only here or to email).',
        ),
      email: z
        .array(z.email())
        .default([])
        .describe('Addresses every incident of this service is mailed to.'),
      pagerduty: z
        .string()
        .min(1)
        .optional()
        .describe('PagerDuty routing key to forward T1/T2 incidents to.'),
      webhooks: z.array(id).default([]).describe('Ids of webhook providers to call for every incident.'),
    })
    .optional(),
});

export type UserConfig = z.output<typeof userSchema>;
export type TeamConfig = z.output<typeof teamSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;

/** The organisation as a whole: who exists, in which teams, owning which services. */
export interface OrgConfig {
  users: readonly UserConfig[];
  teams: readonly TeamConfig[];
  services: readonly ServiceConfig[];
}
