/**
 * Shifts laid out on a calendar: each local day gets the pieces of shifts that fall in it, and any time
 * nobody covers (a null-user shift, or no shift at all) becomes a gap segment.
 */
import type { Override, Shift } from '../api.ts';
import { addDays } from '../ui/time.ts';

export interface Segment {
  user: string | null;
  start: Date;
  end: Date;
  /** An override put this person here. */
  override: boolean;
}

export interface Day {
  date: Date;
  segments: Segment[];
}

/** `weeks` weeks of days from `monday`, each with its segments, gaps filled in. */
export function calendarDays(
  monday: Date,
  weeks: number,
  shifts: readonly Shift[],
  overrides: readonly Override[],
): Day[][] {
  const sorted = shifts
    .map((s) => ({ user: s.user, start: new Date(s.start), end: new Date(s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const result: Day[][] = [];
  for (let w = 0; w < weeks; w++) {
    const week: Day[] = [];
    for (let d = 0; d < 7; d++) {
      const date = addDays(monday, w * 7 + d);
      week.push({ date, segments: daySegments(date, addDays(date, 1), sorted, overrides) });
    }
    result.push(week);
  }
  return result;
}

function daySegments(
  from: Date,
  to: Date,
  shifts: readonly { user: string | null; start: Date; end: Date }[],
  overrides: readonly Override[],
): Segment[] {
  const out: Segment[] = [];
  let cursor = from;
  const gap = (end: Date) => {
    if (end > cursor) out.push({ user: null, start: cursor, end, override: false });
  };
  for (const s of shifts) {
    if (s.end <= from || s.start >= to) continue;
    const start = s.start > from ? s.start : from;
    const end = s.end < to ? s.end : to;
    if (end <= cursor) continue;
    gap(start);
    const clippedStart = start > cursor ? start : cursor;
    const last = out[out.length - 1];
    const override = s.user !== null && isOverride(s.user, clippedStart, end, overrides);
    if (
      last &&
      last.user === s.user &&
      last.end.getTime() === clippedStart.getTime() &&
      last.override === override
    ) {
      last.end = end;
    } else {
      out.push({ user: s.user, start: clippedStart, end, override });
    }
    cursor = end;
  }
  gap(to);
  return out;
}

function isOverride(user: string, start: Date, end: Date, overrides: readonly Override[]): boolean {
  return overrides.some((o) => o.user === user && new Date(o.from) < end && new Date(o.to) > start);
}
