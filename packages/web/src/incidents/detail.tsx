/**
 * One incident, from one request (GET /api/v1/incidents/:id): actions and links first, then the facts,
 * escalation, what changed, the timeline, alerts and notifications. Refetched after every action and
 * whenever the live stream reports a change to this incident.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, messageOf } from '../api.ts';
import type { IncidentDetail } from '../api.ts';
import { useCan } from '../app/session.tsx';
import { useIncidentEvents, useReconnects } from '../app/stream.tsx';
import { ErrorBanner, Loading, StateBadge, TierBadge, When } from '../ui/components.tsx';
import { useAction } from '../ui/hooks.ts';
import { Alerts, Changes, DeepLinks, EscalationStatus, Notifications, Timeline } from './sections.tsx';

type Load = { status: 'loading' } | { status: 'not-found' } | { status: 'error'; message: string };

export function IncidentDetailPage() {
  const { id = '' } = useParams();
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [load, setLoad] = useState<Load | null>({ status: 'loading' });
  const seq = useRef(0);

  const fetchDetail = useCallback(() => {
    const mine = ++seq.current;
    api.incident(id).then(
      (d) => {
        if (mine !== seq.current) return;
        setDetail(d);
        setLoad(null);
      },
      (err: unknown) => {
        if (mine !== seq.current) return;
        if (
          err instanceof ApiError &&
          (err.status === 404 || err.code === 'not_found' || err.status === 400)
        ) {
          setDetail(null);
          setLoad({ status: 'not-found' });
        } else setLoad({ status: 'error', message: messageOf(err) });
      },
    );
  }, [id]);

  useEffect(() => {
    setDetail(null);
    setLoad({ status: 'loading' });
    fetchDetail();
  }, [fetchDetail]);

  // Several events can arrive together (ack + notifications canceled): one refetch for the burst.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  // After the live stream comes back from a drop, reload: changes made meanwhile were not streamed.
  const reconnects = useReconnects();
  const seen = useRef(reconnects);
  useEffect(() => {
    if (seen.current === reconnects) return;
    seen.current = reconnects;
    fetchDetail();
  }, [reconnects, fetchDetail]);

  useIncidentEvents((incident) => {
    if (String(incident.id) !== id) return;
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      pending.current = null;
      fetchDetail();
    }, 150);
  });

  useEffect(() => {
    if (detail) document.title = `#${detail.incident.id} ${detail.incident.title} · Klaxon`;
  }, [detail]);

  if (load?.status === 'not-found')
    return (
      <section className="empty" data-testid="not-found">
        <h1>Incident not found</h1>
        <p>There is no incident #{id}, or it belongs to a team you are not in.</p>
        <Link to="/">Back to incidents</Link>
      </section>
    );
  if (!detail) {
    if (load?.status === 'error') return <ErrorBanner message={load.message} />;
    return <Loading what={`incident #${id}`} />;
  }

  const { incident } = detail;
  return (
    <article className={`incident-detail tier-page-${incident.tier}`}>
      <Link to="/" className="back">
        ← Incidents
      </Link>
      <header className="incident-header">
        <div className="incident-badges">
          <TierBadge tier={incident.tier} />
          <StateBadge state={incident.state} testId="incident-state" />
          <span className="service-chip">{incident.service}</span>
          <span className="muted">#{incident.id}</span>
        </div>
        <h1 data-testid="incident-title">{incident.title}</h1>
      </header>
      {load?.status === 'error' ? <ErrorBanner message={load.message} /> : null}
      <Actions detail={detail} onChanged={fetchDetail} />
      <DeepLinks context={detail.context} />
      <div className="detail-grid">
        <div className="detail-main">
          <section className="card" aria-label="Summary">
            <dl className="facts">
              <dt>Opened</dt>
              <dd>
                <When at={incident.createdAt} />
              </dd>
              <dt>Acknowledged</dt>
              <dd>
                {incident.acknowledgedAt ? (
                  <>
                    <When at={incident.acknowledgedAt} /> by{' '}
                    <strong>{incident.acknowledgedBy ?? 'unknown'}</strong>
                  </>
                ) : (
                  <span className="muted">not yet</span>
                )}
              </dd>
              <dt>Resolved</dt>
              <dd>
                {incident.resolvedAt ? (
                  <>
                    <When at={incident.resolvedAt} /> by <strong>{incident.resolvedBy ?? 'unknown'}</strong>
                  </>
                ) : (
                  <span className="muted">not yet</span>
                )}
              </dd>
              <dt>Source</dt>
              <dd>{incident.source}</dd>
              {incident.reopenCount > 0 ? (
                <>
                  <dt>Reopened</dt>
                  <dd>{incident.reopenCount}×</dd>
                </>
              ) : null}
              {detail.context.value ? (
                <>
                  <dt>Value</dt>
                  <dd>
                    <code>{detail.context.value}</code>
                  </dd>
                </>
              ) : null}
            </dl>
          </section>
          <Timeline events={detail.timeline} />
          <NoteForm incidentId={incident.id} onAdded={fetchDetail} />
          <Notifications notifications={detail.notifications} />
        </div>
        <aside className="detail-side">
          <EscalationStatus escalation={detail.escalation} />
          <Changes changes={detail.changes} />
          <Alerts alerts={detail.alerts} />
        </aside>
      </div>
    </article>
  );
}

function Actions({ detail, onChanged }: { detail: IncidentDetail; onChanged: () => void }) {
  const canAct = useCan('responder');
  const action = useAction<'ack' | 'resolve' | 'escalate'>();
  const { busy, error } = action;
  if (!canAct) return null;
  const { incident } = detail;
  const run = (name: 'ack' | 'resolve' | 'escalate', request: () => Promise<unknown>) =>
    action.run(name, request, onChanged, onChanged);

  const triggered = incident.state === 'triggered';
  const resolved = incident.state === 'resolved';
  return (
    <div className="actions-wrap">
      <div className="actions" role="group" aria-label="Actions">
        {triggered ? (
          <button
            type="button"
            className="primary big"
            data-testid="ack-button"
            disabled={busy !== null}
            onClick={() => run('ack', () => api.acknowledge(incident.id))}
          >
            {busy === 'ack' ? 'Acknowledging…' : 'Acknowledge'}
          </button>
        ) : null}
        {!resolved ? (
          <button
            type="button"
            className="success big"
            data-testid="resolve-button"
            disabled={busy !== null}
            onClick={() => run('resolve', () => api.resolve(incident.id))}
          >
            {busy === 'resolve' ? 'Resolving…' : 'Resolve'}
          </button>
        ) : null}
        {triggered ? (
          <button
            type="button"
            className="big"
            data-testid="escalate-button"
            disabled={busy !== null}
            onClick={() => run('escalate', () => api.escalate(incident.id))}
          >
            {busy === 'escalate' ? 'Escalating…' : 'Escalate now'}
          </button>
        ) : null}
      </div>
      <ErrorBanner message={error} testId="action-error" />
    </div>
  );
}

function NoteForm({ incidentId, onAdded }: { incidentId: number; onAdded: () => void }) {
  const canAct = useCan('responder');
  const [text, setText] = useState('');
  const action = useAction();
  const busy = action.busy !== null;
  const { error } = action;
  if (!canAct) return null;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const note = text.trim();
    if (!note) return;
    action.run(
      'submit',
      () => api.addNote(incidentId, note),
      () => {
        setText('');
        onAdded();
      },
    );
  };

  return (
    <form className="card note-form" onSubmit={onSubmit}>
      <label htmlFor="note-input">Add a note</label>
      <textarea
        id="note-input"
        data-testid="note-input"
        rows={3}
        placeholder="What you found, what you tried, who you called…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
        }}
      />
      <ErrorBanner message={error} />
      <button type="submit" className="big" data-testid="note-submit" disabled={busy || !text.trim()}>
        {busy ? 'Adding…' : 'Add note'}
      </button>
    </form>
  );
}
