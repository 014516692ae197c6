/** What analytics reads from the config (it has no section of its own): people's time zones and working hours, for off-hours pages. */
import type { UserConfig } from '../org/config.ts';

export interface AnalyticsConfig {
  users: readonly Pick<UserConfig, 'id' | 'timezone' | 'workingHours'>[];
}
