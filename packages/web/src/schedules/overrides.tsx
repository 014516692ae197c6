/** Overrides: the form to put someone on call for a while, and the list of overrides with delete. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, messageOf } from '../api.ts';
import type { Override, OverrideSource, Schedule, User } from '../api.ts';
import type { NameOf } from '../oncall/people.ts';
import { DateTimeField, ErrorBanner, SelectField } from '../ui/components.tsx';
import { formatDateTime, toLocalInput } from '../ui/time.ts';
import { useAction } from '../ui/hooks.ts';
import type { ScheduleData } from './schedules.tsx';

function nextHour(): Date {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  return d;
}

interface FormProps {
  schedules: Schedule[];
  users: User[];
  onCreated: () => void;
}

export function OverrideForm({ schedules, users, onCreated }: FormProps) {
  const [schedule, setSchedule] = useState(schedules[0]?.id ?? '');
  const [user, setUser] = useState('');
  const [from, setFrom] = useState(() => toLocalInput(nextHour()));
  const [to, setTo] = useState(() => toLocalInput(new Date(nextHour().getTime() + 8 * 3600_000)));
  const action = useAction();
  const busy = action.busy !== null;
  const { error, setError } = action;
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const start = new Date(from);
    const end = new Date(to);
    if (!user) return setError('Choose who takes the shift.');
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return setError('Enter both times.');
    if (end <= start) return setError('The end must be after the start.');
    action.run(
      'submit',
      () => api.createOverride(schedule, { user, from: start.toISOString(), to: end.toISOString() }),
      () => {
        setDone(`Override added to ${schedules.find((s) => s.id === schedule)?.name ?? schedule}.`);
        onCreated();
      },
    );
  };

  return (
    <form className="card override-form" onSubmit={onSubmit} aria-labelledby="ovr-h">
      <h2 id="ovr-h">Add an override</h2>
      <div className="form-row">
        <SelectField
          label="Schedule"
          testId="override-schedule"
          value={schedule}
          onChange={setSchedule}
          options={schedules.map((x) => ({ value: x.id, label: x.name }))}
        />
        <SelectField
          label="Who"
          testId="override-user"
          value={user}
          onChange={setUser}
          empty="Choose a person…"
          required
          options={users.map((u) => ({ value: u.id, label: `${u.name} (${u.id})` }))}
        />
        <DateTimeField label="From" testId="override-from" value={from} onChange={setFrom} />
        <DateTimeField label="To" testId="override-to" value={to} onChange={setTo} />
        <button type="submit" className="primary big" data-testid="override-submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add override'}
        </button>
      </div>
      <ErrorBanner message={error} testId="override-error" />
      {done ? (
        <p className="ok" role="status">
          {done}
        </p>
      ) : null}
    </form>
  );
}

/** How an override came about, for the list: "Direct", "Cover (request 3)", "Temporary schedule 2". */
function describeSource(o: Override): string {
  const labels: Record<OverrideSource, string> = {
    api: 'Direct',
    cover: 'Cover request',
    swap: 'Swap',
    temporary: 'Temporary schedule',
  };
  const label = labels[o.source];
  return o.sourceId !== null ? `${label} #${o.sourceId}` : label;
}

interface ListProps {
  schedules: ScheduleData[];
  nameOf: NameOf;
  canEdit: boolean;
  onDeleted: () => void;
}

export function OverrideList({ schedules, nameOf, canEdit, onDeleted }: ListProps) {
  const [error, setError] = useState<string | null>(null);
  const rows = schedules
    .flatMap((s) =>
      s.overrides.map((o) => ({ ...o, scheduleName: s.schedule.name, scheduleId: s.schedule.id })),
    )
    .sort((a, b) => a.from.localeCompare(b.from));

  const remove = (scheduleId: string, id: number | string) => {
    setError(null);
    api.deleteOverride(scheduleId, id).then(onDeleted, (err: unknown) => setError(messageOf(err)));
  };

  return (
    <section className="card" aria-labelledby="ovl-h">
      <h2 id="ovl-h">Overrides in these weeks</h2>
      <ErrorBanner message={error} />
      {rows.length === 0 ? (
        <p className="muted">No overrides.</p>
      ) : (
        <table className="stack-table">
          <thead>
            <tr>
              <th>Schedule</th>
              <th>Who</th>
              <th>From</th>
              <th>To</th>
              <th>Source</th>
              <th>Made by</th>
              {canEdit ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr
                key={`${o.scheduleId}-${o.id}`}
                data-testid="override-row"
                data-user={o.user}
                data-schedule={o.scheduleId}
                data-source={o.source}
              >
                <td data-label="Schedule">{o.scheduleName}</td>
                <td data-label="Who">{nameOf(o.user)}</td>
                <td data-label="From">{formatDateTime(o.from)}</td>
                <td data-label="To">{formatDateTime(o.to)}</td>
                <td data-label="Source">{describeSource(o)}</td>
                <td data-label="Made by">{nameOf(o.createdBy)}</td>
                {canEdit ? (
                  <td data-label="">
                    <button
                      type="button"
                      className="danger"
                      data-testid="override-delete"
                      onClick={() => remove(o.scheduleId, o.id)}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
