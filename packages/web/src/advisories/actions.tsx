/**
 * Acting on many advisories at once: the bar of actions for the selection, the dialog each asks in
 * (a note to review, a reason to dismiss, a tier and a confirmation to promote), and the ones that failed.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { PromoteTier, ReviewAction, ReviewRequest } from '../api.ts';
import { KEYS } from './selection.ts';

/** The engine's limits (advisories/model.ts NOTE_MAX, REASON_MAX). */
const NOTE_MAX = 2000;
const REASON_MAX = 500;

export function ActionBar({
  count,
  busy,
  onAct,
  onHelp,
}: {
  count: number;
  busy: boolean;
  onAct: (action: ReviewAction) => void;
  onHelp: () => void;
}) {
  const none = count === 0 || busy;
  return (
    <div className="advisory-actions" role="toolbar" aria-label="Act on the selected advisories">
      <span className="muted" data-testid="advisory-selected" aria-live="polite">
        {count === 0 ? 'None selected' : `${count} selected`}
      </span>
      <button
        type="button"
        className="primary"
        data-testid="advisory-review"
        disabled={none}
        onClick={() => onAct('review')}
        aria-keyshortcuts="r"
      >
        Review
      </button>
      <button
        type="button"
        data-testid="advisory-dismiss"
        disabled={none}
        onClick={() => onAct('dismiss')}
        aria-keyshortcuts="d"
      >
        Dismiss as noise
      </button>
      <button type="button" data-testid="advisory-promote" disabled={none} onClick={() => onAct('promote')}>
        Promote…
      </button>
      <button
        type="button"
        className="link-button"
        data-testid="advisory-keys"
        onClick={onHelp}
        aria-keyshortcuts="?"
      >
        Keys
      </button>
    </div>
  );
}

const TITLE: Record<ReviewAction, string> = {
  review: 'Review',
  dismiss: 'Dismiss as noise',
  promote: 'Promote',
};

/** A modal dialog (the browser's own `<dialog>`: focus kept inside, Esc closes it). */
function Modal({
  label,
  testId,
  onClose,
  children,
}: {
  label: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="card advisory-dialog"
      aria-label={label}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {children}
    </dialog>
  );
}

export function DecisionDialog({
  action,
  count,
  busy,
  onCancel,
  onSubmit,
}: {
  action: ReviewAction;
  count: number;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (body: Omit<ReviewRequest, 'incidentIds'>) => void;
}) {
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [tier, setTier] = useState<PromoteTier>('T2');
  const what = `${count} advisor${count === 1 ? 'y' : 'ies'}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = note.trim();
    if (action === 'dismiss' && !reason.trim()) return;
    onSubmit({
      action,
      ...(trimmed ? { note: trimmed } : {}),
      ...(action === 'dismiss' ? { reason: reason.trim() } : {}),
      ...(action === 'promote' ? { tier } : {}),
    });
  };

  return (
    <Modal label={`${TITLE[action]} ${what}`} testId="advisory-dialog" onClose={onCancel}>
      <form className="stack" onSubmit={submit}>
        <h2>
          {TITLE[action]} {what}
        </h2>
        {action === 'dismiss' ? (
          <label>
            Why is it noise? (required: counted against the alert rule)
            <input
              data-testid="advisory-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={REASON_MAX}
              required
              autoFocus
            />
          </label>
        ) : null}
        {action === 'promote' ? (
          <fieldset className="advisory-tiers">
            <legend>Promote to</legend>
            {(['T2', 'T1'] as const).map((t) => (
              <label key={t} className="inline">
                <input
                  type="radio"
                  name="tier"
                  value={t}
                  data-testid={`advisory-tier-${t}`}
                  checked={tier === t}
                  onChange={() => setTier(t)}
                />
                {t === 'T1'
                  ? 'T1 · critical: pages the T1 policy now'
                  : 'T2 · warning: pages the T2 policy now'}
              </label>
            ))}
          </fieldset>
        ) : null}
        {action !== 'dismiss' ? (
          <label>
            Note (optional)
            <textarea
              data-testid="advisory-note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={NOTE_MAX}
              rows={3}
              autoFocus={action === 'review'}
            />
          </label>
        ) : null}
        {action === 'promote' ? (
          <p className="warn-text" data-testid="advisory-promote-warning">
            This starts {tier} paging for {what} at once, and records you as who decided.
          </p>
        ) : null}
        <div className="form-row">
          <button
            type="submit"
            className={action === 'promote' ? 'danger' : 'primary'}
            data-testid="advisory-confirm"
            disabled={busy || (action === 'dismiss' && !reason.trim())}
          >
            {busy ? 'Saving…' : action === 'promote' ? `Promote to ${tier}` : TITLE[action]}
          </button>
          <button type="button" data-testid="advisory-cancel" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function KeysHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal label="Keyboard shortcuts" testId="advisory-help" onClose={onClose}>
      <h2>Keys</h2>
      <dl className="advisory-keys">
        {KEYS.map((k) => (
          <div key={k.key}>
            <dt>
              <kbd>{k.key}</kbd>
            </dt>
            <dd>{k.does}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose} autoFocus>
        Close
      </button>
    </Modal>
  );
}

/** The advisories a decision could not be applied to, each with the engine's sentence. */
export function Failures({ failures }: { failures: { incidentId: number; message: string }[] }) {
  if (failures.length === 0) return null;
  return (
    <div className="error" role="alert" data-testid="advisory-failures">
      <p>
        {failures.length} advisor{failures.length === 1 ? 'y was' : 'ies were'} not changed:
      </p>
      <ul>
        {failures.map((f) => (
          <li key={f.incidentId} data-testid={`advisory-failure-${f.incidentId}`}>
            #{f.incidentId}: {f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
