/**
 * The engine's configuration file, as one zod schema: services and teams, users and their contact
 * methods, integration keys, API tokens and the tier policies. The same schema produces the JSON Schema
 * that editors use for completion (`klaxon schema`).
 */
import { z } from 'zod';

export const TIERS = ['T1', 'T2', 'T3'] as const;
export type Tier = (typeof TIERS)[number];
export const tierSchema = z.enum(TIERS);

export const INTEGRATION_SOURCES = ['alertmanager', 'pagerduty', 'grafana', 'sns'] as const;
export type IntegrationSource = (typeof INTEGRATION_SOURCES)[number];

export const ROLES = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'use lowercase letters, digits, "-" or "_" (at most 63 characters)');

const contactMethod = z.strictObject({
  type: z.enum(['voice', 'sms', 'email', 'push', 'slack']).describe('How this address is reached.'),
  address: z
    .string()
    .min(1)
    .describe('Phone number in E.164, email address, push endpoint or Slack user id.'),
  label: z.string().optional(),
});

const user = z.strictObject({
  id,
  name: z.string().min(1),
  email: z.email().optional(),
  timezone: z.string().default('UTC').describe('IANA time zone, e.g. Europe/London.'),
  contactMethods: z.array(contactMethod).default([]),
});

const team = z.strictObject({
  id,
  name: z.string().min(1),
  members: z.array(id).default([]).describe('User ids.'),
  lead: id.optional().describe('User id of the team lead.'),
});

const service = z.strictObject({
  id,
  name: z.string().min(1),
  team: id.describe('Id of the owning team.'),
  description: z.string().optional(),
  defaultTier: tierSchema
    .default('T2')
    .describe('Tier for alerts that carry neither a tier nor a severity label.'),
  dependsOn: z.array(id).default([]).describe('Ids of services this one depends on.'),
});

const integrationKey = z.strictObject({
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
});

const apiToken = z.strictObject({
  name: z.string().min(1).describe('Recorded as the actor of every change made with this token.'),
  token: z.string().min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`'),
  role: z.enum(ROLES).default('viewer'),
});

const tierPolicy = z.strictObject({
  name: z.string().min(1),
  urgency: z.enum(['high', 'low', 'none']),
  pages: z.boolean().describe('Whether incidents of this tier page anyone. T3 never does.'),
  responseWindowMinutes: z.number().int().positive().optional(),
  description: z.string().optional(),
});

const defaultTierPolicies = {
  T1: { name: 'Critical', urgency: 'high', pages: true, responseWindowMinutes: 5 },
  T2: { name: 'Warning', urgency: 'low', pages: true, responseWindowMinutes: 30 },
  T3: { name: 'Advisory', urgency: 'none', pages: false },
} as const;

const tierPolicies = z
  .strictObject({ T1: tierPolicy, T2: tierPolicy, T3: tierPolicy })
  .default(defaultTierPolicies)
  .superRefine((tiers, ctx) => {
    if (tiers.T3.pages || tiers.T3.urgency !== 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['T3'],
        message: 'T3 is advisory and never pages: set pages: false and urgency: none',
      });
    }
  });

const server = z
  .strictObject({
    publicUrl: z.url().optional().describe("The engine's own public URL, used in links."),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .default({ bodyLimitBytes: 1024 * 1024 });

const incidents = z
  .strictObject({
    reopenWindowMinutes: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe(
        'A resolved incident whose alert fires again within this window is re-opened; later, a new incident opens. 0 always opens a new one, as PagerDuty does.',
      ),
  })
  .default({ reopenWindowMinutes: 60 });

const engine = z
  .strictObject({
    tickIntervalMs: z.number().int().min(50).max(60_000).default(1000),
  })
  .default({ tickIntervalMs: 1000 });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    server,
    engine,
    incidents,
    tiers: tierPolicies,
    users: z.array(user).default([]),
    teams: z.array(team).default([]),
    services: z.array(service).min(1, 'define at least one service'),
    integrationKeys: z.array(integrationKey).default([]),
    apiTokens: z.array(apiToken).default([]),
  })
  .superRefine(checkReferences);

export type KlaxonConfig = z.output<typeof configSchema>;
export type KlaxonConfigInput = z.input<typeof configSchema>;
export type ServiceConfig = KlaxonConfig['services'][number];
export type UserConfig = KlaxonConfig['users'][number];
export type TeamConfig = KlaxonConfig['teams'][number];
export type IntegrationKeyConfig = KlaxonConfig['integrationKeys'][number];
export type ApiTokenConfig = KlaxonConfig['apiTokens'][number];

type Ctx = z.RefinementCtx;
type Draft = {
  users: { id: string }[];
  teams: { id: string; members: string[]; lead?: string | undefined }[];
  services: { id: string; team: string; dependsOn: string[] }[];
  integrationKeys: { key: string; service: string }[];
  apiTokens: { name: string; token: string }[];
};

function checkUnique(ctx: Ctx, items: readonly Record<string, unknown>[], field: string, path: string): void {
  const seen = new Map<unknown, number>();
  items.forEach((item, i) => {
    const value = item[field];
    const first = seen.get(value);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [path, i, field],
        message: `duplicate ${field} ${JSON.stringify(value)} (also at ${path}[${first}]); each must be unique`,
      });
    } else seen.set(value, i);
  });
}

function checkRef(
  ctx: Ctx,
  known: Set<string>,
  value: string,
  path: (string | number)[],
  what: string,
): void {
  if (!known.has(value)) {
    const list = [...known].slice(0, 8).join(', ');
    ctx.addIssue({
      code: 'custom',
      path,
      message: `unknown ${what} ${JSON.stringify(value)}; define it under ${what === 'user' ? 'users' : what === 'team' ? 'teams' : 'services'} or use one of: ${list || '(none defined)'}`,
    });
  }
}

function checkReferences(cfg: Draft, ctx: Ctx): void {
  checkUnique(ctx, cfg.users, 'id', 'users');
  checkUnique(ctx, cfg.teams, 'id', 'teams');
  checkUnique(ctx, cfg.services, 'id', 'services');
  checkUnique(ctx, cfg.integrationKeys, 'key', 'integrationKeys');
  checkUnique(ctx, cfg.apiTokens, 'token', 'apiTokens');
  checkUnique(ctx, cfg.apiTokens, 'name', 'apiTokens');
  const users = new Set(cfg.users.map((u) => u.id));
  const teams = new Set(cfg.teams.map((t) => t.id));
  const services = new Set(cfg.services.map((s) => s.id));
  cfg.teams.forEach((t, i) => {
    t.members.forEach((m, j) => checkRef(ctx, users, m, ['teams', i, 'members', j], 'user'));
    if (t.lead) checkRef(ctx, users, t.lead, ['teams', i, 'lead'], 'user');
  });
  cfg.services.forEach((s, i) => {
    checkRef(ctx, teams, s.team, ['services', i, 'team'], 'team');
    s.dependsOn.forEach((d, j) => checkRef(ctx, services, d, ['services', i, 'dependsOn', j], 'service'));
  });
  cfg.integrationKeys.forEach((k, i) =>
    checkRef(ctx, services, k.service, ['integrationKeys', i, 'service'], 'service'),
  );
}
