/**
 * Temporary schedules (admins and team leads): for a period (a launch night, a season start) a list of
 * shifts replaces what a schedule's layers say. The engine keeps them as overrides with source `temporary`,
 * so the calendar shows them; this section creates them and lists them with Delete.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import type { Me, TemporarySchedule, User } from '../api.ts';
import type { NameOf } from '../oncall/people.ts';
import { DateTimeField, ErrorBanner, SelectField } from '../ui/components.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import { formatDateTime, toLocalInput } from '../ui/time.ts';
import type { ScheduleData } from './schedules.tsx';

interface Row {
  key: number;
  user: string;
  from: string;
  to: string;
}

const HOUR = 3_600_000;

/** Whether `me` may make temporary schedules at all: admins, and the lead of some team. */
export function useMayMakeTemporary(me: Me): boolean {
  const teams = useLoad(() => api.teams(), 'teams');
  return me.role === 'admin' || (teams.data?.teams ?? []).some((t) => t.lead === me.id);
}

interface Props {
  schedules: ScheduleData[];
  users: User[];
  nameOf: NameOf;
  now: Date;
  onChanged: () => void;
}

export function TemporarySchedules({ schedules, users, nameOf, now, onChanged }: Props) {
  return (
    <section className="card temporary" aria-labelledby="tmp-h" data-testid="temporary-schedules">
      <h2 id="tmp-h">Temporary schedule</h2>
      <p className="muted small">
        For a period, these shifts replace the schedule: a launch night, a season start. Everyone else is off
        for the period.
      </p>
      <TemporaryForm schedules={schedules} users={users} now={now} onCreated={onChanged} />
      <TemporaryList
        items={schedules.flatMap((s) => s.temporary)}
        schedules={schedules}
        nameOf={nameOf}
        onDeleted={onChanged}
      />
    </section>
  );
}

