/**
 * Who is calling, once authenticated: the request principal (a person or an API token, with role and
 * teams), the team scoping every handler applies to reads, and `authorizeAction`, the one role-and-team
 * check every way of acting on an incident goes through (API and UI, SMS replies, voice key presses,
 * Slack buttons). Domains use this without importing HTTP: it is plain data and pure functions over the
 * config.
 */
import type { AuthUser, Role, ServicesView, TeamsView } from './config.ts';

/** How a principal reached Klaxon: a web sign-in, an API token, or a reply on a channel it was paged on. */
export type PrincipalVia = 'password' | 'oidc' | 'token' | ChannelVia;
/**
 * Channels a person acts through without signing in: the channel identifies them (the number an SMS came
 * from, the person a call paged, the Slack user), or a signed link sent to them by push or email.
 */
export type ChannelVia = 'sms' | 'voice' | 'slack' | 'push' | 'email';

export interface Principal {
  /** The actor recorded on changes: the user id for people, the token name for tokens. */
  name: string;
  role: Role;
  kind: 'user' | 'token';
  /** For kind 'user'. */
  userId?: string;
  /** Team ids the principal is scoped to; null = every team (admins, tokens without `teams`). */
  teams: string[] | null;
  via: PrincipalVia;
  /** For cookie sessions: what X-CSRF-Token must carry on unsafe methods. */
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

/** Whether the principal's role is `role` or above it. */
export function hasRole(p: Principal, role: Role): boolean {
  return ROLE_RANK[p.role] >= ROLE_RANK[role];
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
 * The principal for a person acting through a channel that identifies them (the phone an SMS came from,
 * the person a call paged, the Slack user who pressed a button, the person a signed link was sent to),
 * with the role and teams the config gives them now. Its name, the recorded actor, is
 * `<channel>:<user id>`.
 */
export function channelPrincipal(
  config: TeamsView,
  user: Pick<AuthUser, 'id' | 'role'>,
  via: ChannelVia,
): Principal {
  return {
    name: `${via}:${user.id}`,
    role: user.role,
    kind: 'user',
    userId: user.id,
    teams: user.role === 'admin' ? null : teamsOf(config, user.id),
    via,
  };
}

/** Why an action is refused: the role is too low, or the service is not one of the principal's teams'. */
export type ActionDecision = { allowed: true } | { allowed: false; reason: 'role' | 'team'; message: string };

/**
 * Whether the principal may act (acknowledge, resolve, escalate, add a note) on an incident of
 * `serviceId`: at least `role` (as requireRole checks), and the service visible to them (as canSeeService
 * checks) unless `paged`: a person the incident paged may act on it whatever team owns its service (a
 * tier's rotation pages across teams, and the person woken must be able to stop the escalation). Every action path calls this one function; each answers a refusal in its own medium (the API
 * with 403, or 404 for another team's incident so ids do not leak; SMS, voice and Slack with a sentence).
 *
 * @example
 * const decision = authorizeAction(config, principal, incident.service_id, 'responder');
 * if (!decision.allowed) return answer(decision.message);
 */
export function authorizeAction(
  config: ServicesView,
  p: Principal,
  serviceId: string,
  role: Role = 'responder',
  opts: { paged?: boolean } = {},
): ActionDecision {
  if (!hasRole(p, role)) {
    const who = p.kind === 'token' ? `token "${p.name}"` : `user "${p.userId ?? p.name}"`;
    return { allowed: false, reason: 'role', message: `This needs the ${role} role; ${who} has ${p.role}.` };
  }
  if (!opts.paged && !canSeeService(config, p, serviceId))
    return {
      allowed: false,
      reason: 'team',
      message: `Service "${serviceId}" belongs to a team this principal is not in.`,
    };
  return { allowed: true };
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
