/**
 * Business hours in real zones, at injected instants: the next business day across a weekend and a
 * holiday, the start (inclusive) and end (exclusive) of the hours, daylight-saving change days, and the
 * review deadline of an advisory.
 */
import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  businessDayOf,
  businessHoursTest,
  isBusinessDay,
  isBusinessHours,
  localDay,
  nextBusinessDay,
  reviewDeadline,
} from './business.ts';
import { businessHoursSchema } from './hours.ts';

const at = (iso: string) => Date.parse(iso);
const cal = (input: Record<string, unknown>, more: string[] = []) =>
  businessCalendar(businessHoursSchema.parse(input), more);

const newYork = cal({ timezone: 'America/New_York' });

describe('business hours', () => {
  it('after 23:00 on a Friday in New York, the next business day is Monday from 09:00 New York time', () => {
    const friday23 = at('2026-03-07T04:00:00Z'); // Friday 2026-03-06 23:00 EST
    expect(localDay(newYork, friday23)).toBe('2026-03-06');
    expect(isBusinessDay(newYork, friday23)).toBe(true);
    expect(isBusinessHours(newYork, friday23)).toBe(false);
    const next = nextBusinessDay(newYork, friday23);
    // Monday 2026-03-09 is after the US change to EDT (Sunday 2026-03-08): 09:00 EDT = 13:00Z.
    expect(next).toEqual({ start: at('2026-03-09T13:00:00Z'), end: at('2026-03-09T22:00:00Z') });
    expect(localDay(newYork, next.start)).toBe('2026-03-09');
  });

  it('skips a holiday Monday to Tuesday, whether the holiday is listed or read from iCal', () => {
    const friday23 = at('2026-03-07T04:00:00Z');
    const listed = cal({ timezone: 'America/New_York', holidays: ['2026-03-09'] });
    const read = cal({ timezone: 'America/New_York' }, ['2026-03-09']);
    for (const c of [listed, read]) {
      expect(isBusinessDay(c, at('2026-03-09T15:00:00Z'))).toBe(false);
      expect(isBusinessHours(c, at('2026-03-09T15:00:00Z'))).toBe(false);
      expect(businessDayOf(c, at('2026-03-09T15:00:00Z'))).toBeNull();
      expect(nextBusinessDay(c, friday23).start).toBe(at('2026-03-10T13:00:00Z'));
    }
  });

  it('a weekend is not business hours, at any hour', () => {
    for (const iso of ['2026-03-07T15:00:00Z', '2026-03-08T18:00:00Z']) {
      expect(isBusinessDay(newYork, at(iso))).toBe(false);
      expect(isBusinessHours(newYork, at(iso))).toBe(false);
    }
    // A team that works Sunday to Thursday: Sunday is a business day, Friday is not.
    const dubai = cal({
      timezone: 'Asia/Dubai',
      days: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'],
    });
    expect(isBusinessHours(dubai, at('2026-03-08T06:00:00Z'))).toBe(true); // Sunday 10:00 +04
    expect(isBusinessHours(dubai, at('2026-03-06T06:00:00Z'))).toBe(false); // Friday 10:00
    expect(nextBusinessDay(dubai, at('2026-03-05T15:00:00Z')).start).toBe(at('2026-03-08T05:00:00Z'));
  });

  it('is business hours from the start (inclusive) to the end (exclusive)', () => {
    const start = at('2026-03-10T13:00:00Z'); // Tuesday 09:00 EDT
    const end = at('2026-03-10T22:00:00Z'); // 18:00 EDT
    expect(isBusinessHours(newYork, start - 1)).toBe(false);
    expect(isBusinessHours(newYork, start)).toBe(true);
    expect(isBusinessHours(newYork, end - 1)).toBe(true);
    expect(isBusinessHours(newYork, end)).toBe(false);
    expect(businessDayOf(newYork, start + 3_600_000)).toEqual({ start, end });
    // At the start exactly, the next business day is this one.
    expect(nextBusinessDay(newYork, start).start).toBe(start);
    expect(nextBusinessDay(newYork, start + 1).start).toBe(at('2026-03-11T13:00:00Z'));
  });

  it('starts at 09:00 local on and after the daylight-saving changes in Berlin', () => {
    const everyDay = cal({
      timezone: 'Europe/Berlin',
      days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
    });
    // Sunday 2026-03-29: clocks go from 02:00 CET to 03:00 CEST. At 01:00 CET (00:00Z) the day's start
    // is 09:00 CEST = 07:00Z, and its end 18:00 CEST = 16:00Z.
    expect(nextBusinessDay(everyDay, at('2026-03-29T00:00:00Z'))).toEqual({
      start: at('2026-03-29T07:00:00Z'),
      end: at('2026-03-29T16:00:00Z'),
    });
    // The day before it was still 09:00 CET = 08:00Z.
    expect(nextBusinessDay(everyDay, at('2026-03-27T23:30:00Z')).start).toBe(at('2026-03-28T08:00:00Z'));
    // Sunday 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET; 09:00 CET = 08:00Z.
    expect(nextBusinessDay(everyDay, at('2026-10-24T22:30:00Z')).start).toBe(at('2026-10-25T08:00:00Z'));
    expect(isBusinessHours(everyDay, at('2026-10-25T07:30:00Z'))).toBe(false); // 08:30 CET
    expect(isBusinessHours(everyDay, at('2026-10-25T08:00:00Z'))).toBe(true);

    const weekdays = cal({ timezone: 'Europe/Berlin' });
    // Friday 2026-03-27 23:00 CET → Monday 2026-03-30 09:00 CEST (07:00Z), across the change weekend.
    expect(nextBusinessDay(weekdays, at('2026-03-27T22:00:00Z')).start).toBe(at('2026-03-30T07:00:00Z'));
    // Friday 2026-10-23 23:00 CEST → Monday 2026-10-26 09:00 CET (08:00Z).
    expect(nextBusinessDay(weekdays, at('2026-10-23T21:00:00Z')).start).toBe(at('2026-10-26T08:00:00Z'));
  });

  it('puts the review deadline at the end of the first full business day after the advisory', () => {
    // A T3 at 23:00 on a Friday: Monday's end of day (18:00 EDT = 22:00Z).
    expect(reviewDeadline(newYork, at('2026-03-07T04:00:00Z'))).toBe(at('2026-03-09T22:00:00Z'));
    // At 10:00 on a Tuesday: Wednesday's.
    expect(reviewDeadline(newYork, at('2026-03-10T14:00:00Z'))).toBe(at('2026-03-11T22:00:00Z'));
    // At 08:00 on a Tuesday, before the day starts: Tuesday is a full business day after it.
    expect(reviewDeadline(newYork, at('2026-03-10T12:00:00Z'))).toBe(at('2026-03-10T22:00:00Z'));
    // A holiday Monday moves it to Tuesday.
    const holiday = cal({ timezone: 'America/New_York', holidays: ['2026-03-09'] });
    expect(reviewDeadline(holiday, at('2026-03-07T04:00:00Z'))).toBe(at('2026-03-10T22:00:00Z'));
  });

  it('businessHoursTest answers as isBusinessHours, across zones, daylight-saving changes and holidays', () => {
    const cals = [
      newYork,
      cal({ timezone: 'Europe/Berlin', holidays: ['2026-03-30'] }),
      cal({ timezone: 'Pacific/Kiritimati', start: '00:00', end: '23:59' }), // UTC+14
      cal({ timezone: 'Pacific/Pago_Pago', start: '08:10', end: '17:45' }), // UTC-11
      cal({ timezone: 'Asia/Kathmandu', days: ['sunday', 'monday'] }), // UTC+5:45
    ];
    for (const c of cals) {
      const test = businessHoursTest(c);
      let differ = 0;
      let inHours = 0;
      // Every 7 minutes over the March changes (US 8th, EU 29th) and the October/November ones.
      for (const [from, to] of [
        ['2026-03-05T00:00:00Z', '2026-04-02T00:00:00Z'],
        ['2026-10-22T00:00:00Z', '2026-11-03T00:00:00Z'],
      ] as const)
        for (let t = at(from); t < at(to); t += 7 * 60_000) {
          const want = isBusinessHours(c, t);
          if (test(t) !== want) differ++;
          if (want) inHours++;
        }
      expect(differ, c.timezone).toBe(0);
      expect(inHours, c.timezone).toBeGreaterThan(100);
    }
  });

  it('throws when no business day comes within the horizon', () => {
    const days: string[] = [];
    for (let d = at('2026-01-01T00:00:00Z'); d < at('2027-03-01T00:00:00Z'); d += 86_400_000)
      days.push(new Date(d).toISOString().slice(0, 10));
    const never = cal({ timezone: 'UTC' }, days);
    expect(() => nextBusinessDay(never, at('2026-01-01T00:00:00Z'))).toThrow(/no business day/);
  });
});
