/**
 * What delivery reads from the config. Delivery has no section of its own: these are views built from
 * the slices below it, which the whole config satisfies.
 */
import type { TeamsView } from '../auth/config.ts';
import type { DeploymentsView } from '../deployments/config.ts';
import type { TiersConfig } from '../escalation/config.ts';
import type { IncidentChangesConfig, IncidentContextConfig } from '../incidents/config.ts';
import type { ProvidersConfig } from '../notifications/config.ts';
import type { ServiceConfig, UserConfig } from '../org/config.ts';

/** What composing a message reads: the incident's links, its service's name and its tier's name. */
export interface ComposeConfig extends IncidentContextConfig, TiersConfig {
  services: readonly Pick<ServiceConfig, 'id' | 'name' | 'dashboard' | 'runbookUrl' | 'logSelector'>[];
}

/** What the delivery module reads: providers and their limits, message composition, "what changed?". */
export type DeliveryConfig = ComposeConfig & DeploymentsView & ProvidersConfig;

/** What the inbound webhooks (SMS and voice replies, Slack buttons) read, roles and teams included. */
export type InboundConfig = IncidentChangesConfig &
  ProvidersConfig &
  TeamsView & {
    users: readonly Pick<UserConfig, 'id' | 'role' | 'contactMethods'>[];
    services: readonly Pick<ServiceConfig, 'id' | 'name' | 'team'>[];
  };
