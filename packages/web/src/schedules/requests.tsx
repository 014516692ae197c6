/**
 * Shift self-service on the schedule page: request cover for a range of one of my upcoming shifts, propose
 * a swap (my shift for another person's), and the open requests with Take it / Accept / Decline / Cancel.
 * Whatever is agreed becomes an override (source `cover` or `swap`) that the calendar shows.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import type { Me, NewShiftRequest, RequestAction, ShiftRequest } from '../api.ts';
import type { NameOf } from '../oncall/people.ts';
import { DateTimeField, ErrorBanner, SelectField, When } from '../ui/components.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import { formatDateTime, toLocalInput } from '../ui/time.ts';
import type { ScheduleData } from './schedules.tsx';

interface Range {
  user: string;
  start: string;
  end: string;
}

/** A shift as an option: "Mon 4 Nov, 09:00 → Mon 11 Nov, 09:00". */
const rangeLabel = (r: { start: string; end: string }) =>
  `${formatDateTime(r.start)} → ${formatDateTime(r.end)}`;
const rangeKey = (r: { start: string; end: string }) => `${r.start}|${r.end}`;

/** `user`'s shifts on a schedule that have not ended yet, in order. */
function upcoming(data: ScheduleData | undefined, user: string, now: Date): Range[] {
  return (data?.shifts ?? [])
    .filter((s): s is Range => s.user === user && new Date(s.end) > now)
    .sort((a, b) => a.start.localeCompare(b.start));
}

interface Props {
  schedules: ScheduleData[];
  me: Me;
  nameOf: NameOf;
  now: Date;
  /** Something changed who is on call: reload the calendar. */
  onChanged: () => void;
}

export function ShiftRequests({ schedules, me, nameOf, now, onChanged }: Props) {
  const ids = schedules.map((s) => s.schedule.id);
  const requests = useLoad(
    async () =>
      (await Promise.all(ids.map((id) => api.shiftRequests(id, 'open')))).flatMap((r) => r.requests),
    ids.join(','),
  );
  const changed = () => {
    requests.reload();
    onChanged();
  };
  const mine = schedules.filter((s) => upcoming(s, me.id, now).length > 0);
  // Nothing to hand over and nothing asked: the section would only take room above the calendars.
  if (mine.length === 0 && (requests.data?.length ?? 0) === 0 && !requests.error) return null;
  return (
    <section className="card requests" aria-labelledby="req-h" data-testid="shift-requests">
      <h2 id="req-h">Cover and swaps</h2>
      {mine.length > 0 ? (
        <RequestForm schedules={mine} me={me} nameOf={nameOf} now={now} onCreated={changed} />
      ) : (
        <p className="muted">You have no upcoming shifts in these weeks to hand over.</p>
      )}
      <ErrorBanner message={requests.error} />
      <RequestList
        requests={requests.data ?? []}
        schedules={schedules}
        me={me}
        nameOf={nameOf}
        onChanged={changed}
      />
    </section>
  );
}

interface FormProps {
  schedules: ScheduleData[];
  me: Me;
  nameOf: NameOf;
  now: Date;
  onCreated: () => void;
}

