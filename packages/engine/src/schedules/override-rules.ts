/**
 * The rules an override change must pass, because an override decides who is paged: who may change a
 * schedule's overrides, whom an override may put on call (someone who can be paged at every urgency the
 * schedule pages at), and over what range.
 */
import { TIERS, type Tier } from '../alerts/tier.ts';
import { inTeam, type Principal } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import type { Urgency } from '../org/config.ts';
import { describeReachProblem, reachProblem, type ContactView } from '../org/reach.ts';
import type { ScheduleConfig, SchedulePagingView } from './config.ts';
import { DAY } from './lookup.ts';

/** How far in the past an override may start: enough to record a shift someone has just taken over. */
export const OVERRIDE_PAST_MS = 60 * 60_000;
/** How far ahead an override may start. */
export const OVERRIDE_AHEAD_DAYS = 366;

type ScheduleRules = Pick<ScheduleConfig, 'id' | 'team' | 'overridesBy' | 'overrideMaxDays'>;

/**
 * Who may add or remove overrides on `schedule` (which `p` can see): with `overridesBy: responders`, any
 * responder; otherwise the schedule's team members and lead and admins, or, on a schedule without a team,
 * admins only. Team-scoped tokens are held to the same rule as people.
 */
export function checkOverrideRights(schedule: ScheduleRules | undefined, id: string, p: Principal): void {
  if (schedule?.overridesBy === 'responders') return;
  const team = schedule?.team;
  if (team) {
    if (inTeam(p, team)) return;
    throw new ApiError(
      'forbidden',
      `Schedule "${id}" belongs to team "${team}"; only its members or an admin may change its overrides.`,
    );
  }
  if (p.role === 'admin' && p.teams === null) return;
  throw new ApiError(
    'forbidden',
    `Schedule "${id}" has no team, so only an admin may change its overrides. Give it a team (schedules[].team) or set schedules[].overridesBy: responders in the config.`,
  );
}

export interface SchedulePaging {
  tier: Tier;
  urgency: Urgency;
  policy: string;
}

/** The tiers that page schedule `id` (through a policy with a step that targets it), with their urgency. */
export function schedulePaging(config: SchedulePagingView, id: string): SchedulePaging[] {
  const out: SchedulePaging[] = [];
  for (const tier of TIERS) {
    const t = config.tiers[tier];
    if (!t.pages || !t.escalationPolicy || (t.urgency !== 'high' && t.urgency !== 'low')) continue;
    const policy = config.escalationPolicies.find((p) => p.id === t.escalationPolicy);
    const targets = policy?.steps.some((s) => s.targets.some((x) => 'schedule' in x && x.schedule === id));
    if (targets) out.push({ tier, urgency: t.urgency, policy: t.escalationPolicy });
  }
  return out;
}

/**
 * Refuses to put on call on schedule `id` someone who does not exist (`invalid_payload`) or who cannot be
 * paged at an urgency the schedule pages at (`override_unreachable`): otherwise the step would page
 * nobody and say "paging <them>".
 */
export function checkOverrideUser(
  config: SchedulePagingView & { users: readonly ContactView[] },
  id: string,
  userId: string,
): void {
  const user = config.users.find((u) => u.id === userId);
  if (!user)
    throw new ApiError('invalid_payload', `No user "${userId}"; use an id from users in the config.`);
  for (const { tier, urgency, policy } of schedulePaging(config, id)) {
    const problem = reachProblem(user, urgency, config.notificationDefaults);
    if (problem)
      throw new ApiError(
        'override_unreachable',
        `${userId} ${describeReachProblem(problem, urgency)}, so they cannot be paged at ${urgency} urgency (${tier} pages schedule "${id}" through policy "${policy}"). Put someone on call who can be paged, or add their contact methods in the config.`,
      );
  }
}

/** Refuses an override range that is empty, starts too long ago or too far ahead, or is too long. */
export function checkOverrideRange(
  schedule: ScheduleRules | undefined,
  from: number,
  to: number,
  now: number,
): void {
  const bad = (message: string) => new ApiError('invalid_override_range', message);
  if (to <= from) throw bad('to must be after from.');
  if (from < now - OVERRIDE_PAST_MS)
    throw bad(
      `from is more than ${OVERRIDE_PAST_MS / 60_000} minutes in the past; an override changes who is paged from now on, so start it at most an hour ago.`,
    );
  if (from > now + OVERRIDE_AHEAD_DAYS * DAY)
    throw bad(`from is more than ${OVERRIDE_AHEAD_DAYS} days ahead; add the override closer to the time.`);
  const maxDays = schedule?.overrideMaxDays ?? 90;
  if (to - from > maxDays * DAY)
    throw bad(
      `An override on this schedule lasts at most ${maxDays} days (schedules[].overrideMaxDays); shorten it or change the schedule's layers instead.`,
    );
}
