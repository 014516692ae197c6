/**
 * Services: owner team, dependencies, links, open incidents, and maintenance: start a window for a number
 * of minutes (alerts are still recorded, nobody is paged) or end one early.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { api, messageOf } from '../api.ts';
import type { MaintenanceWindow, Service } from '../api.ts';
import { useCan } from '../app/session.tsx';
import {
  ErrorBanner,
  ExternalLink,
  Loading,
  PageHeader,
  SelectField,
  TierBadge,
  When,
} from '../ui/components.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';

async function loadAll(): Promise<{ services: Service[]; windows: MaintenanceWindow[] }> {
  const [s, m] = await Promise.all([api.services(), api.maintenance()]);
  return { services: s.services, windows: m.windows };
}

export function ServicesPage() {
  const [tick, setTick] = useState(0);
  const data = useLoad(loadAll, String(tick));
  const canEdit = useCan('responder');
  const reload = () => setTick((t) => t + 1);
  const services = data.data?.services ?? [];
  const windows = data.data?.windows ?? [];
  const nameOf = (id: string) => services.find((s) => s.id === id)?.name ?? id;

  return (
    <section>
      <PageHeader title="Services" />
      <ErrorBanner message={data.error} />
      {!data.data && data.loading ? <Loading what="services" /> : null}
      {data.data ? (
        <>
          {canEdit ? <MaintenanceForm services={services} onStarted={reload} /> : null}
          <MaintenanceList windows={windows} nameOf={nameOf} canEdit={canEdit} onEnded={reload} />
          <div className="cards">
            {services.map((s) => (
              <ServiceCard key={s.id} service={s} nameOf={nameOf} />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}

function ServiceCard({ service: s, nameOf }: { service: Service; nameOf: (id: string) => string }) {
  return (
    <section className="card service" data-testid={`service-${s.id}`} aria-labelledby={`svc-${s.id}`}>
      <div className="service-head">
        <h2 id={`svc-${s.id}`}>{s.name}</h2>
        {s.defaultTier ? <TierBadge tier={s.defaultTier} /> : null}
      </div>
      {s.description ? <p className="muted small">{s.description}</p> : null}
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
        <dt>Team</dt>
        <dd>{s.team ?? <span className="muted">none</span>}</dd>
        <dt>Depends on</dt>
        <dd>
          {s.dependsOn.length ? s.dependsOn.map(nameOf).join(', ') : <span className="muted">nothing</span>}
        </dd>
        <dt>Open incidents</dt>
        <dd>
          {s.openIncidents > 0 ? (
            <Link
              to={`/?service=${encodeURIComponent(s.id)}&state=triggered,acknowledged`}
              className="open-count"
            >
              {s.openIncidents} open
            </Link>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        {s.maintenance ? (
          <>
            <dt>Maintenance</dt>
            <dd className="maint-on">
              until <When at={s.maintenance.to} />
            </dd>
          </>
        ) : null}
      </dl>
      <div className="service-links">
        {s.dashboardUrl ? <ExternalLink href={s.dashboardUrl}>Dashboard ↗</ExternalLink> : null}
        {s.runbookUrl ? <ExternalLink href={s.runbookUrl}>Runbook ↗</ExternalLink> : null}
      </div>
    </section>
  );
}

function MaintenanceForm({ services, onStarted }: { services: Service[]; onStarted: () => void }) {
  const [service, setService] = useState(services[0]?.id ?? '');
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const action = useAction();
  const busy = action.busy !== null;
  const { error, setError } = action;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(minutes);
    if (!service) return setError('Choose a service.');
    if (!Number.isFinite(n) || n <= 0) return setError('Minutes must be a positive number.');
    const to = new Date(new Date().getTime() + n * 60_000).toISOString();
    const body = reason.trim() ? { service, to, reason: reason.trim() } : { service, to };
    action.run(
      'submit',
      () => api.startMaintenance(body),
      () => {
        setReason('');
        onStarted();
      },
    );
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="mnt-h">
      <h2 id="mnt-h">Start maintenance</h2>
      <p className="muted small">Alerts are still recorded during a window; nobody is paged.</p>
      <div className="form-row">
        <SelectField
          label="Service"
          testId="maintenance-service"
          value={service}
          onChange={setService}
          options={services.map((x) => ({ value: x.id, label: x.name }))}
        />
        <label>
          Minutes
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={10080}
            data-testid="maintenance-minutes"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            required
          />
        </label>
        <label className="grow">
          Reason
          <input
            data-testid="maintenance-reason"
            value={reason}
            maxLength={1000}
            placeholder="e.g. broker upgrade"
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <button type="submit" className="primary big" data-testid="maintenance-start" disabled={busy}>
          {busy ? 'Starting…' : 'Start'}
        </button>
      </div>
      <ErrorBanner message={error} testId="maintenance-error" />
    </form>
  );
}

interface ListProps {
  windows: MaintenanceWindow[];
  nameOf: (id: string) => string;
  canEdit: boolean;
  onEnded: () => void;
}

function MaintenanceList({ windows, nameOf, canEdit, onEnded }: ListProps) {
  const [error, setError] = useState<string | null>(null);
  const now = new Date();
  const end = (id: number | string) => {
    setError(null);
    api.endMaintenance(id).then(onEnded, (err: unknown) => setError(messageOf(err)));
  };
  return (
    <section className="card" aria-labelledby="mntl-h">
      <h2 id="mntl-h">Maintenance windows</h2>
      <ErrorBanner message={error} />
      {windows.length === 0 ? (
        <p className="muted">No service is in maintenance.</p>
      ) : (
        <table className="stack-table">
          <thead>
            <tr>
              <th>Service</th>
              <th>Status</th>
              <th>From</th>
              <th>Until</th>
              <th>Reason</th>
              <th>By</th>
              {canEdit ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {windows.map((w) => (
              <tr key={w.id} data-testid="maintenance-row" data-service={w.service}>
                <td data-label="Service">{nameOf(w.service)}</td>
                <td data-label="Status">{new Date(w.from) <= now ? 'active' : 'scheduled'}</td>
                <td data-label="From">
                  <When at={w.from} compact />
                </td>
                <td data-label="Until">
                  <When at={w.to} />
                </td>
                <td data-label="Reason">{w.reason || <span className="muted">—</span>}</td>
                <td data-label="By">{w.createdBy}</td>
                {canEdit ? (
                  <td data-label="">
                    <button
                      type="button"
                      className="danger"
                      data-testid="maintenance-end"
                      onClick={() => end(w.id)}
                    >
                      End now
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
