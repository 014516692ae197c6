/**
 * The engine's configuration file, as one zod schema: services and teams, users and their contact
 * methods, integration keys, API tokens and the tier policies. The same schema produces the JSON Schema
 * that editors use for completion (`klaxon schema`).
 */
import { z } from 'zod';
import { parsePasswordHash } from '../auth/password.ts';
import { WEEKDAYS } from '../schedules/rotation.ts';

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

export const CHANNELS = ['voice', 'sms', 'email', 'push', 'slack'] as const;
export type Channel = (typeof CHANNELS)[number];
export const URGENCIES = ['high', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

const zone = z
  .string()
  .refine(isValidZone, 'not an IANA time zone; use a name like Europe/London or America/New_York');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:mm", e.g. "09:00"');
const minutes = z
  .number()
  .min(0)
  .max(7 * 24 * 60);

const notificationRule = z.strictObject({
  type: z.enum(CHANNELS).describe('Which contact method to use.'),
  delayMinutes: minutes.default(0).describe('Minutes after the escalation step reaches this person.'),
});
const notificationRules = z.strictObject({
  high: z.array(notificationRule).optional(),
  low: z.array(notificationRule).optional(),
});

const user = z.strictObject({
  id,
  name: z.string().min(1),
  email: z.email().optional().describe('Also the sign-in name, and what OIDC sign-in matches (any case).'),
  timezone: zone.default('UTC').describe('IANA time zone, e.g. Europe/London.'),
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

const weekday = z.enum(WEEKDAYS);

const rotation = z.strictObject({
  type: z.enum(['hourly', 'daily', 'weekly']),
  every: z
    .number()
    .int()
    .min(1)
    .max(52)
    .default(1)
    .describe('Shift length in units of `type`, e.g. every: 2 with weekly.'),
  start: z.iso.date().describe('Local date of the first shift, YYYY-MM-DD.'),
  handoffTime: hhmm
    .default('09:00')
    .describe("Local wall-clock time of each handoff, in the schedule's zone."),
  handoffWeekday: weekday
    .optional()
    .describe('For weekly rotations: the handoff weekday (default: that of start).'),
});

const restriction = z.strictObject({
  days: z
    .array(weekday)
    .min(1)
    .default([...WEEKDAYS]),
  from: hhmm,
  to: hhmm.describe('Local end; earlier than `from` means the window runs past midnight.'),
});

const instant = z.iso.datetime({
  offset: true,
  error: 'use an ISO 8601 date-time with offset, e.g. 2026-03-28T09:00:00Z',
});

const layer = z.strictObject({
  name: z.string().min(1),
  users: z.array(id).min(1, 'a layer needs at least one user'),
  rotation,
  restrictions: z.array(restriction).default([]).describe('When set, the layer only covers these windows.'),
});

const schedule = z.strictObject({
  id,
  name: z.string().min(1),
  timezone: zone,
  layers: z.array(layer).min(1).describe('Lowest first: a later layer wins wherever it has someone.'),
  overrides: z
    .array(z.strictObject({ user: id, from: instant, to: instant }))
    .default([])
    .describe('Fixed overrides; more can be added through the API.'),
  team: id
    .optional()
    .describe(
      'Owning team: only its members (and lead) or admins may add or remove overrides. Absent: any responder.',
    ),
});

const target = z.union([
  z.strictObject({ schedule: id }),
  z.strictObject({ user: id }),
  z.strictObject({ team: id }),
]);

const escalationPolicy = z.strictObject({
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
        targets: z.array(target).min(1),
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
  sns: snsOptions.optional(),
});

const apiToken = z.strictObject({
  name: z.string().min(1).describe('Recorded as the actor of every change made with this token.'),
  token: z.string().min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`'),
  role: z.enum(ROLES).default('viewer'),
  teams: z
    .array(id)
    .optional()
    .describe(
      "Team ids whose services' incidents, deployments and maintenance this token sees. Absent: all teams.",
    ),
});

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

const tierPolicies = z
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

const defaultRules = {
  high: [
    { type: 'voice', delayMinutes: 0 },
    { type: 'sms', delayMinutes: 0 },
    { type: 'voice', delayMinutes: 2 },
    { type: 'sms', delayMinutes: 2 },
  ],
  low: [
    { type: 'push', delayMinutes: 0 },
    { type: 'email', delayMinutes: 10 },
  ],
} as const;

const notificationDefaults = z
  .strictObject({ high: z.array(notificationRule).min(1), low: z.array(notificationRule).min(1) })
  .default({
    high: defaultRules.high.map((r) => ({ ...r })),
    low: defaultRules.low.map((r) => ({ ...r })),
  })
  .describe('Notification rules per urgency for users without their own.');

const maintenanceWindow = z.strictObject({
  service: id,
  from: instant,
  to: instant,
  reason: z.string().default(''),
});

const heartbeat = z.strictObject({
  alertname: z.string().min(1).default('Watchdog').describe("The always-firing alert's name."),
  service: id.describe('Service that owns the "monitoring pipeline is down" incident.'),
  timeoutMinutes: z.number().positive().default(5),
});

const secret = z.string().min(1);
const providerBase = {
  id,
  baseUrl: z.url().optional().describe("Override the service's API URL (regional endpoints, tests)."),
};
const provider = z.discriminatedUnion('type', [
  z.strictObject({
    ...providerBase,
    type: z.literal('twilio'),
    accountSid: secret,
    authToken: secret,
    from: secret,
  }),
  z.strictObject({
    ...providerBase,
    type: z.literal('vonage'),
    apiKey: secret,
    apiSecret: secret,
    from: secret,
  }),
  z.strictObject({
    ...providerBase,
    type: z.literal('ntfy'),
    baseUrl: z.url(),
    token: z.string().optional(),
  }),
  z.strictObject({ ...providerBase, type: z.literal('slack'), botToken: secret, signingSecret: secret }),
  z.strictObject({
    id,
    type: z.literal('smtp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
    from: z.string().min(3),
  }),
  z.strictObject({ id, type: z.literal('pagerduty'), url: z.url().optional() }),
  z.strictObject({ id, type: z.literal('webhook'), url: z.url(), secret }),
  z.strictObject({
    id,
    type: z.literal('webpush'),
    publicKey: secret.describe('VAPID public key (npx web-push generate-vapid-keys).'),
    privateKey: secret,
    subject: z.string().regex(/^(mailto:|https:)/, 'use a mailto: or https: contact'),
  }),
  z.strictObject({
    id,
    type: z.literal('outbox'),
    path: z.string().min(1).describe('File every message is appended to, one JSON line each.'),
    channels: z.array(z.enum(['voice', 'sms', 'push', 'email', 'slack', 'webhook', 'pagerduty'])).optional(),
  }),
]);

const rateLimit = z.strictObject({ max: z.number().int().min(1), windowMinutes: z.number().positive() });

const notifications = z
  .strictObject({
    providers: z.array(provider).default([]),
    timeoutSeconds: z.number().positive().max(120).default(10).describe('Per provider request.'),
    maxAttempts: z.number().int().min(1).max(20).default(5),
    retryBaseSeconds: z.number().positive().default(5),
    retryMaxSeconds: z.number().positive().default(300),
    rateLimits: z
      .partialRecord(z.enum(['voice', 'sms', 'push', 'email']), rateLimit)
      .default({ voice: { max: 3, windowMinutes: 15 }, sms: { max: 6, windowMinutes: 15 } })
      .describe('At most `max` messages to one address per channel in the window (defaults after GoAlert).'),
  })
  .default({
    providers: [],
    timeoutSeconds: 10,
    maxAttempts: 5,
    retryBaseSeconds: 5,
    retryMaxSeconds: 300,
    rateLimits: { voice: { max: 3, windowMinutes: 15 }, sms: { max: 6, windowMinutes: 15 } },
  })
  .describe('Delivery providers, in failover order per channel.');

const links = z
  .strictObject({
    grafanaUrl: z.url().optional().describe('Base URL of Grafana, for dashboard and Explore links.'),
    alertmanagerUrl: z.url().optional().describe('Base URL of Alertmanager, for silence links.'),
    lokiDatasource: z.string().default('loki').describe('UID of the Loki datasource in Grafana.'),
    logLabels: z
      .array(z.string())
      .default(['namespace', 'service', 'app', 'job', 'pod', 'container'])
      .describe('Alert labels that select logs in Loki, in this order, when present on the alert.'),
    windowBeforeMinutes: z.number().min(0).default(30).describe('Links start this long before the incident.'),
    windowAfterMinutes: z.number().min(0).default(15).describe('Links end this long after it resolves.'),
  })
  .default({
    lokiDatasource: 'loki',
    logLabels: ['namespace', 'service', 'app', 'job', 'pod', 'container'],
    windowBeforeMinutes: 30,
    windowAfterMinutes: 15,
  });

const server = z
  .strictObject({
    publicUrl: z.url().optional().describe("The engine's own public URL, used in links."),
    feedSecret: z
      .string()
      .min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`')
      .optional()
      .describe('Signs subscribable iCal feed URLs (calendar apps cannot send an API token).'),
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
    tickIntervalMs: z.number().int().min(50).max(60_000).default(250),
  })
  .default({ tickIntervalMs: 250 });

const deployments = z
  .strictObject({
    changeWindowHours: z
      .number()
      .positive()
      .max(7 * 24)
      .default(2)
      .describe(
        '"What changed?": deployments to an incident’s service and its dependencies this many hours before it opened are listed on it and in its messages.',
      ),
    environments: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Only deployments to these environments count as changes (default: every environment).'),
    repositories: z
      .record(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'use the repository full name, owner/name'), id)
      .default({})
      .describe(
        'GitHub repository full name (owner/name) → service id, for deployment_status webhooks. Without an entry, a service whose id is the repository name is used.',
      ),
    argocdApps: z
      .record(z.string().min(1), id)
      .default({})
      .describe(
        'Argo CD Application name → service id, for Argo CD notifications. Without an entry, a service whose id is the app name is used.',
      ),
  })
  .default({ changeWindowHours: 2, repositories: {}, argocdApps: {} })
  .describe('The deployments API and "what changed?" (docs/deployments.md).');

const grafana = z
  .strictObject({
    url: z
      .url()
      .describe('Base URL of the Grafana that receives annotations, e.g. https://grafana.example.com.'),
    token: secret.describe(
      'Service account token with the annotations:write and annotations:create permissions; use ${ENV}.',
    ),
    timeoutSeconds: z.number().positive().max(60).default(5).describe('Per request to Grafana.'),
    maxAttempts: z.number().int().min(1).max(100).default(10).describe('Then the annotation is given up.'),
    retryBaseSeconds: z
      .number()
      .positive()
      .default(5)
      .describe('Backoff 5 s, 10 s, 20 s … (× 0.5–1 jitter), at most retryMaxSeconds.'),
    retryMaxSeconds: z.number().positive().default(300),
  })
  .describe(
    'Push deployments and incidents to Grafana as annotations (docs/deployments.md). Absent: the feature is off.',
  );

const oidc = z
  .strictObject({
    name: z.string().min(1).default('Single sign-on').describe('Label of the sign-in button.'),
    issuer: z
      .url()
      .describe('Issuer URL; its /.well-known/openid-configuration is read at the first sign-in.'),
    clientId: z.string().min(1),
    clientSecret: secret.describe('Use ${ENV}.'),
    redirectUrl: z
      .url()
      .optional()
      .describe('Registered at the provider. Default: server.publicUrl + /auth/oidc/callback.'),
    scopes: z
      .string()
      .regex(/(^|\s)openid(\s|$)/, 'include the openid scope, e.g. "openid email profile"')
      .default('openid email profile'),
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe('Allow an http:// issuer (tests and local development only).'),
  })
  .superRefine((o, ctx) => {
    if (o.issuer.startsWith('http:') && !o.allowInsecureHttp)
      ctx.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: 'the issuer must use https; for a local test provider set allowInsecureHttp: true',
      });
  })
  .describe(
    'Sign-in with an OpenID Connect provider; people are matched by the email claim to users[].email.',
  );

