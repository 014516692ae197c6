/**
 * Checking and using an action link. A link acts as the person it was sent to, reached through the
 * channel that carried it (the recorded actor is `push:alice`, `sms:alice`, `email:alice`), with the role
 * and teams the config gives them now, through `authorizeAction` like every other way of acting. It is
 * refused when altered, for another incident, used, expired, when the incident is resolved, or when the
 * person is no longer a responder (the team check passes: the incident paged them). Using it claims it
 * first (one conditional UPDATE), then acts through incidents/store.ts and records what it did.
 */
import type { TeamsView, ServicesView } from '../auth/config.ts';
import { authorizeAction, channelPrincipal, type ChannelVia, type Principal } from '../auth/principal.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { ApiError } from '../errors/errors.ts';
import type { IncidentChangesConfig } from '../incidents/config.ts';
import { acknowledgeIncident, changeOptions, resolveIncident } from '../incidents/store.ts';
import type { UserConfig } from '../org/config.ts';
import { bindingOf, type ActionLinks, type ActionLinksView } from './links.ts';
import { claimLink, findLink, recordResult, releaseLink, type ActionLinkRow } from './store.ts';
import { parseToken, verifyLink, type LinkAction } from './tokens.ts';

/** What checking and using a link reads from the config. */
export type LinkUseConfig = ActionLinksView &
  IncidentChangesConfig &
  TeamsView &
  ServicesView & { users: readonly Pick<UserConfig, 'id' | 'name' | 'role'>[] };

export interface LinkUseDeps {
  config: LinkUseConfig;
  store: KlaxonDatabase;
  clock: Clock;
  links: ActionLinks;
  /** Asks the engine for a cycle now (the escalation stops). */
  poke?: () => void;
}

/** A link that may act now: who, on what, as which principal. */
export interface CheckedLink {
  link: ActionLinkRow;
  action: LinkAction;
  person: { id: string; name: string };
  principal: Principal;
  incident: { id: number; title: string; state: string };
}

/** The channels that carry links (actions/links.ts); the link's channel names the actor. */
const VIA = new Set<string>(['sms', 'email', 'push'] satisfies ChannelVia[]);
const VERB: Record<LinkAction, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The link for `token`, if it is one and was made for `incidentId`; ApiError otherwise. */
async function authenticLink(deps: LinkUseDeps, incidentId: number, token: string): Promise<ActionLinkRow> {
  const parts = parseToken(token);
  const link = parts ? await findLink(deps.store.db, parts.id) : undefined;
  if (!link || !VIA.has(link.channel) || !verifyLink(await deps.links.key(), token, bindingOf(link)))
    throw new ApiError('link_invalid', 'This link is not valid: it was cut short, altered, or is too old.');
  if (link.incident_id !== incidentId)
    throw new ApiError(
      'link_wrong_incident',
      `This link is for incident #${link.incident_id}, not #${incidentId}. Use the link exactly as it was sent.`,
    );
  return link;
}

/**
 * Everything that decides whether the link may act, without acting: the GET confirmation page and the
 * POST both ask this.
 */
export async function checkLink(deps: LinkUseDeps, incidentId: number, token: string): Promise<CheckedLink> {
  const { config, store, clock } = deps;
  const link = await authenticLink(deps, incidentId, token);
  if (link.used_at !== null)
    throw new ApiError(
      'link_used',
      `This link was already used at ${when(link.used_at)}${link.result ? `: ${link.result}` : ''}. Each link works once.`,
    );
  if (link.expires_at <= clock.now().getTime())
    throw new ApiError(
      'link_expired',
      `This link expired at ${when(link.expires_at)}. Open incident #${incidentId} in Klaxon instead.`,
    );
  const user = config.users.find((u) => u.id === link.user_id);
  if (!user)
    throw new ApiError(
      'forbidden',
      `This link was sent to "${link.user_id}", who is no longer a Klaxon user. Nothing was changed.`,
    );
  const row = await store.db
    .selectFrom('incidents')
    .select(['id', 'title', 'state', 'service_id', 'resolved_by'])
    .where('id', '=', incidentId)
    .executeTakeFirst();
  if (!row) throw new ApiError('link_invalid', `Incident #${incidentId} no longer exists.`);
  const principal = channelPrincipal(config, user, link.channel as ChannelVia);
  // A link is issued only with a page to its person (actions/links.ts): the incident paged them.
  const decision = authorizeAction(config, principal, row.service_id, 'responder', {
    paged: true,
  });
  if (!decision.allowed)
    throw new ApiError(
      'forbidden',
      `${user.name} is a ${user.role} in Klaxon: acknowledging or resolving needs the responder role. Nothing was changed.`,
    );
  if (row.state === 'resolved')
    throw new ApiError(
      'incident_resolved',
      `Incident #${incidentId} is already resolved${row.resolved_by ? ` (by ${row.resolved_by})` : ''}; this link no longer does anything.`,
    );
  return {
    link,
    action: link.action as LinkAction,
    person: { id: user.id, name: user.name },
    principal,
    incident: { id: row.id, title: row.title, state: row.state },
  };
}

/** Uses a checked link once: claims it, acts as its person, records the outcome. */
export async function useLink(
  deps: LinkUseDeps,
  checked: CheckedLink,
): Promise<{ incident: { id: number; state: string }; message: string }> {
  const { config, store, clock } = deps;
  const { link, action, principal } = checked;
  const now = clock.now().getTime();
  if (!(await claimLink(store.db, link.id, now)))
    throw new ApiError('link_used', 'This link was just used by another request. Each link works once.');
  const actor = principal.name;
  let message: string;
  let incident: { id: number; state: string; acknowledgedBy: string | null };
  try {
    const act = action === 'acknowledge' ? acknowledgeIncident : resolveIncident;
    incident = await act(store, link.incident_id, actor, now, changeOptions(config));
  } catch (err) {
    // The incident refused the change (resolved meanwhile): the link is spent. Anything else gives it back.
    if (err instanceof ApiError) await recordResult(store.db, link.id, `refused: ${err.message}`);
    else await releaseLink(store.db, link.id, now);
    throw err;
  }
  deps.poke?.();
  const by = incident.acknowledgedBy;
  if (action === 'acknowledge' && by !== null && by !== actor)
    message = `Incident #${incident.id} was already acknowledged by ${by}.`;
  else message = `Incident #${incident.id} ${VERB[action]} by ${checked.person.name} (${actor}).`;
  await recordResult(store.db, link.id, message);
  return { incident: { id: incident.id, state: incident.state }, message };
}
