/**
 * The escalation policies API: each policy from the config, the tiers that use it, and whom each of
 * its steps would page right now; narrowed to the policies that concern the caller's teams.
 */
import { TIERS } from '../alerts/tier.ts';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { ServicesView, TeamsView } from '../auth/config.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { teamsOf, type Principal } from '../auth/principal.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';
import type { ScheduleTeams } from '../schedules/config.ts';
import { scheduleVisibility } from '../schedules/lookup.ts';
import type { EscalationConfig, EscalationPolicyConfig } from './config.ts';

type PolicyScopeConfig = EscalationConfig & ScheduleTeams & TeamsView & ServicesView;

/**
 * Whether `p` may see `policy`: admins and tokens without teams see all; others see the policies that
 * page their teams' services (a paging tier's policy, when their teams own a service: tiers apply to
 * every service) and those with a target in their teams (their team's schedule, their team, or one of
 * its people).
 */
export function canSeePolicy(
  config: PolicyScopeConfig,
  p: Pick<Principal, 'teams'>,
  policy: Pick<EscalationPolicyConfig, 'id' | 'steps'>,
): boolean {
  if (p.teams === null) return true;
  const teams = new Set(p.teams);
  const ownsService = config.services.some((s) => teams.has(s.team));
  const pagesTheirs = TIERS.some(
    (t) => config.tiers[t].pages && config.tiers[t].escalationPolicy === policy.id,
  );
  if (ownsService && pagesTheirs) return true;
  const owner = new Map(config.schedules.map((s) => [s.id, s.team]));
  return policy.steps.some((step) =>
    step.targets.some((target) => {
      if ('schedule' in target) {
        const team = owner.get(target.schedule);
        return team !== undefined && teams.has(team);
      }
      if ('team' in target) return teams.has(target.team);
      return teamsOf(config, target.user).some((t) => teams.has(t));
    }),
  );
}

export interface PolicyRouteDeps {
  config: PolicyScopeConfig;
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
    async (req) => {
      const now = clock.now().getTime();
      const principal = req.principal!;
      const canSeeSchedule = scheduleVisibility(config, principal);
      const visible = config.escalationPolicies.filter((p) => canSeePolicy(config, principal, p));
      const overrides = await directory.overrides(store.db, now, now + 1);
      return {
        policies: visible.map((p) => ({
          ...p,
          // Who each step would page right now: step 1 is the primary, step 2 the backup, and so on.
          // Schedules the caller may not see are left out, as in GET /api/v1/oncall.
          steps: p.steps.map((step) => ({
            ...step,
            now: [
              ...new Set(
                directory
                  .resolveTargets(
                    step.targets.filter((t) => !('schedule' in t) || canSeeSchedule(t.schedule)),
                    now,
                    overrides,
                  )
                  .flatMap((r) => r.userIds),
              ),
            ],
          })),
          tiers: TIERS.filter((t) => config.tiers[t].escalationPolicy === p.id),
        })),
      };
    },
  );
}
