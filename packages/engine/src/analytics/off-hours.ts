/**
 * Which pages were sent off hours, by the one business-hours function (org/business.ts): a person with
 * `workingHours` of their own is paged off hours outside them (in their zone, without holidays);
 * anyone else, outside the business hours of the team that owns the incident's service (its zone, days,
 * hours and holidays, listed and read from iCal; the default calendar for a service without a team).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { defaultCalendar, teamCalendars } from '../holidays/calendars.ts';
import { businessHoursTest, type BusinessCalendar } from '../org/business.ts';
import type { AnalyticsConfig } from './config.ts';

export interface OffHoursTest {
  /** Identifies the calendars: counts kept in memory under another key were made by other ones. */
  key: string;
  /** Whether a page to `userId` for an incident of `serviceId` at `sentAt` (ms) was off hours. */
  offHours(sentAt: number, userId: string, serviceId: string): boolean;
}

const describeCal = (c: BusinessCalendar) => [c.timezone, c.days, c.start, c.end, [...c.holidays].sort()];

/** The off-hours test of the config's people and teams, with the holidays last read from iCal. */
export async function offHoursTest(db: Kysely<Database>, config: AnalyticsConfig): Promise<OffHoursTest> {
  const teams = await teamCalendars(db, config);
  const fallback = await defaultCalendar(db, config);
  const teamOf = new Map(config.services.map((s) => [s.id, s.team]));
  const own = new Map<string, BusinessCalendar>();
  for (const u of config.users)
    if (u.workingHours)
      own.set(u.id, {
        timezone: u.timezone,
        days: u.workingHours.days,
        start: u.workingHours.start,
        end: u.workingHours.end,
        holidays: new Set(),
      });
  const calendarOf = (userId: string, serviceId: string): BusinessCalendar => {
    const mine = own.get(userId);
    if (mine) return mine;
    const team = teamOf.get(serviceId);
    return (team !== undefined ? teams.get(team) : undefined) ?? fallback;
  };
  // isBusinessHours, computed once per calendar and UTC day (a cold start places 90 days of pages).
  const tests = new Map<BusinessCalendar, (t: number) => boolean>();
  const inHours = (cal: BusinessCalendar, t: number) => {
    let test = tests.get(cal);
    if (!test) tests.set(cal, (test = businessHoursTest(cal)));
    return test(t);
  };
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        own: [...own].map(([id, c]) => [id, describeCal(c)]),
        teams: [...teams].map(([id, c]) => [id, describeCal(c)]),
        fallback: describeCal(fallback),
        services: [...teamOf],
      }),
    )
    .digest('base64url');
  return {
    key,
    offHours: (sentAt, userId, serviceId) => !inHours(calendarOf(userId, serviceId), sentAt),
  };
}
