/**
 * A person's working hours: `users[].workingHours` (days, start, end) in the person's time zone, by
 * default 09:00–18:00 Monday to Friday. A page outside them is an off-hours page (analytics) and, for a
 * T1, a wake-up (the backtest).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { hhmm, WEEKDAYS } from '../validation/zod.ts';

export const workingHoursSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'])
      .describe('Working days.'),
    start: hhmm.default('09:00').describe('Start of the working day, local time.'),
    end: hhmm.default('18:00').describe('End of the working day, local time (exclusive).'),
  })
  .refine((w) => w.start < w.end, {
    message: 'start must be before end (e.g. 09:00 to 18:00)',
    path: ['end'],
  });

export type WorkingHours = z.output<typeof workingHoursSchema>;

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
