/** The shared pieces of every page: tier and state badges, times, errors, links out. */
import type { ReactNode } from 'react';
import type { IncidentState, Tier } from '../api.ts';
import { useNow } from './hooks.ts';
import { safeHref } from './links.ts';
import { formatDateTime, formatRelative } from './time.ts';

const TIER_LABEL: Record<Tier, string> = { T1: 'T1 · critical', T2: 'T2 · warning', T3: 'T3 · info' };

export function TierBadge({ tier, testId }: { tier: Tier; testId?: string }) {
  return (
    <span className={`badge tier tier-${tier}`} data-testid={testId} title={TIER_LABEL[tier]}>
      {tier}
    </span>
  );
}

const STATE_ICON: Record<IncidentState, string> = { triggered: '●', acknowledged: '◐', resolved: '✓' };

export function StateBadge({ state, testId }: { state: IncidentState; testId?: string }) {
  return (
    <span className={`badge state state-${state}`} data-testid={testId}>
      <span aria-hidden="true">{STATE_ICON[state]} </span>
      {state}
    </span>
  );
}

/** A time as "3 min ago", with the full local time beside it (or as its tooltip when `compact`). */
export function When({ at, compact = false }: { at: string | null; compact?: boolean }) {
  const now = useNow();
  if (!at) return <span className="muted">—</span>;
  const full = formatDateTime(at);
  if (compact) {
    return (
      <time dateTime={at} title={full}>
        {formatRelative(at, now)}
      </time>
    );
  }
  return (
    <time dateTime={at} title={at}>
      {full} <span className="muted">({formatRelative(at, now)})</span>
    </time>
  );
}

export function ErrorBanner({ message, testId }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-header-tools">{children}</div> : null}
    </div>
  );
}

/**
 * A link out of Klaxon (Grafana, logs, runbooks): new tab, no referrer leak of the opener. A URL that is
 * not http(s) (e.g. `javascript:` from an alert's payload) is shown as text, never as a link.
 */
export function ExternalLink({
  href,
  children,
  testId,
}: {
  href: string;
  children: ReactNode;
  testId?: string;
}) {
  const safe = safeHref(href);
  if (!safe) return <span data-testid={testId}>{children}</span>;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer" data-testid={testId}>
      {children}
    </a>
  );
}

export interface Option {
  value: string;
  label: string;
}

/** A labelled native select (the best picker on a phone); `empty` adds a first option with value "". */
/** A labelled `<input type="datetime-local">` (local time), as every range form uses it. */
export function DateTimeField({
  label,
  testId,
  value,
  onChange,
  required = true,
}: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        type="datetime-local"
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={required}
      />
    </label>
  );
}

export function SelectField({
  label,
  testId,
  value,
  onChange,
  options,
  empty,
  required,
}: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly Option[];
  empty?: string;
  required?: boolean;
}) {
  return (
    <label>
      {label}
      <select
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={required}
      >
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
