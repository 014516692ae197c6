/** The schedules slice of the config file: schedules with their layers, rotations, restrictions and overrides. */
import { z } from 'zod';
import type { UserConfig } from '../org/config.ts';
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
      'Owning team: only its members (and lead) or admins may add or remove overrides. Absent: any responder.',
    ),
});

export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** The schedules' owning teams: what the override routes check before a change. */
export interface ScheduleTeams {
  schedules: readonly Pick<ScheduleConfig, 'id' | 'team'>[];
}

/** What the schedules API reads from the config: owning teams, people, and the calendar feed settings. */
export interface ScheduleRoutesConfig extends ScheduleTeams {
  users: readonly Pick<UserConfig, 'id' | 'name'>[];
  server: { publicUrl?: string | undefined; feedSecret?: string | undefined };
}
