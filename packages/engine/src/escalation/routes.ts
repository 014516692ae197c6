/**
 * The escalation policies API: each policy from the config, the tiers that use it, and whom each of
 * its steps would page right now.
 */
import { TIERS } from '../alerts/tier.ts';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';
import type { EscalationConfig } from './config.ts';

export interface PolicyRouteDeps {
  config: EscalationConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
  directory: OnCallDirectory;
}

export function policyRoutes(app: FastifyInstance, deps: PolicyRouteDeps): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/escalation-policies',
    {
      schema: {
        summary: 'Escalation policies, which tiers use them, and whom each step pages now',
        tags: ['on-call'],
        security,
      },
      preValidation: viewer,
    },
    async () => {
      const now = clock.now().getTime();
      const overrides = await directory.overrides(store.db, now, now + 1);
      return {
        policies: config.escalationPolicies.map((p) => ({
          ...p,
          // Who each step would page right now: step 1 is the primary, step 2 the backup, and so on.
          steps: p.steps.map((step) => ({
            ...step,
            now: [
              ...new Set(directory.resolveTargets(step.targets, now, overrides).flatMap((r) => r.userIds)),
            ],
          })),
          tiers: TIERS.filter((t) => config.tiers[t].escalationPolicy === p.id),
        })),
      };
    },
  );
}
