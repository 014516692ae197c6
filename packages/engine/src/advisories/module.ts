/**
 * The advisories engine module (issue 23): each tick syncs the `advisories` rows with the incidents
 * (advisories/sync.ts): a row for every new T3 incident, and `promoted` for those their alerts raised.
 * An idempotent pass; two replicas running it at once write each row once.
 */
import type { EngineModule } from '../engine/loop.ts';
import { teamCalendars, type CalendarsConfig } from '../holidays/calendars.ts';
import { syncAdvisories, type AdvisorySyncConfig } from './sync.ts';

/** What the module reads of the config. */
export type AdvisoriesModuleConfig = CalendarsConfig & AdvisorySyncConfig;

/** How often the sync runs at most: a T3 never pages, so a few seconds' delay costs nothing. */
export const ADVISORY_SYNC_EVERY_MS = 5_000;

export function advisoriesModule(config: AdvisoriesModuleConfig): EngineModule {
  return {
    name: 'advisories',
    everyMs: ADVISORY_SYNC_EVERY_MS,
    async tick({ trx, now }) {
      const calendars = await teamCalendars(trx, config);
      await syncAdvisories(trx, now.getTime(), calendars, config);
    },
  };
}