function RequestForm({ schedules, me, nameOf, now, onCreated }: FormProps) {
  const [kind, setKind] = useState<'cover' | 'swap'>('cover');
  const [scheduleId, setScheduleId] = useState(schedules[0]!.schedule.id);
  const data = schedules.find((s) => s.schedule.id === scheduleId) ?? schedules[0]!;
  const shifts = upcoming(data, me.id, now);
  const [shiftKey, setShiftKey] = useState('');
  const shift = shifts.find((s) => rangeKey(s) === shiftKey) ?? shifts[0];
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [other, setOther] = useState('');
  const [theirKey, setTheirKey] = useState('');
  const [theirFrom, setTheirFrom] = useState('');
  const [theirTo, setTheirTo] = useState('');
  const [note, setNote] = useState('');
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const people = [...new Set((data.shifts ?? []).map((s) => s.user))].filter(
    (u): u is string => u !== null && u !== me.id,
  );
  const theirs = other ? upcoming(data, other, now) : [];
  const their = theirs.find((s) => rangeKey(s) === theirKey) ?? theirs[0];
  const pickTheirs = (key: string) => {
    setTheirKey(key);
    setTheirFrom('');
    setTheirTo('');
  };

  const pickShift = (key: string) => {
    setShiftKey(key);
    setFrom('');
    setTo('');
  };
  // Each range defaults to the whole shift (from now on, for one under way); the person may narrow it.
  const startOf = (r: Range | undefined) =>
    r ? toLocalInput(new Date(Math.max(new Date(r.start).getTime(), now.getTime()))) : '';
  const endOf = (r: Range | undefined) => (r ? toLocalInput(new Date(r.end)) : '');
  const fromValue = from || startOf(shift);
  const toValue = to || endOf(shift);
  const theirFromValue = theirFrom || startOf(their);
  const theirToValue = theirTo || endOf(their);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (!shift) return action.setError('Choose one of your shifts.');
    const start = new Date(fromValue);
    const end = new Date(toValue);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
      return action.setError('Enter both times.');
    if (end <= start) return action.setError('The end must be after the start.');
    const range = { from: start.toISOString(), to: end.toISOString(), ...(note ? { note } : {}) };
    let body: NewShiftRequest = { kind: 'cover', ...range };
    if (kind === 'swap') {
      const swapStart = new Date(theirFromValue);
      const swapEnd = new Date(theirToValue);
      if (!other || !their) return action.setError('Choose the person and their shift.');
      if (Number.isNaN(swapStart.getTime()) || Number.isNaN(swapEnd.getTime()) || swapEnd <= swapStart)
        return action.setError('Their range must end after it starts.');
      body = {
        kind: 'swap',
        ...range,
        with: other,
        swapFrom: swapStart.toISOString(),
        swapTo: swapEnd.toISOString(),
      };
    }
    action.run(
      'submit',
      () => api.createShiftRequest(data.schedule.id, body),
      () => {
        setDone(
          kind === 'cover'
            ? `Cover requested: the others on ${data.schedule.name} are asked; the first to take it does.`
            : `Swap proposed to ${nameOf(other)}.`,
        );
        setNote('');
        onCreated();
      },
    );
  };

  return (
    <form className="request-form" onSubmit={onSubmit} aria-label="Request cover or propose a swap">
      <div className="segmented" role="radiogroup" aria-label="What to ask for">
        {(['cover', 'swap'] as const).map((k) => (
          <label key={k} className={kind === k ? 'on' : undefined}>
            <input
              type="radio"
              name="request-kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
              data-testid={`request-kind-${k}`}
            />
            {k === 'cover' ? 'Request cover' : 'Propose swap'}
          </label>
        ))}
      </div>
      <div className="form-row">
        {schedules.length > 1 ? (
          <SelectField
            label="Schedule"
            testId="request-schedule"
            value={data.schedule.id}
            onChange={(v) => {
              setScheduleId(v);
              pickShift('');
              setOther('');
            }}
            options={schedules.map((s) => ({ value: s.schedule.id, label: s.schedule.name }))}
          />
        ) : null}
        <SelectField
          label="My shift"
          testId="request-shift"
          value={shift ? rangeKey(shift) : ''}
          onChange={pickShift}
          options={shifts.map((s) => ({ value: rangeKey(s), label: rangeLabel(s) }))}
        />
        <DateTimeField label="From" testId="request-from" value={fromValue} onChange={setFrom} />
        <DateTimeField label="To" testId="request-to" value={toValue} onChange={setTo} />
        {kind === 'swap' ? (
          <>
            <SelectField
              label="Swap with"
              testId="request-with"
              value={other}
              onChange={(v) => {
                setOther(v);
                pickTheirs('');
              }}
              empty="Choose a person…"
              required
              options={people.map((u) => ({ value: u, label: nameOf(u) }))}
            />
            <SelectField
              label="Their shift you take"
              testId="request-their-shift"
              value={their ? rangeKey(their) : ''}
              onChange={pickTheirs}
              empty={other ? (theirs.length ? undefined : 'No upcoming shift') : 'Choose a person first'}
              options={theirs.map((s) => ({ value: rangeKey(s), label: rangeLabel(s) }))}
            />
            <DateTimeField
              label="Their from"
              testId="request-swap-from"
              value={theirFromValue}
              onChange={setTheirFrom}
            />
            <DateTimeField
              label="Their to"
              testId="request-swap-to"
              value={theirToValue}
              onChange={setTheirTo}
            />
          </>
        ) : null}
        <label className="grow">
          Note (optional)
          <input
            type="text"
            data-testid="request-note"
            value={note}
            maxLength={500}
            onChange={(e) => setNote(e.target.value)}
            placeholder="Flight at 7, back Tuesday"
          />
        </label>
        <button
          type="submit"
          className="primary big"
          data-testid="request-submit"
          disabled={action.busy !== null}
        >
          {action.busy ? 'Sending…' : kind === 'cover' ? 'Request cover' : 'Propose swap'}
        </button>
      </div>
      <ErrorBanner message={action.error} testId="request-error" />
      {done ? (
        <p className="ok" role="status" data-testid="request-done">
          {done}
        </p>
      ) : null}
    </form>
  );
}

