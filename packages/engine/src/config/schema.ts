/**
 * The engine's configuration file, as one zod schema: services and teams, users and their contact
 * methods, integration keys, API tokens and the tier policies. Each section is a slice that lives with
 * its domain (`<domain>/config.ts`); this file assembles them, and references.ts checks what spans
 * slices. The same schema produces the JSON Schema that editors use for completion (`klaxon schema`).
 */
import { z } from 'zod';
import { grafanaSchema } from '../annotations/config.ts';
import { apiTokenSchema, authSchema } from '../auth/config.ts';
import { deploymentsSchema } from '../deployments/config.ts';
import { engineSchema } from '../engine/config.ts';
import { escalationPolicySchema, tierPoliciesSchema } from '../escalation/config.ts';
import { heartbeatSchema } from '../heartbeat/config.ts';
import { incidentsSchema, linksSchema } from '../incidents/config.ts';
import { integrationKeySchema } from '../ingest/config.ts';
import { maintenanceWindowSchema } from '../maintenance/config.ts';
import { notificationDefaultsSchema, notificationsSchema } from '../notifications/config.ts';
import { serviceSchema, teamSchema, userSchema } from '../org/config.ts';
import { scheduleSchema } from '../schedules/config.ts';
import { shiftRequestsSchema } from '../schedules/requests-config.ts';
import { actionLinksSchema } from '../actions/config.ts';
import { retentionSchema } from '../retention/config.ts';
import { advisoriesSchema } from '../advisories/config.ts';
import { businessHoursSchema, DEFAULT_BUSINESS_HOURS } from '../org/hours.ts';
import { serverSchema } from './config.ts';
import { checkReferences } from './references.ts';

export { TIERS, tierSchema, type Tier } from '../alerts/tier.ts';
export { ROLES, type Role, type ApiTokenConfig, type AuthConfig, type OidcConfig } from '../auth/config.ts';
export { CHANNELS, URGENCIES, type Channel, type Urgency } from '../org/config.ts';
export type { ServiceConfig, TeamConfig, UserConfig } from '../org/config.ts';
export type { ScheduleConfig } from '../schedules/config.ts';
export type { GrafanaConfig } from '../annotations/config.ts';
export type { EscalationTarget } from '../oncall/config.ts';
export type { EscalationPolicyConfig } from '../escalation/config.ts';
export {
  INTEGRATION_SOURCES,
  TEMPLATE_PLACEHOLDER,
  DEFAULT_SNS_OPTIONS,
  type IntegrationSource,
  type IntegrationKeyConfig,
  type SnsOptions,
  type SnsEventRule,
} from '../ingest/config.ts';

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    server: serverSchema,
    engine: engineSchema,
    incidents: incidentsSchema,
    tiers: tierPoliciesSchema,
    links: linksSchema,
    notifications: notificationsSchema,
    notificationDefaults: notificationDefaultsSchema,
    users: z.array(userSchema).default([]),
    teams: z.array(teamSchema).default([]),
    services: z.array(serviceSchema).min(1, 'define at least one service'),
    schedules: z.array(scheduleSchema).default([]),
    shiftRequests: shiftRequestsSchema,
    escalationPolicies: z.array(escalationPolicySchema).default([]),
    maintenance: z
      .array(maintenanceWindowSchema)
      .default([])
      .describe('Planned maintenance windows: alerts are recorded, nobody is paged.'),
    heartbeat: heartbeatSchema
      .optional()
      .describe("Dead-man's switch on Alertmanager's always-firing alert."),
    deployments: deploymentsSchema,
    grafana: grafanaSchema.optional(),
    integrationKeys: z.array(integrationKeySchema).default([]),
    apiTokens: z.array(apiTokenSchema).default([]),
    auth: authSchema,
    actionLinks: actionLinksSchema,
    retention: retentionSchema,
    businessHours: businessHoursSchema
      .default(DEFAULT_BUSINESS_HOURS)
      .describe("Teams' business hours unless a team sets its own (teams[].businessHours)."),
    advisories: advisoriesSchema,
  })
  .superRefine(checkReferences);

export type KlaxonConfig = z.output<typeof configSchema>;
export type KlaxonConfigInput = z.input<typeof configSchema>;
