/**
 * Business hours (issue 23): the one answer to "is it business hours for this team at t", and the days
 * built on it: the digest goes out at the start of a business day, an advisory's review deadline is the
 * end of the first full business day after it opened, and the analytics count off-hours pages by it.
 * Pure functions of a `BusinessCalendar` (the config's hours plus its holidays, listed and read from
 * iCal) and epoch milliseconds; local times go through luxon, so daylight-saving changes are right.
 */
import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from '../validation/zod.ts';
import type { BusinessHoursConfig } from './hours.ts';

export interface BusinessCalendar {
  timezone: string;
  days: readonly Weekday[];
  /** "HH:mm" local. */
  start: string;
  /** "HH:mm" local, exclusive. */
  end: string;
  /** Local dates (YYYY-MM-DD) that are not business days. */
  holidays: ReadonlySet<string>;
}

/** The calendar of a business-hours config, with holidays read elsewhere (iCal) added to its own. */
export function businessCalendar(
  hours: BusinessHoursConfig,
  moreHolidays: Iterable<string> = [],
): BusinessCalendar {
  return {
    timezone: hours.timezone,
    days: hours.days,
    start: hours.start,
    end: hours.end,
    holidays: new Set([...hours.holidays, ...moreHolidays]),
  };
}

const local = (cal: BusinessCalendar, at: number) => DateTime.fromMillis(at, { zone: cal.timezone });
const at = (day: DateTime, hhmm: string) =>
  day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)), second: 0, millisecond: 0 });

/** The team's local date at `t`, YYYY-MM-DD. */
export function localDay(cal: BusinessCalendar, t: number): string {
  return local(cal, t).toISODate()!;
}

function dayIsBusiness(cal: BusinessCalendar, day: DateTime): boolean {
  return cal.days.includes(WEEKDAYS[day.weekday - 1]!) && !cal.holidays.has(day.toISODate()!);
}

/** Whether `t` falls on a business day (a working day that is not a holiday), at any hour. */
export function isBusinessDay(cal: BusinessCalendar, t: number): boolean {
  return dayIsBusiness(cal, local(cal, t));
}

/** Start and end (epoch ms) of the business day of `t`'s local date, or null when that date is not one. */
export function businessDayOf(cal: BusinessCalendar, t: number): { start: number; end: number } | null {
  const day = local(cal, t).startOf('day');
  if (!dayIsBusiness(cal, day)) return null;
  return { start: at(day, cal.start).toMillis(), end: at(day, cal.end).toMillis() };
}

/** "Is it business hours for this team at t": a business day, between its start and end. */
export function isBusinessHours(cal: BusinessCalendar, t: number): boolean {
  const day = businessDayOf(cal, t);
  return day !== null && t >= day.start && t < day.end;
}

const UTC_DAY = 86_400_000;

/**
 * `isBusinessHours(cal, t)` for many instants (the analytics place every page): the same answer, with
 * the business days that overlap each UTC day computed once (a UTC day overlaps at most two local
 * dates, those of its first and last instant), so each further instant costs a comparison, not a
 * time-zone conversion.
 */
export function businessHoursTest(cal: BusinessCalendar): (t: number) => boolean {
  const byUtcDay = new Map<number, { start: number; end: number }[]>();
  return (t) => {
    const d = Math.floor(t / UTC_DAY);
    let spans = byUtcDay.get(d);
    if (!spans) {
      const first = businessDayOf(cal, d * UTC_DAY);
      const last = businessDayOf(cal, (d + 1) * UTC_DAY - 1);
      spans = [first, last].filter((s): s is { start: number; end: number } => s !== null);
      byUtcDay.set(d, spans);
    }
    return spans.some((s) => t >= s.start && t < s.end);
  };
}

/** Days looked ahead for the next business day; a calendar with none in this span has none at all. */
const HORIZON_DAYS = 400;

/**
 * The first business day whose start is at or after `t`: its start and end. Throws when there is none
 * within a year and a month (every day a holiday).
 */
export function nextBusinessDay(cal: BusinessCalendar, t: number): { start: number; end: number } {
  let day = local(cal, t).startOf('day');
  for (let i = 0; i <= HORIZON_DAYS; i++, day = day.plus({ days: 1 })) {
    if (!dayIsBusiness(cal, day)) continue;
    const start = at(day, cal.start).toMillis();
    if (start >= t) return { start, end: at(day, cal.end).toMillis() };
  }
  throw new Error(`no business day within ${HORIZON_DAYS} days of ${new Date(t).toISOString()}`);
}

/**
 * An advisory's review deadline: the end of the first full business day after `t` (a T3 at 23:00 on a
 * Friday: Monday's end of day; at 10:00 on a Tuesday: Wednesday's).
 */
export function reviewDeadline(cal: BusinessCalendar, t: number): number {
  return nextBusinessDay(cal, t).end;
}
