/**
 * Schedules: a calendar per schedule over four weeks (this week's Monday by default, moved a week at a
 * time), gaps in red, and overrides: add one for a person and a time, or delete one. Responders ask for
 * cover and swaps here; admins and team leads make temporary schedules.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api.ts';
import type { Override, Schedule, Shift, TemporarySchedule } from '../api.ts';
import { useCan, useMe } from '../app/session.tsx';
import { useUsers } from '../oncall/people.ts';
import { ErrorBanner, Loading, PageHeader } from '../ui/components.tsx';
import { useLoad, useNow } from '../ui/hooks.ts';
import { addDays, formatDay, localDate, startOfWeek } from '../ui/time.ts';
import { ScheduleCalendar } from './calendar-view.tsx';
import { OverrideForm, OverrideList } from './overrides.tsx';
import { ShiftRequests } from './requests.tsx';
import { TemporarySchedules, useMayMakeTemporary } from './temporary.tsx';

const WEEKS = 4;

export interface ScheduleData {
  schedule: Schedule;
  shifts: Shift[] | null;
  overrides: Override[];
  /** Its temporary schedules (ended at most 30 days ago), to name them on the calendar. */
  temporary: TemporarySchedule[];
  error: string | null;
}

function parseMonday(value: string | null, now: Date): Date {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!m) return startOfWeek(now);
  return startOfWeek(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

async function loadAll(from: Date, to: Date): Promise<ScheduleData[]> {
  const { schedules } = await api.schedules();
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  return Promise.all(
    schedules.map(async (schedule) => {
      const [shifts, overrides, temporary] = await Promise.allSettled([
        api.shifts(schedule.id, fromIso, toIso),
        api.overrides(schedule.id, fromIso, toIso),
        api.temporarySchedules(schedule.id),
      ]);
      return {
        schedule,
        shifts: shifts.status === 'fulfilled' ? shifts.value.shifts : null,
        overrides: overrides.status === 'fulfilled' ? overrides.value.overrides : [],
        temporary: temporary.status === 'fulfilled' ? temporary.value.temporarySchedules : [],
        error: shifts.status === 'rejected' ? String((shifts.reason as Error).message) : null,
      };
    }),
  );
}

export function SchedulesPage() {
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const monday = parseMonday(params.get('week'), now);
  const end = addDays(monday, WEEKS * 7);
  const [tick, setTick] = useState(0);
  const data = useLoad(() => loadAll(monday, end), `${localDate(monday)}|${tick}`);
  const { users, nameOf } = useUsers();
  const canEdit = useCan('responder');
  const me = useMe();
  const mayMakeTemporary = useMayMakeTemporary(me);
  const reload = () => setTick((t) => t + 1);
  // Golden-angle steps keep neighbours in the user list far apart on the colour wheel.
  const hueOf = (user: string) => {
    const i = users.findIndex((u) => u.id === user);
    return Math.round(((i < 0 ? user.length : i) * 137.5 + 200) % 360);
  };

  const go = (weeks: number | null) => {
    const next = new URLSearchParams(params);
    if (weeks === null) next.delete('week');
    else next.set('week', localDate(addDays(monday, weeks * 7)));
    setParams(next);
  };

  const schedules = data.data ?? [];
  return (
    <section>
      <PageHeader title="Schedules">
        <div className="week-nav" role="group" aria-label="Weeks">
          <button type="button" onClick={() => go(-1)} aria-label="Previous week">
            ← Week
          </button>
          <button type="button" onClick={() => go(null)}>
            This week
          </button>
          <button type="button" onClick={() => go(1)} aria-label="Next week">
            Week →
          </button>
        </div>
      </PageHeader>
      <p className="muted">
        {formatDay(monday)} – {formatDay(addDays(end, -1))} · times in your time zone (
        {Intl.DateTimeFormat().resolvedOptions().timeZone})
      </p>
      <ErrorBanner message={data.error} />
      {!data.data && data.loading ? <Loading what="schedules" /> : null}
      {canEdit && schedules.length > 0 ? (
        <ShiftRequests schedules={schedules} me={me} nameOf={nameOf} now={now} onChanged={reload} />
      ) : null}
      {canEdit && schedules.length > 0 ? (
        <OverrideForm schedules={schedules.map((s) => s.schedule)} users={users} onCreated={reload} />
      ) : null}
      {schedules.map((s) => (
        <ScheduleCalendar
          key={s.schedule.id}
          data={s}
          monday={monday}
          weeks={WEEKS}
          now={now}
          nameOf={nameOf}
          hueOf={hueOf}
        />
      ))}
      {mayMakeTemporary && schedules.length > 0 ? (
        <TemporarySchedules
          schedules={schedules}
          users={users}
          nameOf={nameOf}
          now={now}
          onChanged={reload}
        />
      ) : null}
      {schedules.length > 0 ? (
        <OverrideList schedules={schedules} nameOf={nameOf} canEdit={canEdit} onDeleted={reload} />
      ) : null}
    </section>
  );
}
