/**
 * A person's working hours: `users[].workingHours` (days, start, end) in the person's time zone, by
 * default 09:00–18:00 Monday to Friday. A page outside them is an off-hours page (analytics) and, for a
 * T1, a wake-up (the backtest).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { hhmm, WEEKDAYS, zone } from '../validation/zod.ts';

/** Days and hours of a working day, a person's and a team's alike: 09:00–18:00 Monday to Friday by default. */
const dayFields = {
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'])
    .describe('Working days.'),
  start: hhmm.default('09:00').describe('Start of the working day, local time.'),
  end: hhmm.default('18:00').describe('End of the working day, local time (exclusive).'),
};
const startBeforeEnd: [(w: { start: string; end: string }) => boolean, { message: string; path: string[] }] =
  [(w) => w.start < w.end, { message: 'start must be before end (e.g. 09:00 to 18:00)', path: ['end'] }];

export const workingHoursSchema = z.strictObject(dayFields).refine(...startBeforeEnd);

export type WorkingHours = z.output<typeof workingHoursSchema>;

const isoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'use a date as "YYYY-MM-DD", e.g. "2026-12-25"');

/**
 * A team's business hours (issue 23): when advisories are reviewed, when the daily digest goes out (the
 * start of each business day) and what counts as off hours in the analytics. `businessHours` at the top of
 * the config is the default for teams that set none.
 */
export const businessHoursSchema = z
  .strictObject({
    timezone: zone.default('UTC').describe('IANA time zone the days and hours are in, e.g. Europe/Berlin.'),
    ...dayFields,
    holidays: z
      .array(isoDate)
      .max(1000)
      .default([])
      .describe('Local dates that are not business days, e.g. ["2026-12-25"].'),
    holidaysUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'An iCal (.ics) calendar of holidays, read every holidaysRefreshMinutes; each all-day event is a holiday. Failures are logged and counted, and the last good copy stays in use.',
      ),
    holidaysRefreshMinutes: z
      .number()
      .int()
      .min(5)
      .max(10080)
      .default(360)
      .describe('How often holidaysUrl is read again.'),
  })
  .refine(...startBeforeEnd);

export type BusinessHoursConfig = z.output<typeof businessHoursSchema>;
export const DEFAULT_BUSINESS_HOURS: BusinessHoursConfig = businessHoursSchema.parse({});

export const DEFAULT_WORKING_HOURS: WorkingHours = workingHoursSchema.parse({});

/** What the off-hours test reads of a person. */
export interface HoursOf {
  timezone: string;
  workingHours?: WorkingHours | undefined;
}

const minuteOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Outside the person's working hours at `at` (epoch ms), in their time zone. */
export function isOffHours(at: number, person: HoursOf): boolean {
  const hours = person.workingHours ?? DEFAULT_WORKING_HOURS;
  const local = DateTime.fromMillis(at, { zone: person.timezone });
  const minute = local.hour * 60 + local.minute;
  return (
    !hours.days.includes(WEEKDAYS[local.weekday - 1]!) ||
    minute < minuteOf(hours.start) ||
    minute >= minuteOf(hours.end)
  );
}
