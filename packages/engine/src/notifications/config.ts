/**
 * The notifications slice of the config file: delivery providers and their limits (`notifications`), and
 * the notification rules of people without their own (`notificationDefaults`).
 */
import { z } from 'zod';
import type { Tier } from '../alerts/tier.ts';
import { notificationRuleSchema, type ServiceConfig } from '../org/config.ts';
import { id, secret } from '../validation/zod.ts';

/** The push services of the major browsers: the hosts a registered subscription's endpoint may name. */
export const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.notify.windows.com',
  'web.push.apple.com',
] as const;

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
    endpointHosts: z
      .array(z.string().min(1).max(253))
      .max(50)
      .default([...DEFAULT_PUSH_HOSTS])
      .describe(
        "Push services a browser may register (host names; `*.example.com` matches subdomains). The default lists the browsers' own services (Chrome, Firefox, Edge, Safari); add your own ntfy or autopush host.",
      ),
    allowInsecureEndpoints: z
      .boolean()
      .default(false)
      .describe('Accept http:// push endpoints (local tests only).'),
  }),
  z.strictObject({
    id,
    type: z.literal('outbox'),
    path: z.string().min(1).describe('File every message is appended to, one JSON line each.'),
    channels: z.array(z.enum(['voice', 'sms', 'push', 'email', 'slack', 'webhook', 'pagerduty'])).optional(),
  }),
]);

const rateLimit = z.strictObject({ max: z.number().int().min(1), windowMinutes: z.number().positive() });

export const notificationsSchema = z
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

export const notificationDefaultsSchema = z
  .strictObject({ high: z.array(notificationRuleSchema).min(1), low: z.array(notificationRuleSchema).min(1) })
  .default({
    high: defaultRules.high.map((r) => ({ ...r })),
    low: defaultRules.low.map((r) => ({ ...r })),
  })
  .describe('Notification rules per urgency for users without their own.');

export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type ProviderConfig = NotificationsConfig['providers'][number];
export type NotificationDefaults = z.output<typeof notificationDefaultsSchema>;

/** What building the providers reads: the `notifications` section. */
export interface ProvidersConfig {
  notifications: NotificationsConfig;
}

/**
 * What finding a service's announcement channels reads: its `notify` section, and whether its tier pages
 * (`tiers`, defined by the escalation slice).
 */
export interface ChannelTargetsConfig {
  services: readonly Pick<ServiceConfig, 'id' | 'notify'>[];
  tiers: Readonly<Record<Tier, { pages: boolean }>>;
}