const auth = z
  .strictObject({
    sessionHours: z
      .number()
      .positive()
      .max(24 * 90)
      .default(12)
      .describe('A web sign-in lasts this long, then the person signs in again.'),
    cookieSecure: z
      .boolean()
      .default(true)
      .describe('Mark the session cookie Secure (HTTPS only). Set false only for plain-http local use.'),
    loginAttemptsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe('Password sign-in attempts allowed per client address per minute (per engine process).'),
    oidc: oidc.optional(),
  })
  .default({ sessionHours: 12, cookieSecure: true, loginAttemptsPerMinute: 10 })
  .describe('Web sign-in: sessions, and optional OpenID Connect.');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    server,
    engine,
    incidents,
    tiers: tierPolicies,
    links,
    notifications,
    notificationDefaults,
    users: z.array(user).default([]),
    teams: z.array(team).default([]),
    services: z.array(service).min(1, 'define at least one service'),
    schedules: z.array(schedule).default([]),
    escalationPolicies: z.array(escalationPolicy).default([]),
    maintenance: z
      .array(maintenanceWindow)
      .default([])
      .describe('Planned maintenance windows: alerts are recorded, nobody is paged.'),
    heartbeat: heartbeat.optional().describe("Dead-man's switch on Alertmanager's always-firing alert."),
    deployments,
    grafana: grafana.optional(),
    integrationKeys: z.array(integrationKey).default([]),
    apiTokens: z.array(apiToken).default([]),
    auth,
  })
  .superRefine(checkReferences);