function TemporaryForm({
  schedules,
  users,
  now,
  onCreated,
}: {
  schedules: ScheduleData[];
  users: User[];
  now: Date;
  onCreated: () => void;
}) {
  const start = new Date(Math.ceil(now.getTime() / HOUR) * HOUR + 24 * HOUR);
  const [scheduleId, setScheduleId] = useState(schedules[0]?.schedule.id ?? '');
  const [name, setName] = useState('');
  const [from, setFrom] = useState(() => toLocalInput(start));
  const [to, setTo] = useState(() => toLocalInput(new Date(start.getTime() + 12 * HOUR)));
  const [rows, setRows] = useState<Row[]>(() => [{ key: 1, user: '', from: '', to: '' }]);
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  const setRow = (key: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const addRow = () => {
    // A new row starts where the last one ended, to the end of the period.
    const last = rows[rows.length - 1];
    setRows((rs) => [
      ...rs,
      { key: Math.max(...rs.map((r) => r.key)) + 1, user: '', from: last?.to || from, to },
    ]);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const period = { from: new Date(from), to: new Date(to) };
    if (!name.trim()) return action.setError('Give it a name, e.g. "Launch night".');
    if (Number.isNaN(period.from.getTime()) || Number.isNaN(period.to.getTime()))
      return action.setError('Enter the period’s start and end.');
    if (period.to <= period.from) return action.setError('The period must end after it starts.');
    const shifts = [];
    for (const [i, r] of rows.entries()) {
      const s = new Date(r.from || from);
      const e2 = new Date(r.to || to);
      if (!r.user) return action.setError(`Choose who is on call in shift ${i + 1}.`);
      if (Number.isNaN(s.getTime()) || Number.isNaN(e2.getTime()) || e2 <= s)
        return action.setError(`Shift ${i + 1} must end after it starts.`);
      shifts.push({ user: r.user, from: s.toISOString(), to: e2.toISOString() });
    }
    const body = { name: name.trim(), from: period.from.toISOString(), to: period.to.toISOString(), shifts };
    action.run(
      'submit',
      () => api.createTemporarySchedule(scheduleId, body),
      () => {
        setDone(
          `“${body.name}” replaces ${schedules.find((s) => s.schedule.id === scheduleId)?.schedule.name ?? scheduleId} for its period.`,
        );
        onCreated();
      },
    );
  };

  const people = users.map((u) => ({ value: u.id, label: `${u.name} (${u.id})` }));
  return (
    <form className="temporary-form" onSubmit={onSubmit} aria-label="New temporary schedule">
      <div className="form-row">
        <SelectField
          label="Schedule"
          testId="temporary-schedule"
          value={scheduleId}
          onChange={setScheduleId}
          options={schedules.map((s) => ({ value: s.schedule.id, label: s.schedule.name }))}
        />
        <label className="grow">
          Name
          <input
            type="text"
            data-testid="temporary-name"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            placeholder="Launch night"
            required
          />
        </label>
        <DateTimeField label="Period from" testId="temporary-from" value={from} onChange={setFrom} />
        <DateTimeField label="Period to" testId="temporary-to" value={to} onChange={setTo} />
      </div>
      <fieldset className="temporary-shifts">
        <legend>Shifts</legend>
        {rows.map((r, i) => (
          <div className="form-row temporary-row" key={r.key} data-testid="temporary-row">
            <SelectField
              label={`Shift ${i + 1}: who`}
              testId="temporary-user"
              value={r.user}
              onChange={(user) => setRow(r.key, { user })}
              empty="Choose a person…"
              required
              options={people}
            />
            <DateTimeField
              label="From"
              testId="temporary-shift-from"
              value={r.from || from}
              onChange={(v) => setRow(r.key, { from: v })}
              required={false}
            />
            <DateTimeField
              label="To"
              testId="temporary-shift-to"
              value={r.to || to}
              onChange={(v) => setRow(r.key, { to: v })}
              required={false}
            />
            {rows.length > 1 ? (
              <button
                type="button"
                className="danger"
                aria-label={`Remove shift ${i + 1}`}
                onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
              >
                Remove
              </button>
            ) : null}
          </div>
        ))}
        <button type="button" data-testid="temporary-add-row" onClick={addRow}>
          Add a shift
        </button>
      </fieldset>
      <button
        type="submit"
        className="primary big"
        data-testid="temporary-submit"
        disabled={action.busy !== null}
      >
        {action.busy ? 'Creating…' : 'Create temporary schedule'}
      </button>
      <ErrorBanner message={action.error} testId="temporary-error" />
      {done ? (
        <p className="ok" role="status" data-testid="temporary-done">
          {done}
        </p>
      ) : null}
    </form>
  );
}

function TemporaryList({
  items,
  schedules,
  nameOf,
  onDeleted,
}: {
  items: TemporarySchedule[];
  schedules: ScheduleData[];
  nameOf: NameOf;
  onDeleted: () => void;
}) {
  const action = useAction<string>();
  const nameOfSchedule = (id: string) => schedules.find((s) => s.schedule.id === id)?.schedule.name ?? id;
  if (items.length === 0) return <p className="muted">No temporary schedules.</p>;
  return (
    <>
      <ErrorBanner message={action.error} />
      <ul className="temporary-list">
        {[...items]
          .sort((a, b) => a.from.localeCompare(b.from))
          .map((t) => (
            <li key={`${t.schedule}-${t.id}`} data-testid="temporary-item" data-temporary={t.id}>
              <div>
                <strong>{t.name}</strong> <span className="small muted">on {nameOfSchedule(t.schedule)}</span>
                <div className="small">
                  {formatDateTime(t.from)} → {formatDateTime(t.to)} · by {nameOf(t.createdBy)}
                </div>
                <ul className="small muted">
                  {t.shifts.map((s) => (
                    <li key={`${s.user}-${s.from}`}>
                      {nameOf(s.user)}: {formatDateTime(s.from)} → {formatDateTime(s.to)}
                    </li>
                  ))}
                </ul>
              </div>
              <button
                type="button"
                className="danger"
                data-testid="temporary-delete"
                disabled={action.busy !== null}
                onClick={() =>
                  action.run(t.id.toString(), () => api.deleteTemporarySchedule(t.schedule, t.id), onDeleted)
                }
              >
                Delete
              </button>
            </li>
          ))}
      </ul>
    </>
  );
}
