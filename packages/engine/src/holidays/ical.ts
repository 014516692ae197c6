/**
 * The holidays of an iCal (RFC 5545) calendar: the local dates of its all-day events, read with ical.js
 * (Mozilla's parser: line unfolding, parameters, `DTEND`/`DURATION`, every `RRULE` and `EXDATE`).
 * An event whose start has a time is a meeting, not a holiday, and is skipped; a multi-day event covers
 * each day from its start up to its exclusive end; recurring events are expanded over the years asked
 * for. A body that is not a calendar, or a value that is not what its property needs, throws `IcalError`.
 */
import ICAL from 'ical.js';

/** Dates one calendar may contribute. */
export const MAX_DATES = 5000;
/** The longest multi-day event, in days. */
const MAX_SPAN_DAYS = 366;
/** Occurrences of one recurring event looked at, at most (a daily rule over three years fits). */
const MAX_OCCURRENCES = 2000;
/** Occurrences of all events looked at, at most: a hostile calendar cannot hold the event loop. */
export const MAX_STEPS = 20_000;

export class IcalError extends Error {}

type Time = InstanceType<typeof ICAL.Time>;

const isoDate = (t: Time) =>
  `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;

function parse(text: string): InstanceType<typeof ICAL.Component> {
  const body = text.replace(/^\uFEFF/, '');
  if (!/^BEGIN:VCALENDAR\r?\n/i.test(body))
    throw new IcalError('not an iCal calendar: it does not start with BEGIN:VCALENDAR');
  // ical.js accepts a block left open; a calendar cut short (or not one) is refused here.
  const open: string[] = [];
  for (const m of body.matchAll(/^(BEGIN|END):([A-Za-z-]+)\r?$/gim)) {
    const kind = m[2]!.toUpperCase();
    if (m[1]!.toUpperCase() === 'BEGIN') open.push(kind);
    else if (open.pop() !== kind) throw new IcalError(`END:${kind} does not close the open block`);
  }
  if (open.length > 0) throw new IcalError(`BEGIN:${open.at(-1)} is never closed`);
  // ical.js reads a malformed date as no date at all; a holiday lost that way would go unnoticed.
  for (const m of body
    .replace(/\r?\n[ \t]/g, '')
    .matchAll(/^(DTSTART|DTEND|EXDATE|RDATE)(;[^:\r\n]*)?:(.*?)\r?$/gim))
    for (const v of m[3]!.split(','))
      if (!/^\d{8}(T\d{6}Z?)?$/.test(v.trim()))
        throw new IcalError(
          `${m[1]!.toUpperCase()} is not a date (YYYYMMDD) or a date-time: ${v.slice(0, 40)}`,
        );
  try {
    return new ICAL.Component(ICAL.parse(body) as unknown[]);
  } catch (err) {
    throw new IcalError(`not a valid iCal calendar: ${(err as Error).message.slice(0, 200)}`);
  }
}

/** The days of one occurrence starting at `start` and lasting `span` days, within the years asked for. */
function addDays(start: Time, span: number, fromYear: number, toYear: number, dates: Set<string>) {
  for (let i = 0; i < span; i++) {
    const day = start.clone();
    day.adjust(i, 0, 0, 0);
    if (day.year < fromYear || day.year > toYear) continue;
    dates.add(isoDate(day));
    if (dates.size > MAX_DATES) throw new IcalError(`more than ${MAX_DATES} holiday dates`);
  }
}

/**
 * The holidays of `text`: the dates (YYYY-MM-DD, sorted, unique) of its all-day events that fall in the
 * years `fromYear`..`toYear`, recurrences expanded over them.
 */
export function icalHolidays(text: string, fromYear: number, toYear: number): string[] {
  const calendar = parse(text);
  const dates = new Set<string>();
  let steps = 0;
  for (const component of calendar.getAllSubcomponents('vevent')) {
    let event: InstanceType<typeof ICAL.Event>;
    let start: Time | null;
    try {
      event = new ICAL.Event(component);
      start = event.startDate;
    } catch (err) {
      throw new IcalError(`an event is not valid: ${(err as Error).message.slice(0, 200)}`);
    }
    if (!start) throw new IcalError('an event has no DTSTART');
    if (!start.isDate) continue;
    const end = event.endDate;
    const span = end ? Math.round(end.subtractDate(start).toSeconds() / 86_400) : 1;
    if (span < 1) continue;
    if (span > MAX_SPAN_DAYS) throw new IcalError(`an all-day event longer than ${MAX_SPAN_DAYS} days`);
    if (!event.isRecurring()) {
      addDays(start, span, fromYear, toYear, dates);
      continue;
    }
    // ical.js moves a date a year or month does not have (29 February, the 31st) to the next day;
    // RFC 5545 ignores such an occurrence, and so do we for rules that only repeat the start's date.
    const rule = component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null;
    const sameDate =
      rule !== null && Object.keys(rule.parts).length === 0
        ? rule.freq === 'YEARLY'
          ? (t: Time) => t.month === start.month && t.day === start.day
          : rule.freq === 'MONTHLY'
            ? (t: Time) => t.day === start.day
            : null
        : null;
    const it = event.iterator();
    for (let k = 0; k < MAX_OCCURRENCES; k++) {
      if (++steps > MAX_STEPS)
        throw new IcalError(`more than ${MAX_STEPS} recurrences to expand: not a holiday calendar`);
      const next = it.next();
      if (!next || next.year > toYear) break;
      if (sameDate && !sameDate(next)) continue;
      if (next.year >= fromYear - 1) addDays(next, span, fromYear, toYear, dates);
    }
  }
  return [...dates].sort();
}