export type KlaxonConfig = z.output<typeof configSchema>;
export type KlaxonConfigInput = z.input<typeof configSchema>;
export type ServiceConfig = KlaxonConfig['services'][number];
export type UserConfig = KlaxonConfig['users'][number];
export type TeamConfig = KlaxonConfig['teams'][number];
export type IntegrationKeyConfig = KlaxonConfig['integrationKeys'][number];
export type ApiTokenConfig = KlaxonConfig['apiTokens'][number];
export type AuthConfig = KlaxonConfig['auth'];
export type OidcConfig = NonNullable<AuthConfig['oidc']>;
export type ScheduleConfig = KlaxonConfig['schedules'][number];
export type EscalationPolicyConfig = KlaxonConfig['escalationPolicies'][number];
export type EscalationTarget = EscalationPolicyConfig['steps'][number]['targets'][number];
export type NotificationRule = z.output<typeof notificationRule>;
export type GrafanaConfig = NonNullable<KlaxonConfig['grafana']>;
export type SnsOptions = z.output<typeof snsOptions>;
export type SnsEventRule = SnsOptions['eventRules'][number];
/** What a key without `sns` options gets. */
export const DEFAULT_SNS_OPTIONS: SnsOptions = snsOptions.parse({});

function isValidZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

type Ctx = z.RefinementCtx;
type Draft = {
  tiers: Record<Tier, { pages: boolean; urgency: string; escalationPolicy?: string | undefined }>;
  notificationDefaults: Record<Urgency, { type: Channel }[]>;
  server: { publicUrl?: string | undefined };
  auth: { oidc?: { redirectUrl?: string | undefined } | undefined };
  users: {
    id: string;
    email?: string | undefined;
    contactMethods: { type: Channel }[];
    notificationRules?: Partial<Record<Urgency, { type: Channel }[] | undefined>> | undefined;
  }[];
  schedules: {
    id: string;
    team?: string | undefined;
    layers: { users: string[] }[];
    overrides: { user: string; from: string; to: string }[];
  }[];
  escalationPolicies: {
    id: string;
    steps: { targets: ({ schedule: string } | { user: string } | { team: string })[] }[];
  }[];
  maintenance: { service: string; from: string; to: string }[];
  heartbeat?: { service: string } | undefined;
  teams: { id: string; members: string[]; lead?: string | undefined }[];
  services: { id: string; team: string; dependsOn: string[] }[];
  integrationKeys: { key: string; service: string; source: string; sns?: unknown }[];
  apiTokens: { name: string; token: string; teams?: string[] | undefined }[];
  deployments: { repositories: Record<string, string>; argocdApps: Record<string, string> };
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

const SECTIONS: Record<string, string> = {
  user: 'users',
  team: 'teams',
  service: 'services',
  schedule: 'schedules',
  'escalation policy': 'escalationPolicies',
};

/** Reports `value` when it is not one of `known`, naming the section to define it in. */
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
      message: `unknown ${what} ${JSON.stringify(value)}; define it under ${SECTIONS[what] ?? what} or use one of: ${list || '(none defined)'}`,
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
  checkAuth(cfg, ctx, teams);
  cfg.integrationKeys.forEach((k, i) => {
    checkRef(ctx, services, k.service, ['integrationKeys', i, 'service'], 'service');
    if (k.sns !== undefined && k.source !== 'sns') {
      ctx.addIssue({
        code: 'custom',
        path: ['integrationKeys', i, 'sns'],
        message: `sns options apply only to keys with source: sns (this key's source is ${k.source}); remove them or set source: sns`,
      });
    }
  });
  checkUnique(ctx, cfg.schedules, 'id', 'schedules');
  checkUnique(ctx, cfg.escalationPolicies, 'id', 'escalationPolicies');
  const schedules = new Set(cfg.schedules.map((s) => s.id));
  const policies = new Set(cfg.escalationPolicies.map((p) => p.id));
  cfg.schedules.forEach((s, i) => {
    if (s.team) checkRef(ctx, teams, s.team, ['schedules', i, 'team'], 'team');
    s.layers.forEach((l, j) =>
      l.users.forEach((u, k) => checkRef(ctx, users, u, ['schedules', i, 'layers', j, 'users', k], 'user')),
    );
    s.overrides.forEach((o, j) => {
      checkRef(ctx, users, o.user, ['schedules', i, 'overrides', j, 'user'], 'user');
      if (Date.parse(o.to) <= Date.parse(o.from)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', i, 'overrides', j, 'to'],
          message: 'must be after from',
        });
      }
    });
  });
  cfg.escalationPolicies.forEach((p, i) =>
    p.steps.forEach((step, j) =>
      step.targets.forEach((t, k) => {
        const path = ['escalationPolicies', i, 'steps', j, 'targets', k];
        if ('schedule' in t) checkRef(ctx, schedules, t.schedule, [...path, 'schedule'], 'schedule');
        else if ('user' in t) checkRef(ctx, users, t.user, [...path, 'user'], 'user');
        else checkRef(ctx, teams, t.team, [...path, 'team'], 'team');
      }),
    ),
  );
  for (const t of ['T1', 'T2', 'T3'] as const) {
    const policy = cfg.tiers[t].escalationPolicy;
    if (policy) {
      checkRef(ctx, policies, policy, ['tiers', t, 'escalationPolicy'], 'escalation policy');
    }
  }
  cfg.maintenance.forEach((m, i) =>
    checkRef(ctx, services, m.service, ['maintenance', i, 'service'], 'service'),
  );
  if (cfg.heartbeat) checkRef(ctx, services, cfg.heartbeat.service, ['heartbeat', 'service'], 'service');
  for (const section of ['repositories', 'argocdApps'] as const) {
    for (const [name, service] of Object.entries(cfg.deployments[section]))
      checkRef(ctx, services, service, ['deployments', section, name], 'service');
  }
  checkReachability(cfg, ctx);
}

