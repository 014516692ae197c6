/**
 * The ingest slice of the config file: integration keys (which service each feeds, from which source) and
 * the options of SNS keys (CloudWatch alarm tiers, EventBridge event rules).
 */
import { z } from 'zod';
import { tierSchema } from '../alerts/tier.ts';
import type { ServiceConfig } from '../org/config.ts';
import { id } from '../validation/zod.ts';

export const INTEGRATION_SOURCES = ['alertmanager', 'pagerduty', 'grafana', 'sns'] as const;
export type IntegrationSource = (typeof INTEGRATION_SOURCES)[number];

/** `{{detail.jobName}}`: a dotted path into the EventBridge event, as in the event's own JSON. */
export const TEMPLATE_PLACEHOLDER = /\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g;
const template = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (t) => !/\{\{|\}\}/.test(t.replace(TEMPLATE_PLACEHOLDER, '')),
    'use {{path}} placeholders with a dotted path into the event, e.g. {{detail.jobName}} or {{detail-type}}',
  );
const MATCH_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;
const matchValue = z.union([z.string(), z.number(), z.boolean()]);

const snsEventRule = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe("The alert's name (label alertname); default: the event's detail-type."),
  source: z.string().min(1).describe("The event's `source`, e.g. aws.glue or aws.redshift-data."),
  detailType: z
    .string()
    .min(1)
    .optional()
    .describe("The event's `detail-type`, e.g. 'Glue Job State Change'; absent: any."),
  match: z
    .record(z.string(), z.union([matchValue, z.array(matchValue).min(1)]))
    .superRefine((match, ctx) => {
      for (const path of Object.keys(match)) {
        if (!MATCH_PATH.test(path)) {
          ctx.addIssue({
            code: 'custom',
            path: [path],
            message: `${JSON.stringify(path)} is not a path; use a dotted path into the event detail, e.g. state or errorInfo.code`,
          });
        }
      }
    })
    .default({})
    .describe(
      'Fields of `detail` (dotted paths) → the value, or list of values, that match. Every field must match.',
    ),
  action: z
    .enum(['trigger', 'resolve'])
    .default('trigger')
    .describe('trigger opens or updates an alert; resolve resolves the alert with the same dedupKey.'),
  tier: tierSchema.default('T1'),
  summary: template
    .optional()
    .describe("The alert's summary (incident title), e.g. 'Glue job {{detail.jobName}} {{detail.state}}'."),
  dedupKey: template
    .optional()
    .describe(
      "The alert's identity, e.g. '{{detail.jobName}}': repeats update one alert and a resolve rule with the same key resolves it. Default: the event id (every event is its own alert).",
    ),
});

const snsOptions = z
  .strictObject({
    topicArns: z
      .array(
        z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/, 'use an SNS topic ARN'),
      )
      .min(1)
      .optional()
      .describe('Only messages from these topics are accepted (and confirmed); absent: any topic.'),
    insufficientData: z
      .enum(['ignore', 'trigger', 'resolve'])
      .default('ignore')
      .describe('What a CloudWatch alarm entering INSUFFICIENT_DATA does.'),
    alarmTiers: z
      .array(
        z.strictObject({
          alarmName: z
            .string()
            .min(1)
            .describe('Alarm name; `*` matches any run of characters, e.g. redshift-*-critical.'),
          tier: tierSchema,
        }),
      )
      .default([])
      .describe(
        'Tier per alarm name, first match wins. Otherwise a T1/T2/T3 word in the alarm name or description, else the service default tier.',
      ),
    eventRules: z
      .array(snsEventRule)
      .default([])
      .describe(
        'EventBridge events (delivered through SNS) that become alerts, first match wins. Unmatched events are acknowledged, counted and ignored.',
      ),
  })
  .describe('Options for an SNS integration key (docs/aws.md).');

export const integrationKeySchema = z.strictObject({
  key: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{16,128}$/,
      'use 16 to 128 letters, digits, "-" or "_"; generate one with `openssl rand -hex 16`',
    ),
  name: z.string().min(1),
  service: id.describe('Id of the service this key feeds.'),
  source: z.enum(INTEGRATION_SOURCES).describe('Which ingest endpoint this key is for.'),
  routeByLabel: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .optional()
    .describe(
      'When set, an alert whose label of this name is a known service id goes to that service; otherwise to `service`. Lets one Alertmanager receiver feed every service.',
    ),
  sns: snsOptions.optional(),
});

export type IntegrationKeyConfig = z.output<typeof integrationKeySchema>;
export type SnsOptions = z.output<typeof snsOptions>;
export type SnsEventRule = SnsOptions['eventRules'][number];
/** What a key without `sns` options gets. */
export const DEFAULT_SNS_OPTIONS: SnsOptions = snsOptions.parse({});

/** What the ingest endpoints read: each service's default tier. */
export interface IngestRoutesConfig {
  services: readonly Pick<ServiceConfig, 'id' | 'defaultTier'>[];
}
