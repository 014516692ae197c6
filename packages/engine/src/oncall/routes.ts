/**
 * The on-call API: who is on call at an instant (default now), for one schedule or all those the caller
 * may see (the same schedules as /schedules), with the overrides applied.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import type { ScheduleTeams } from '../schedules/config.ts';
import { findSchedule, iso, scheduleVisibility, time } from '../schedules/lookup.ts';
import type { OnCallDirectory } from './directory.ts';

export interface OnCallRouteDeps {
  config: ScheduleTeams;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
  directory: OnCallDirectory;
}

const oncallQuery = z.strictObject({ schedule: z.string().max(63).optional(), at: time.optional() });

export function onCallRoutes(app: FastifyInstance, deps: OnCallRouteDeps): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/oncall',
    {
      schema: {
        summary: 'Who is on call at an instant (default now), for one schedule or all',
        tags: ['on-call'],
        security,
        querystring: oncallQuery,
        response: {
          200: z.object({
            at: z.string(),
            oncall: z.array(z.object({ schedule: z.string(), user: z.string().nullable() })),
          }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const q = req.query as z.output<typeof oncallQuery>;
      const at = q.at ? Date.parse(q.at) : clock.now().getTime();
      const canSee = scheduleVisibility(config, req.principal!);
      const ids = q.schedule
        ? [findSchedule(directory, q.schedule, canSee).id]
        : [...directory.schedules.keys()].filter(canSee);
      const overrides = await directory.overrides(store.db, at, at + 1, ids);
      return {
        at: iso(at),
        oncall: ids.map((id) => ({ schedule: id, user: directory.onCall(id, overrides.get(id) ?? [], at) })),
      };
    },
  );
}
