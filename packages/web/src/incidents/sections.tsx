/** The read-only parts of the incident page: links out, what changed, timeline, alerts, notifications. */
import type { Alert, Change, Escalation, IncidentContext, Notification, TimelineEvent } from '../api.ts';
import { ExternalLink, When } from '../ui/components.tsx';
import { safeHref } from '../ui/links.ts';
import { formatDateTime } from '../ui/time.ts';

export function DeepLinks({ context }: { context: IncidentContext }) {
  const links = [
    { href: context.dashboardUrl, label: 'Dashboard', id: 'link-dashboard' },
    { href: context.logsUrl, label: 'Logs', id: 'link-logs' },
    { href: context.tracesUrl, label: 'Traces', id: 'link-traces' },
    { href: context.runbookUrl, label: 'Runbook', id: 'link-runbook' },
    { href: context.silenceUrl, label: 'Silence', id: 'link-silence' },
    { href: context.generatorUrl, label: 'Alert source', id: 'link-generator' },
  ];
  // Only http(s) links: a runbook annotation or generator URL from a sender may be anything.
  const present = links.filter((l): l is typeof l & { href: string } => safeHref(l.href) !== null);
  if (present.length === 0) return null;
  return (
    <nav className="deep-links" aria-label="Investigate">
      {present.map((l) => (
        <ExternalLink key={l.id} href={l.href} testId={l.id}>
          {l.label} ↗
        </ExternalLink>
      ))}
    </nav>
  );
}

const ESCALATION_STATE: Record<string, string> = {
  active: 'escalating',
  waiting_ack: 'waiting for acknowledgement',
  done: 'finished',
  canceled: 'stopped',
};

export function EscalationStatus({ escalation }: { escalation: Escalation | null }) {
  return (
    <section className="card" data-testid="escalation-status" aria-labelledby="esc-h">
      <h2 id="esc-h">Escalation</h2>
      {escalation ? (
        <dl className="facts">
          <dt>Policy</dt>
          <dd>{escalation.policy}</dd>
          <dt>Status</dt>
          <dd>{ESCALATION_STATE[escalation.state] ?? escalation.state}</dd>
          <dt>Next step</dt>
          <dd>
            {escalation.nextAt ? (
              <>
                step {escalation.step + 1}
                {escalation.cycle > 0 ? ` (repeat ${escalation.cycle})` : ''} at{' '}
                <When at={escalation.nextAt} />
              </>
            ) : (
              <span className="muted">none scheduled</span>
            )}
          </dd>
        </dl>
      ) : (
        <p className="muted">Not escalating: this incident does not page.</p>
      )}
    </section>
  );
}

export function Changes({ changes }: { changes: Change[] }) {
  return (
    <section className="card" aria-labelledby="changes-h">
      <h2 id="changes-h">What changed</h2>
      {changes.length === 0 ? (
        <p className="muted">No deployments in the 2 hours before this opened.</p>
      ) : (
        <ul className="changes">
          {changes.map((c) => (
            <li key={c.id}>
              <strong>{c.service}</strong> {c.version}{' '}
              <span className="muted">
                to {c.environment}
                {c.author ? ` by ${c.author}` : ''} ·{' '}
                {c.minutesBefore < 1 ? 'just before' : `${c.minutesBefore} min before`}
                {c.relation === 'dependency' ? ' · dependency' : ''}
              </span>
              {c.url ? (
                <>
                  {' '}
                  <ExternalLink href={c.url}>details ↗</ExternalLink>
                </>
              ) : null}
              {c.description ? <div className="muted small">{c.description}</div> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The CSS family for a timeline kind: `notification.failed` → notification + failed. */
function kindClass(kind: string): string {
  const [family, outcome] = kind.split('.');
  return `tl-${family ?? 'other'}${outcome ? ` tl-${family}-${outcome}` : ''}`;
}

export function Timeline({ events }: { events: TimelineEvent[] }) {
  return (
    <section className="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      <ol className="timeline" data-testid="timeline">
        {events.map((e, i) => (
          <li
            key={`${e.id}-${e.kind}-${i}`}
            className={`timeline-entry ${kindClass(e.kind)}`}
            data-testid="timeline-entry"
            data-kind={e.kind}
          >
            <span className="tl-dot" aria-hidden="true" />
            <div className="tl-body">
              <div className="tl-meta">
                <span className="tl-kind">{e.kind}</span>
                <When at={e.at} compact />
                <span className="muted small">{formatDateTime(e.at)}</span>
                {e.actor ? <span className="muted small">· {e.actor}</span> : null}
              </div>
              <div className="tl-message">{e.message}</div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function Alerts({ alerts }: { alerts: Alert[] }) {
  return (
    <section className="card" aria-labelledby="alerts-h">
      <h2 id="alerts-h">Alerts ({alerts.length})</h2>
      <ul className="alerts">
        {alerts.map((a) => (
          <li key={a.id} className={`alert alert-${a.status}`}>
            <div className="alert-head">
              <span className={`badge alert-status alert-status-${a.status}`}>{a.status}</span>
              <strong>{a.summary}</strong>
            </div>
            <div className="muted small">
              {a.source} · fired {a.fireCount}× · first <When at={a.firstSeenAt} compact /> · last{' '}
              <When at={a.lastSeenAt} compact />
              {a.generatorUrl ? (
                <>
                  {' · '}
                  <ExternalLink href={a.generatorUrl}>source ↗</ExternalLink>
                </>
              ) : null}
            </div>
            {Object.keys(a.labels).length > 0 ? (
              <ul className="labels" aria-label="Labels">
                {Object.entries(a.labels).map(([k, v]) => (
                  <li key={k} className="label">
                    <span className="label-k">{k}</span>
                    <span className="label-v">{v}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Notifications({ notifications }: { notifications: Notification[] }) {
  return (
    <section className="card" aria-labelledby="notifications-h">
      <h2 id="notifications-h">Notifications ({notifications.length})</h2>
      {notifications.length === 0 ? (
        <p className="muted">Nobody has been paged.</p>
      ) : (
        <table className="stack-table">
          <thead>
            <tr>
              <th>Person</th>
              <th>Channel</th>
              <th>Step</th>
              <th>Due</th>
              <th>Status</th>
              <th>Attempts</th>
            </tr>
          </thead>
          <tbody>
            {notifications.map((n) => (
              <tr key={n.id}>
                <td data-label="Person">{n.user || <span className="muted">channel</span>}</td>
                <td data-label="Channel">
                  {n.channel} <span className="muted small">{n.address}</span>
                </td>
                <td data-label="Step">{n.step === null ? '—' : n.step + 1}</td>
                <td data-label="Due">
                  <When at={n.dueAt} compact />
                </td>
                <td data-label="Status">
                  <span className={`badge delivery delivery-${n.status}`}>{n.status}</span>
                  {n.lastError ? <div className="error-text small">{n.lastError}</div> : null}
                </td>
                <td data-label="Attempts">{n.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
