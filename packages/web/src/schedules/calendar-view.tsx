/** One schedule's calendar: a row per week, a cell per day, each shift piece named; gaps in red. */
import type { NameOf } from '../oncall/people.ts';
import { ErrorBanner, When } from '../ui/components.tsx';
import { formatTime, localDate } from '../ui/time.ts';
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
                    {day.segments.map((s) => (
                      <div
                        key={s.start.getTime()}
                        className={`shift${s.user === null ? ' gap' : ''}${s.override ? ' override' : ''}`}
                        data-testid="shift"
                        data-user={s.user ?? ''}
                        data-gap={s.user === null ? 'true' : undefined}
                        data-start={s.start.toISOString()}
                        data-end={s.end.toISOString()}
                        style={s.user === null ? undefined : { ['--user-hue' as string]: hueOf(s.user) }}
                        title={`${s.user === null ? 'Nobody on call' : nameOf(s.user)} ${span(s)}${s.override ? ' (override)' : ''}`}
                      >
                        <span className="shift-who">{s.user === null ? 'Gap: nobody' : nameOf(s.user)}</span>
                        <span className="shift-time">{span(s)}</span>
                      </div>
                    ))}
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