interface ListProps {
  requests: ShiftRequest[];
  schedules: ScheduleData[];
  me: Me;
  nameOf: NameOf;
  onChanged: () => void;
}

/** What `me` may do with a request: take a cover, answer a swap asked of them, or cancel their own. */
function choicesFor(r: ShiftRequest, me: Me): { action: RequestAction; label: string }[] {
  if (r.requester === me.id) return [{ action: 'cancel', label: 'Cancel' }];
  if (r.kind === 'cover') return [{ action: 'accept', label: 'Take it' }];
  if (r.with === me.id) {
    return [
      { action: 'accept', label: 'Accept' },
      { action: 'decline', label: 'Decline' },
    ];
  }
  return [];
}

function RequestList({ requests, schedules, me, nameOf, onChanged }: ListProps) {
  const action = useAction<string>();
  const nameOfSchedule = (id: string) => schedules.find((s) => s.schedule.id === id)?.schedule.name ?? id;
  const sorted = [...requests].sort((a, b) => a.from.localeCompare(b.from));
  const act = (r: ShiftRequest, what: RequestAction) =>
    action.run(`${r.id}-${what}`, () => api.actOnShiftRequest(r.schedule, r.id, what), onChanged);
  return (
    <>
      <h3>Open requests</h3>
      <ErrorBanner message={action.error} testId="request-action-error" />
      {sorted.length === 0 ? (
        <p className="muted" data-testid="no-requests">
          No open requests.
        </p>
      ) : (
        <ul className="request-list">
          {sorted.map((r) => (
            <li
              key={`${r.schedule}-${r.id}`}
              data-testid="request-row"
              data-request={r.id}
              data-kind={r.kind}
            >
              <div className="request-what">
                <strong>
                  {r.kind === 'cover'
                    ? `${nameOf(r.requester)} needs cover`
                    : `${nameOf(r.requester)} proposes a swap with ${nameOf(r.with)}`}
                </strong>
                <span className="small muted">{nameOfSchedule(r.schedule)}</span>
                <span>
                  {r.kind === 'swap' ? `${nameOf(r.with)} takes ` : ''}
                  {rangeLabel({ start: r.from, end: r.to })}
                </span>
                {r.kind === 'swap' && r.swapFrom && r.swapTo ? (
                  <span>
                    {nameOf(r.requester)} takes {rangeLabel({ start: r.swapFrom, end: r.swapTo })}
                  </span>
                ) : null}
                {r.note ? <span className="request-note">“{r.note}”</span> : null}
                <span className="small muted">
                  expires <When at={r.expiresAt} compact />
                </span>
              </div>
              <div className="request-actions">
                {choicesFor(r, me).map((c) => (
                  <button
                    key={c.action}
                    type="button"
                    className={
                      c.action === 'accept' ? 'primary' : c.action === 'cancel' ? 'danger' : undefined
                    }
                    data-testid={`request-${c.action}`}
                    disabled={action.busy !== null}
                    onClick={() => act(r, c.action)}
                  >
                    {action.busy === `${r.id}-${c.action}` ? '…' : c.label}
                  </button>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
