/** The deployments slice of the config file: "what changed?" and the webhook-to-service mappings. */
import { z } from 'zod';
import type { AnnotationsConfig } from '../annotations/config.ts';
import type { ServicesView } from '../auth/config.ts';
import type { ServiceConfig } from '../org/config.ts';
import { id } from '../validation/zod.ts';

export const deploymentsSchema = z
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

export type DeploymentsConfig = z.output<typeof deploymentsSchema>;

/** What "what changed?" and webhook normalisation read: service ids and dependencies, and `deployments`. */
export interface DeploymentsView {
  services: readonly Pick<ServiceConfig, 'id' | 'dependsOn'>[];
  deployments: DeploymentsConfig;
}

/** What the deployments API reads: the above, the services' teams for scoping, and whether Grafana is on. */
export type DeploymentRoutesConfig = DeploymentsView & ServicesView & AnnotationsConfig;
