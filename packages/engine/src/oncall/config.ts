/**
 * The on-call slice of the config file: whom an escalation step reaches (a schedule, a user or a team),
 * and the view of the config the on-call directory reads.
 */
import { z } from 'zod';
import type { NotificationDefaults } from '../notifications/config.ts';
import type { TeamConfig, UserConfig } from '../org/config.ts';
import type { ScheduleConfig } from '../schedules/config.ts';
import { id } from '../validation/zod.ts';

export const escalationTargetSchema = z.union([
  z.strictObject({ schedule: id }),
  z.strictObject({ user: id }),
  z.strictObject({ team: id }),
]);

export type EscalationTarget = z.output<typeof escalationTargetSchema>;

/** What the on-call directory reads: schedules, team members, and how each person is notified. */
export interface OnCallConfig {
  schedules: readonly ScheduleConfig[];
  teams: readonly Pick<TeamConfig, 'id' | 'members'>[];
  users: readonly Pick<UserConfig, 'id' | 'contactMethods' | 'notificationRules'>[];
  notificationDefaults: NotificationDefaults;
}
