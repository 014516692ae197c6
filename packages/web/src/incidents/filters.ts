/** The incident list's filters: read from and written to the URL query, and matched against live events. */
import type { Incident } from '../api.ts';

export interface IncidentFilters {
  tier: string;
  state: string;
  service: string;
  team: string;
}

export const FILTER_KEYS = ['tier', 'state', 'service', 'team'] as const;

export function filtersFrom(params: URLSearchParams): IncidentFilters {
  return {
    tier: params.get('tier') ?? '',
    state: params.get('state') ?? '',
    service: params.get('service') ?? '',
    team: params.get('team') ?? '',
  };
}

const list = (value: string) => value.split(',').filter(Boolean);

/**
 * Whether a live incident belongs in the list as filtered. The team filter needs the service → team map;
 * without it (services not loaded) an incident cannot be placed, so it is left out.
 */
export function matches(
  incident: Incident,
  filters: IncidentFilters,
  teamOf: ReadonlyMap<string, string | null> | null,
): boolean {
  const tiers = list(filters.tier);
  const states = list(filters.state);
  const services = list(filters.service);
  const teams = list(filters.team);
  if (tiers.length && !tiers.includes(incident.tier)) return false;
  if (states.length && !states.includes(incident.state)) return false;
  if (services.length && !services.includes(incident.service)) return false;
  if (teams.length) {
    const team = teamOf?.get(incident.service);
    if (!team || !teams.includes(team)) return false;
  }
  return true;
}

/** The list with `incident` merged in: replaced where it is, or added at the top when it matches. */
export function mergeIncident(
  incidents: readonly Incident[],
  incident: Incident,
  belongs: boolean,
): Incident[] | null {
  const at = incidents.findIndex((i) => i.id === incident.id);
  if (at >= 0) {
    const current = incidents[at];
    if (current && current.updatedAt > incident.updatedAt) return null;
    const next = incidents.slice();
    next[at] = incident;
    return next;
  }
  if (!belongs) return null;
  return [incident, ...incidents];
}
