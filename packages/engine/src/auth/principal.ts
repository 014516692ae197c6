/**
 * Who is calling, once authenticated: the request principal (a person or an API token, with role and
 * teams), and the team scoping every handler applies to reads and actions. Domains use this without
 * importing HTTP: it is plain data and pure functions over the config.
 */
import type { AuthUser, Role, ServicesView, TeamsView } from './config.ts';

export interface Principal {
  /** The actor recorded on changes: the user id for people, the token name for tokens. */
  name: string;
  role: Role;
  kind: 'user' | 'token';
  /** For kind 'user'. */
  userId?: string;
  /** Team ids the principal is scoped to; null = every team (admins, tokens without `teams`). */
  teams: string[] | null;
  via: 'password' | 'oidc' | 'token';
  /** For cookie sessions: what X-CSRF-Token must carry on unsafe methods. */
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Team ids `userId` belongs to: as a member or as the lead. */
export function teamsOf(config: TeamsView, userId: string): string[] {
  return config.teams.filter((t) => t.members.includes(userId) || t.lead === userId).map((t) => t.id);
}

/** The principal for a signed-in person, from the config as it is now. */
export function userPrincipal(
  config: TeamsView,
  user: AuthUser,
  via: 'password' | 'oidc',
  csrfToken?: string,
): Principal {
  return {
    name: user.id,
    role: user.role,
    kind: 'user',
    userId: user.id,
    teams: user.role === 'admin' ? null : teamsOf(config, user.id),
    via,
    ...(csrfToken ? { csrfToken } : {}),
  };
}

/**
 * Service ids the principal may see and act on; null = all.
 *
 * @example
 * const visible = visibleServices(config, req.principal!);
 * const rows = visible ? incidents.filter((i) => visible.has(i.service)) : incidents;
 */
export function visibleServices(config: ServicesView, p: Principal): Set<string> | null {
  if (p.teams === null) return null;
  const teams = new Set(p.teams);
  return new Set(config.services.filter((s) => teams.has(s.team)).map((s) => s.id));
}

export function canSeeService(config: ServicesView, p: Principal, serviceId: string): boolean {
  return visibleServices(config, p)?.has(serviceId) ?? true;
}

/**
 * The service filter for a list query: the `requested` services (and those of the `teams` asked for),
 * narrowed to what the principal may see. undefined = no filter; an empty list = nothing to show.
 *
 * @example
 * const services = scopeServices(config, req.principal!, q.service, q.team);
 * if (services?.length === 0) return { incidents: [] };
 */
export function scopeServices(
  config: ServicesView,
  p: Principal,
  requested?: string[],
  teams?: string[],
): string[] | undefined {
  let allowed = visibleServices(config, p);
  if (teams?.length) {
    const wanted = new Set(teams);
    const ofTeams = config.services.filter((s) => wanted.has(s.team) && (allowed?.has(s.id) ?? true));
    allowed = new Set(ofTeams.map((s) => s.id));
  }
  if (requested?.length) return allowed ? requested.filter((s) => allowed.has(s)) : requested;
  return allowed ? [...allowed] : undefined;
}

/** Whether the principal may act for `team` (admins and unscoped tokens may act for any). */
export function inTeam(p: Principal, team: string): boolean {
  return p.teams === null || p.teams.includes(team);
}
