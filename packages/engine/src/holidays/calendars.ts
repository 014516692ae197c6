/**
 * Each team's business calendar: its business hours (the team's own, else the top-level default) with
 * the holidays listed in the config and those last read from its iCal URL (`holiday_calendars`, team id,
 * or `*` for the default's URL). Every replica reads the same rows, so all agree on the days.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { businessCalendar, type BusinessCalendar } from '../org/business.ts';
import type { BusinessHoursConfig } from '../org/hours.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The key of the top-level default's iCal holidays in `holiday_calendars`. */
export const DEFAULT_CALENDAR = '*';

/** What the calendars read of the config. */
export interface CalendarsConfig {
  businessHours: BusinessHoursConfig;
  teams: readonly { id: string; businessHours?: BusinessHoursConfig | undefined }[];
}

function parseDates(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

/** Team id → its calendar, for every team in the config. */
export async function teamCalendars(db: Db, config: CalendarsConfig): Promise<Map<string, BusinessCalendar>> {
  const rows = await db.selectFrom('holiday_calendars').select(['team_id', 'url', 'dates']).execute();
  const read = new Map(rows.map((r) => [r.team_id, r]));
  const icalOf = (key: string, hours: BusinessHoursConfig): string[] => {
    const row = read.get(key);
    // A row read from a URL the config no longer names is ignored.
    return row && row.url === hours.holidaysUrl ? parseDates(row.dates) : [];
  };
  const out = new Map<string, BusinessCalendar>();
  for (const team of config.teams) {
    const own = team.businessHours;
    out.set(
      team.id,
      own
        ? businessCalendar(own, icalOf(team.id, own))
        : businessCalendar(config.businessHours, icalOf(DEFAULT_CALENDAR, config.businessHours)),
    );
  }
  return out;
}

/** The default calendar (teams that set none, and anything not owned by a team). */
export async function defaultCalendar(db: Db, config: CalendarsConfig): Promise<BusinessCalendar> {
  const row = await db
    .selectFrom('holiday_calendars')
    .select(['url', 'dates'])
    .where('team_id', '=', DEFAULT_CALENDAR)
    .executeTakeFirst();
  const hours = config.businessHours;
  return businessCalendar(hours, row && row.url === hours.holidaysUrl ? parseDates(row.dates) : []);
}
