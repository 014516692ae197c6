/** The incident list: filters in the URL, newest first, kept current by the live stream without reloads. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, messageOf, STATES, TIERS } from '../api.ts';
import type { Incident, Service, Team } from '../api.ts';
import { LiveStatus, useIncidentEvents, useReconnects } from '../app/stream.tsx';
import {
  ErrorBanner,
  Loading,
  PageHeader,
  SelectField,
  StateBadge,
  TierBadge,
  When,
} from '../ui/components.tsx';
import type { Option } from '../ui/components.tsx';
import { FILTER_KEYS, filtersFrom, matches, mergeIncident } from './filters.ts';
import type { IncidentFilters } from './filters.ts';

interface ListState {
  key: string;
  incidents: Incident[];
  nextBefore: number | null;
}

export function IncidentListPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const key = FILTER_KEYS.map((k) => filters[k]).join('|');
  const [list, setList] = useState<ListState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [flash, setFlash] = useState<ReadonlySet<number>>(new Set());
  const [services, setServices] = useState<Service[] | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);

  useEffect(() => {
    // Options for the filters; the list works without them.
    api.services().then(
      (r) => setServices(r.services),
      () => setServices(null),
    );
    api.teams().then(
      (r) => setTeams(r.teams),
      () => setTeams([]),
    );
  }, []);

  const pending = useRef<Incident[]>([]);
  // After the live stream drops and comes back, reload: changes made meanwhile were not streamed.
  const reconnects = useReconnects();
  useEffect(() => {
    const ctrl = new AbortController();
    pending.current = [];
    setError(null);
    api.incidents(filters, ctrl.signal).then(
      (page) => {
        // Events that arrived while the page was loading may be newer than what it returned.
        let incidents = page.incidents;
        for (const i of pending.current) {
          incidents = mergeIncident(incidents, i, matches(i, filters, teamOfRef.current)) ?? incidents;
        }
        pending.current = [];
        setList({ key, incidents, nextBefore: page.nextBefore });
      },
      (err: unknown) => {
        if (!ctrl.signal.aborted) setError(messageOf(err));
      },
    );
    return () => ctrl.abort();
    // `filters` is what `key` spells out.
  }, [key, reconnects]);

  const teamOf = useMemo(
    () => (services ? new Map(services.map((s) => [s.id, s.team] as const)) : null),
    [services],
  );

  const teamOfRef = useRef(teamOf);
  teamOfRef.current = teamOf;

  useIncidentEvents((incident: Incident) => {
    if (!list || list.key !== key) pending.current.push(incident);
    setList((current) => {
      if (!current || current.key !== key) return current;
      const next = mergeIncident(current.incidents, incident, matches(incident, filters, teamOf));
      return next ? { ...current, incidents: next } : current;
    });
    setFlash((f) => new Set(f).add(incident.id));
  });

  const setFilter = (name: keyof IncidentFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  const loadMore = () => {
    if (!list?.nextBefore) return;
    setLoadingMore(true);
    api.incidents({ ...filters, before: list.nextBefore }).then(
      (page) => {
        setList((cur) =>
          cur
            ? {
                ...cur,
                incidents: [
                  ...cur.incidents,
                  ...page.incidents.filter((i) => !cur.incidents.some((c) => c.id === i.id)),
                ],
                nextBefore: page.nextBefore,
              }
            : cur,
        );
        setLoadingMore(false);
      },
      (err: unknown) => {
        setError(messageOf(err));
        setLoadingMore(false);
      },
    );
  };

  const shown = list && list.key === key ? list.incidents : null;
  const open = shown?.filter((i) => i.state === 'triggered').length ?? 0;
  useEffect(() => {
    document.title = open > 0 ? `(${open}) Incidents · Klaxon` : 'Incidents · Klaxon';
  }, [open]);

  return (
    <section>
      <PageHeader title="Incidents">
        <LiveStatus />
      </PageHeader>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter incidents">
        <SelectField
          label="State"
          testId="filter-state"
          value={filters.state}
          onChange={(v) => setFilter('state', v)}
          empty="All"
          options={[
            { value: 'triggered,acknowledged', label: 'Open (triggered + acknowledged)' },
            ...STATES.map((s) => ({ value: s, label: s[0]?.toUpperCase() + s.slice(1) })),
          ]}
        />
        <SelectField
          label="Tier"
          testId="filter-tier"
          value={filters.tier}
          onChange={(v) => setFilter('tier', v)}
          empty="All"
          options={TIERS.map((t) => ({ value: t, label: t }))}
        />
        <SelectField
          label="Service"
          testId="filter-service"
          value={filters.service}
          onChange={(v) => setFilter('service', v)}
          empty="All"
          options={withCurrent(
            (services ?? []).map((s) => ({ value: s.id, label: s.name })),
            filters.service,
          )}
        />
        <SelectField
          label="Team"
          testId="filter-team"
          value={filters.team}
          onChange={(v) => setFilter('team', v)}
          empty="All"
          options={withCurrent(
            teams.map((t) => ({ value: t.id, label: t.name })),
            filters.team,
          )}
        />
      </form>
      <ErrorBanner message={error} />
      {!shown && !error ? <Loading what="incidents" /> : null}
      {shown ? <IncidentRows incidents={shown} flash={flash} /> : null}
      {list?.nextBefore && shown ? (
        <button type="button" className="more" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Older incidents'}
        </button>
      ) : null}
    </section>
  );
}

/** Keep a value typed into the URL selectable even when it is not among the loaded options. */
function withCurrent(options: Option[], current: string): Option[] {
  if (!current || options.some((o) => o.value === current)) return options;
  return [...options, { value: current, label: current }];
}

function IncidentRows({ incidents, flash }: { incidents: Incident[]; flash: ReadonlySet<number> }) {
  return (
    <div className="incident-table" role="table" aria-label="Incidents">
      <div className="incident-head" role="row">
        <span role="columnheader">Tier</span>
        <span role="columnheader">State</span>
        <span role="columnheader">Incident</span>
        <span role="columnheader">Service</span>
        <span role="columnheader">Opened</span>
        <span role="columnheader">Responder</span>
      </div>
      <ul className="incident-list" data-testid="incident-list">
        {incidents.length === 0 ? <li className="empty">No incidents match these filters.</li> : null}
        {incidents.map((i) => (
          <li key={i.id}>
            <Link
              to={`/incidents/${i.id}`}
              className={`incident-row state-row-${i.state} tier-row-${i.tier}${flash.has(i.id) ? ' flash' : ''}`}
              data-testid={`incident-row-${i.id}`}
              key={i.updatedAt}
            >
              <span className="cell-tier">
                <TierBadge tier={i.tier} testId="incident-tier" />
              </span>
              <span className="cell-state">
                <StateBadge state={i.state} testId="incident-state" />
              </span>
              <span className="cell-title">
                <span className="incident-id">#{i.id}</span> {i.title}
              </span>
              <span className="cell-service">{i.service}</span>
              <span className="cell-time">
                <When at={i.createdAt} compact />
              </span>
              <span className="cell-who muted">
                {i.resolvedBy
                  ? `resolved by ${i.resolvedBy}`
                  : i.acknowledgedBy
                    ? `ack by ${i.acknowledgedBy}`
                    : ''}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