/** Sign-in names are unique; token team scopes and the OIDC callback URL resolve. */
function checkAuth(cfg: Draft, ctx: Ctx, teams: Set<string>): void {
  const names = new Map<string, number>(cfg.users.map((u, i) => [u.id, i]));
  cfg.users.forEach((u, i) => {
    if (!u.email) return;
    const email = u.email.toLowerCase();
    const first = names.get(email);
    if (first !== undefined && first !== i) {
      ctx.addIssue({
        code: 'custom',
        path: ['users', i, 'email'],
        message: `${u.email} is also the id or email of users[${first}]; sign-in names must be unique (any case)`,
      });
    } else names.set(email, i);
  });
  cfg.apiTokens.forEach((t, i) =>
    t.teams?.forEach((team, j) => checkRef(ctx, teams, team, ['apiTokens', i, 'teams', j], 'team')),
  );
  if (cfg.auth.oidc && !cfg.auth.oidc.redirectUrl && !cfg.server.publicUrl) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'oidc', 'redirectUrl'],
      message:
        'OIDC needs a callback URL: set server.publicUrl (the callback is <publicUrl>/auth/oidc/callback) or auth.oidc.redirectUrl',
    });
  }
}

/**
 * Every person an escalation can reach must be reachable at that tier's urgency: each of their rules
 * needs a contact method of its type. A silent skip once let a real incident escalate to directors.
 */
