/** The advisories shown: one row each, with its checkbox, its alert and incident, its deadline and decision. */
import { useEffect, useRef } from 'react';
import type { ChangeEvent } from 'react';
import { Link } from 'react-router';
import type { Advisory } from '../api.ts';
import type { NameOf } from '../oncall/people.ts';
import { When } from '../ui/components.tsx';
import { useNow } from '../ui/hooks.ts';

export interface TableProps {
  advisories: Advisory[];
  selected: ReadonlySet<number>;
  /** The row j/k moved to. */
  current: number;
  canAct: boolean;
  nameOf: NameOf;
  onSelect: (index: number, shift: boolean) => void;
  onToggleAll: () => void;
  onCurrent: (index: number) => void;
}

export function AdvisoryTable(p: TableProps) {
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const all = p.advisories.length > 0 && p.advisories.every((a) => p.selected.has(a.incidentId));
  const some = !all && p.advisories.some((a) => p.selected.has(a.incidentId));
  const allBox = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    if (allBox.current) allBox.current.indeterminate = some;
  }, [some]);

  // j/k: the current row takes the focus (screen readers follow) and scrolls into view.
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) {
      moved.current = true;
      return;
    }
    const row = rows.current[p.current];
    if (row && document.activeElement?.closest('tr') !== row) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: 'nearest' });
    }
  }, [p.current]);

  if (p.advisories.length === 0)
    return (
      <p className="empty" data-testid="advisories-empty">
        No advisories match these filters.
      </p>
    );

  return (
    <table className="stack-table advisory-table" aria-label="Advisories" data-testid="advisory-list">
      <thead>
        <tr>
          {p.canAct ? (
            <th scope="col" className="cell-check">
              <input
                ref={allBox}
                type="checkbox"
                aria-label="Select all shown"
                data-testid="advisory-select-all"
                checked={all}
                onChange={p.onToggleAll}
              />
            </th>
          ) : null}
          <th scope="col">Alert</th>
          <th scope="col">Service</th>
          <th scope="col">Advisory</th>
          <th scope="col">Opened</th>
          <th scope="col">Alert now</th>
          <th scope="col">Review by</th>
          <th scope="col">Decision</th>
        </tr>
      </thead>
      <tbody>
        {p.advisories.map((a, i) => (
          <Row
            key={a.incidentId}
            a={a}
            index={i}
            selected={p.selected.has(a.incidentId)}
            current={i === p.current}
            canAct={p.canAct}
            nameOf={p.nameOf}
            rowRef={(el) => {
              rows.current[i] = el;
            }}
            onSelect={p.onSelect}
            onCurrent={p.onCurrent}
          />
        ))}
      </tbody>
    </table>
  );
}

function Row({
  a,
  index,
  selected,
  current,
  canAct,
  nameOf,
  rowRef,
  onSelect,
  onCurrent,
}: {
  a: Advisory;
  index: number;
  selected: boolean;
  current: boolean;
  canAct: boolean;
  nameOf: NameOf;
  rowRef: (el: HTMLTableRowElement | null) => void;
  onSelect: (index: number, shift: boolean) => void;
  onCurrent: (index: number) => void;
}) {
  const now = useNow();
  const overdue = a.state === 'unreviewed' && Date.parse(a.deadlineAt) < now.getTime();
  // A checkbox's change comes from a click (Space on it clicks too): its event says whether Shift was held.
  const onBox = (e: ChangeEvent<HTMLInputElement>) => {
    const native = e.nativeEvent as Partial<MouseEvent>;
    onSelect(index, native.shiftKey === true);
  };
  return (
    <tr
      ref={rowRef}
      tabIndex={-1}
      className={`advisory-row advisory-${a.state}${selected ? ' selected' : ''}${current ? ' current' : ''}`}
      aria-current={current ? 'true' : undefined}
      data-testid={`advisory-row-${a.incidentId}`}
      data-state={a.state}
      onFocus={() => onCurrent(index)}
    >
      {canAct ? (
        <td className="cell-check">
          <input
            type="checkbox"
            aria-label={`Select #${a.incidentId} ${a.title}`}
            data-testid={`advisory-select-${a.incidentId}`}
            checked={selected}
            onChange={onBox}
          />
        </td>
      ) : null}
      <td data-label="Alert" className="advisory-alert">
        {a.alert}
      </td>
      <td data-label="Service" className="cell-service">
        {a.service}
      </td>
      <td data-label="Advisory" className="advisory-title">
        <Link to={`/incidents/${a.incidentId}`} data-testid="advisory-link">
          <span className="incident-id">#{a.incidentId}</span> {a.title}
        </Link>
      </td>
      <td data-label="Opened">
        <When at={a.openedAt} />
      </td>
      <td data-label="Alert now">
        <span
          className={`badge ${a.firing ? 'advisory-firing' : 'advisory-quiet'}`}
          data-testid="advisory-firing"
        >
          {a.firing ? 'firing' : 'resolved'}
        </span>
      </td>
      <td data-label="Review by" className={overdue ? 'advisory-overdue' : undefined}>
        <When at={a.deadlineAt} compact />
        {overdue ? <strong data-testid="advisory-overdue"> overdue</strong> : null}
      </td>
      <td data-label="Decision" data-testid="advisory-decision">
        <Decision a={a} nameOf={nameOf} />
      </td>
    </tr>
  );
}

const STATE_LABEL = {
  unreviewed: 'unreviewed',
  reviewed: 'reviewed',
  dismissed: 'dismissed as noise',
  promoted: 'promoted',
} as const;

function Decision({ a, nameOf }: { a: Advisory; nameOf: NameOf }) {
  return (
    <span className="advisory-decision">
      <span className={`badge advisory-state advisory-state-${a.state}`} data-testid="advisory-state">
        {STATE_LABEL[a.state]}
        {a.promotedTo ? ` to ${a.promotedTo}` : ''}
      </span>
      {a.decidedBy ? (
        <span className="muted small">
          {' '}
          by {nameOf(a.decidedBy)} <When at={a.decidedAt} compact />
        </span>
      ) : null}
      {a.reason ? <span className="advisory-why">Reason: {a.reason}</span> : null}
      {a.note ? <span className="advisory-why">Note: {a.note}</span> : null}
    </span>
  );
}
