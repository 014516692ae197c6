/** The timeline as read: stored events with the incident's deployments merged in. */
import type { ChangeDto } from '../deployments/model.ts';
import type { EventDto } from './model.ts';

/**
 * The timeline with the incident's changes merged in by time, as `change.deployed` entries. They are not
 * stored events (their id is 0): they are computed when read, so a deployment reported late still shows.
 */
export function withChanges(timeline: readonly EventDto[], changes: readonly ChangeDto[]): EventDto[] {
  const entries: EventDto[] = changes.map((c) => ({
    id: 0,
    at: c.deployedAt,
    kind: 'change.deployed',
    actor: c.author,
    message: `Deployed ${c.service} ${c.version} to ${c.environment}${c.author ? ` by ${c.author}` : ''} (${c.minutesBefore < 1 ? 'just before' : `${c.minutesBefore} min before`} the incident opened)`,
    data: {
      deploymentId: c.id,
      service: c.service,
      version: c.version,
      environment: c.environment,
      url: c.url,
      relation: c.relation,
      minutesBefore: c.minutesBefore,
    },
  }));
  // Stable: changes come before the events at the same instant (they caused them, at most).
  return [...entries, ...timeline].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