function checkReachability(cfg: Draft, ctx: Ctx): void {
  const byId = new Map(cfg.users.map((u, i) => [u.id, { user: u, index: i }]));
  const teamMembers = new Map(cfg.teams.map((t) => [t.id, t.members]));
  const reachable = (policyId: string): Set<string> => {
    const found = new Set<string>();
    for (const step of cfg.escalationPolicies.find((p) => p.id === policyId)?.steps ?? []) {
      for (const t of step.targets) {
        if ('user' in t) found.add(t.user);
        else if ('team' in t) for (const m of teamMembers.get(t.team) ?? []) found.add(m);
        else {
          for (const l of cfg.schedules.find((s) => s.id === t.schedule)?.layers ?? [])
            for (const u of l.users) found.add(u);
        }
      }
    }
    return found;
  };
  const reported = new Set<string>();
  for (const t of ['T1', 'T2'] as const) {
    const tier = cfg.tiers[t];
    if (!tier.pages || !tier.escalationPolicy || (tier.urgency !== 'high' && tier.urgency !== 'low'))
      continue;
    const urgency = tier.urgency;
    for (const userId of reachable(tier.escalationPolicy)) {
      const entry = byId.get(userId);
      if (!entry || reported.has(`${userId}/${urgency}`)) continue;
      const rules = entry.user.notificationRules?.[urgency] ?? cfg.notificationDefaults[urgency];
      const have = new Set(entry.user.contactMethods.map((c) => c.type));
      const missing = [...new Set(rules.map((r) => r.type).filter((type) => !have.has(type)))];
      if (missing.length > 0 || rules.length === 0) {
        reported.add(`${userId}/${urgency}`);
        ctx.addIssue({
          code: 'custom',
          path: ['users', entry.index, 'contactMethods'],
          message: `${userId} can be paged at ${urgency} urgency (${t}, policy ${tier.escalationPolicy}) but has no ${missing.join(', ') || 'notification rule'} contact method; add one, or give ${userId} notificationRules.${urgency} that use methods they have`,
        });
      }
    }
  }
}
