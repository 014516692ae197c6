/**
 * What analytics reads from the config (it has no section of its own): people's working hours and the
 * teams' business hours (with their services' teams), for off-hours pages.
 */
import type { CalendarsConfig } from '../holidays/calendars.ts';
import type { UserConfig } from '../org/config.ts';

export interface AnalyticsConfig extends CalendarsConfig {
  users: readonly Pick<UserConfig, 'id' | 'timezone' | 'workingHours'>[];
  services: readonly { id: string; team: string }[];
}
