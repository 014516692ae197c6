/** Calendar days as Cost Explorer counts them: UTC, `YYYY-MM-DD`. */

const DAY_MS = 86_400_000;

/** The UTC day `offsetDays` away from `now`'s, as `YYYY-MM-DD`. */
export function utcDay(now: Date, offsetDays = 0): string {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + offsetDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** The last complete day: `[yesterday, today)`, in Cost Explorer's inclusive-start, exclusive-end form. */
export function lastCompleteDay(now: Date): { Start: string; End: string } {
  return { Start: utcDay(now, -1), End: utcDay(now, 0) };
}
