/** How the demo's feed names whoever the engine recorded as acting. */

/**
 * An engine actor as a person reads it: `push:bob` → `Bob (push)`, `bob` → `Bob`; an API token's name or
 * an unknown id as it is.
 */
export function actorName(users: readonly { id: string; name: string }[], actor: string | null): string {
  if (!actor) return '?';
  const [via, id] = actor.includes(':') ? actor.split(':', 2) : [null, actor];
  const user = users.find((u) => u.id === id);
  if (!user) return actor;
  return via ? `${user.name} (${via})` : user.name;
}
