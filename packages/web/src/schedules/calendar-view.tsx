/** One schedule's calendar: a row per week, a cell per day, each shift piece named; gaps in red. */
import type { Override, OverrideSource } from '../api.ts';
import type { NameOf } from '../oncall/people.ts';
import { ErrorBanner, When } from '../ui/components.tsx';
import { addDays, formatDateTime, formatTime, localDate } from '../ui/time.ts';
import { calendarDays } from './calendar.ts';
import type { Segment } from './calendar.ts';
import type { ScheduleData } from './schedules.tsx';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const midnight = (d: Date) => d.getHours() === 0 && d.getMinutes() === 0;

/** "all day", "until 09:00", "from 09:00" or "09:00–17:00": the piece of the day a segment covers. */
function span(s: Segment): string {
  const fromStart = midnight(s.start);
  const toEnd = midnight(s.end);
  if (fromStart && toEnd) return 'all day';
  if (fromStart) return `until ${formatTime(s.end)}`;
  if (toEnd) return `from ${formatTime(s.start)}`;
  return `${formatTime(s.start)}–${formatTime(s.end)}`;
}

const SOURCE_LABEL: Record<OverrideSource, string> = {
  api: 'override',
  cover: 'cover',
  swap: 'swap',
  temporary: 'temporary schedule',
};

/** The override behind an override segment: a cover, a swap, a temporary schedule's shift, or a direct one. */
function overrideOf(s: Segment, overrides: readonly Override[]): Override | null {
  if (!s.override) return null;
  return (
    overrides.find((x) => x.user === s.user && new Date(x.from) < s.end && new Date(x.to) > s.start) ?? null
  );
}

interface Props {
  data: ScheduleData;
  monday: Date;
  weeks: number;
  now: Date;
  nameOf: NameOf;
  /** A colour per person (a hue), so a rotation reads at a glance. */
  hueOf: (user: string) => number;
}

export function ScheduleCalendar({ data, monday, weeks, now, nameOf, hueOf }: Props) {
  const { schedule, shifts } = data;
  const today = localDate(now);
  const days = shifts ? calendarDays(monday, weeks, shifts, data.overrides) : null;
  return (
    <section
      className="card schedule"
      data-testid={`schedule-${schedule.id}`}
      aria-labelledby={`sch-${schedule.id}`}
    >
      <div className="schedule-head">
        <h2 id={`sch-${schedule.id}`}>{schedule.name}</h2>
        <span className="small">
          Now:{' '}
          <strong>
            {schedule.onCall ? nameOf(schedule.onCall) : <span className="error-text">nobody</span>}
          </strong>
          {schedule.nextHandoff ? (
            <>
              {' '}
              · next {nameOf(schedule.nextHandoff.user)} <When at={schedule.nextHandoff.start} compact />
            </>
          ) : null}
        </span>
      </div>
      {data.temporary
        .filter((t) => new Date(t.to) > monday && new Date(t.from) < addDays(monday, weeks * 7))
        .map((t) => (
          <p key={t.id} className="small temporary-note" data-testid="temporary-note">
            <strong>{t.name}</strong> replaces this schedule {formatDateTime(t.from)} → {formatDateTime(t.to)}
          </p>
        ))}
      <ErrorBanner message={data.error} />
      {days ? (
        <div className="calendar" role="table" aria-label={`${schedule.name} shifts`}>
          <div className="cal-row cal-head" role="row">
            {WEEKDAYS.map((d) => (
              <span key={d} role="columnheader">
                {d}
              </span>
            ))}
          </div>
          {days.map((week, w) => (
            <div className="cal-row" role="row" key={w}>
              {week.map((day) => {
                const key = localDate(day.date);
                return (
                  <div role="cell" key={key} className={`cal-day${key === today ? ' today' : ''}`}>
                    <div className="cal-date">
                      {day.date.toLocaleDateString(undefined, {
                        weekday: 'short',
                        day: 'numeric',
                        month: 'short',
                      })}
                    </div>
                    {day.segments.map((s) => {
                      const o = overrideOf(s, data.overrides);
                      const source: OverrideSource | null = s.override ? (o?.source ?? 'api') : null;
                      // A temporary schedule's shift carries the schedule's name ("Launch night").
                      const label =
                        source === 'temporary'
                          ? (data.temporary.find((t) => t.id === o?.sourceId)?.name ?? SOURCE_LABEL.temporary)
                          : source
                            ? SOURCE_LABEL[source]
                            : null;
                      return (
                        <div
                          key={s.start.getTime()}
                          className={`shift${s.user === null ? ' gap' : ''}${s.override ? ' override' : ''}`}
                          data-testid="shift"
                          data-user={s.user ?? ''}
                          data-gap={s.user === null ? 'true' : undefined}
                          data-start={s.start.toISOString()}
                          data-end={s.end.toISOString()}
                          data-source={source ?? undefined}
                          style={s.user === null ? undefined : { ['--user-hue' as string]: hueOf(s.user) }}
                          title={`${s.user === null ? 'Nobody on call' : nameOf(s.user)} ${span(s)}${label ? ` (${label})` : ''}`}
                        >
                          <span className="shift-who">
                            {s.user === null ? 'Gap: nobody' : nameOf(s.user)}
                          </span>
                          <span className="shift-time">{span(s)}</span>
                          {source && source !== 'api' ? (
                            <span className={`shift-source source-${source}`}>{label}</span>
                          ) : null}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}
