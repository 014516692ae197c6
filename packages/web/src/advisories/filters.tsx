/** The Advisories page's filters: team (the person's own), service, alert and state, all in the URL. */
import { useEffect, useState } from 'react';
import { ADVISORY_STATES, api } from '../api.ts';
import type { Advisory, Service, Team } from '../api.ts';
import { SelectField } from '../ui/components.tsx';
import type { Option } from '../ui/components.tsx';
import type { AdvisoryQuery } from './selection.ts';

export function FilterForm({
  q,
  setFilter,
  teamIds,
  shown,
}: {
  q: AdvisoryQuery;
  setFilter: (name: keyof AdvisoryQuery, value: string) => void;
  /** The person's teams (an admin's: every team). */
  teamIds: readonly string[];
  shown: Advisory[];
}) {
  const [teams, setTeams] = useState<Team[]>([]);
  const [services, setServices] = useState<Service[]>([]);
  useEffect(() => {
    // Names for the options; the filters work with ids alone.
    api.teams().then(
      (r) => setTeams(r.teams),
      () => setTeams([]),
    );
    api.services().then(
      (r) => setServices(r.services),
      () => setServices([]),
    );
  }, []);
  const serviceOptions = withCurrent(
    services.filter((s) => !q.team || s.team === q.team).map((s) => ({ value: s.id, label: s.name })),
    q.service,
  );
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter advisories">
      <SelectField
        label="Team"
        testId="advisory-filter-team"
        value={q.team}
        onChange={(v) => setFilter('team', v)}
        empty="All my teams"
        options={teamOptions(teamIds, teams, q.team)}
      />
      <SelectField
        label="Service"
        testId="advisory-filter-service"
        value={q.service}
        onChange={(v) => setFilter('service', v)}
        empty="All"
        options={serviceOptions}
      />
      <AlertField value={q.alert} onChange={(v) => setFilter('alert', v)} alerts={shown} />
      <SelectField
        label="State"
        testId="advisory-filter-state"
        value={q.state}
        onChange={(v) => setFilter('state', v)}
        options={[
          ...ADVISORY_STATES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) })),
          { value: 'all', label: 'All' },
        ]}
      />
    </form>
  );
}

/** The alert filter: typed (or picked from the alerts shown), applied when the field is left or on Enter. */
function AlertField({
  value,
  onChange,
  alerts,
}: {
  value: string;
  onChange: (v: string) => void;
  alerts: Advisory[];
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const names = [...new Set(alerts.map((a) => a.alert))].sort();
  const commit = () => {
    if (draft.trim() !== value) onChange(draft.trim());
  };
  return (
    <label>
      Alert
      <input
        data-testid="advisory-filter-alert"
        list="advisory-alert-names"
        value={draft}
        placeholder="Any alert"
        maxLength={200}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <datalist id="advisory-alert-names">
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </label>
  );
}

/** The person's teams by name (an admin's are every team), keeping a team typed into the URL. */
function teamOptions(mine: readonly string[], teams: readonly Team[], current: string): Option[] {
  const names = new Map(teams.map((t) => [t.id, t.name] as const));
  return withCurrent(
    mine.map((id) => ({ value: id, label: names.get(id) ?? id })),
    current,
  );
}

function withCurrent(options: Option[], current: string): Option[] {
  if (!current || options.some((o) => o.value === current)) return options;
  return [...options, { value: current, label: current }];
}
