/**
 * The schedules slice of the config file: schedules with their layers, rotations, restrictions, overrides,
 * owning team and override rules.
 */
import { z } from 'zod';
import type { Tier } from '../alerts/tier.ts';
import type { TeamsView } from '../auth/config.ts';
import type { UserConfig } from '../org/config.ts';
import type { ContactView, DefaultRules } from '../org/reach.ts';
import { id, hhmm, instant, zone } from '../validation/zod.ts';
import { WEEKDAYS } from './rotation.ts';

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

const layer = z.strictObject({
  name: z.string().min(1),
  users: z.array(id).min(1, 'a layer needs at least one user'),
  rotation,
  restrictions: z.array(restriction).default([]).describe('When set, the layer only covers these windows.'),
});

export const scheduleSchema = z.strictObject({
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
      'Owning team: only its members (and lead) and admins see the schedule and may add or remove overrides. Absent: everyone sees it, and only admins may change its overrides (see overridesBy).',
    ),
  overridesBy: z
    .enum(['team', 'responders'])
    .default('team')
    .describe(
      "Who may add or remove overrides through the API: team = the schedule's team members and lead, and admins (admins only when the schedule has no team); responders = any responder who can see the schedule.",
    ),
  overrideMaxDays: z
    .number()
    .int()
    .min(1)
    .max(366)
    .default(90)
    .describe('The longest override the API accepts on this schedule, in days.'),
});

export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** The schedules' owning teams: who may see each schedule. */
export interface ScheduleTeams {
  schedules: readonly Pick<ScheduleConfig, 'id' | 'team'>[];
}

/**
 * Which tiers page through which policies, and how people are reached: what the override routes read to
 * refuse putting on call someone who cannot be paged (`tiers` and `escalationPolicies` are defined by the
 * escalation slice, `notificationDefaults` by the notifications slice).
 */
export interface SchedulePagingView {
  tiers: Readonly<Record<Tier, { pages: boolean; urgency: string; escalationPolicy?: string | undefined }>>;
  escalationPolicies: readonly {
    id: string;
    steps: readonly {
      targets: readonly ({ schedule: string } | { user: string } | { team: string })[];
    }[];
  }[];
  notificationDefaults: DefaultRules;
}

/**
 * What the schedules API reads from the config: schedules with their teams and override rules, people
 * and teams, how a schedule pages, and the calendar feed settings.
 */
export interface ScheduleRoutesConfig extends SchedulePagingView, TeamsView {
  schedules: readonly Pick<ScheduleConfig, 'id' | 'team' | 'overridesBy' | 'overrideMaxDays'>[];
  users: readonly (Pick<UserConfig, 'id' | 'name' | 'role'> & ContactView)[];
  server: { publicUrl?: string | undefined; feedSecret?: string | undefined };
}
