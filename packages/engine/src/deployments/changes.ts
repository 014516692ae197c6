/**
 * "What changed?": the deployments to an incident's service and to the services it depends on
 * (`services[].dependsOn`) in the `deployments.changeWindowHours` before it opened. Computed when read, so
 * a deployment reported late (a webhook retried) still shows on the incident.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { DeploymentsView } from './config.ts';
import { toDeploymentDto, type ChangeDto } from './model.ts';

/** The most changes listed on one incident. */
const MAX_CHANGES = 20;

export interface OpenedIncident {
  id: number;
  service: string;
  /** Epoch ms the incident opened. */
  openedAt: number;
}

/** The incident's own service and its direct dependencies, each with how it relates. */
export function relatedServices(
  config: DeploymentsView,
  serviceId: string,
): Map<string, ChangeDto['relation']> {
  const out = new Map<string, ChangeDto['relation']>();
  for (const dep of config.services.find((s) => s.id === serviceId)?.dependsOn ?? [])
    out.set(dep, 'dependency');
  out.set(serviceId, 'service');
  return out;
}

/** The changes before each incident, newest first, in one query for the lot. */
export async function changesFor(
  db: Kysely<Database>,
  config: DeploymentsView,
  incidents: readonly OpenedIncident[],
): Promise<Map<number, ChangeDto[]>> {
  const out = new Map<number, ChangeDto[]>(incidents.map((i) => [i.id, []]));
  if (incidents.length === 0) return out;
  const windowMs = config.deployments.changeWindowHours * 3_600_000;
  const related = new Map(incidents.map((i) => [i.id, relatedServices(config, i.service)]));
  const services = [...new Set([...related.values()].flatMap((m) => [...m.keys()]))];
  let q = db
    .selectFrom('deployments')
    .selectAll()
    .where('service_id', 'in', services)
    .where('deployed_at', '>=', Math.min(...incidents.map((i) => i.openedAt)) - windowMs)
    .where('deployed_at', '<=', Math.max(...incidents.map((i) => i.openedAt)))
    .orderBy('deployed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1000);
  const environments = config.deployments.environments;
  if (environments) q = q.where('environment', 'in', environments);
  const rows = await q.execute();
  for (const incident of incidents) {
    const relation = related.get(incident.id)!;
    const list = out.get(incident.id)!;
    for (const row of rows) {
      const rel = relation.get(row.service_id);
      if (!rel || row.deployed_at > incident.openedAt || row.deployed_at < incident.openedAt - windowMs)
        continue;
      list.push({
        ...toDeploymentDto(row),
        relation: rel,
        minutesBefore: Math.round((incident.openedAt - row.deployed_at) / 60_000),
      });
      if (list.length >= MAX_CHANGES) break;
    }
  }
  return out;
}

/** "game-api 1.4.2 by alice, 12 min before" */
export function describeChange(c: ChangeDto): string {
  const before = c.minutesBefore < 1 ? 'just before' : `${c.minutesBefore} min before`;
  return `${c.service} ${c.version}${c.author ? ` by ${c.author}` : ''}, ${before}`;
}

/** "Changed: game-api 1.4.2 by alice, 12 min before; kafka 3.7.1 by bob, 40 min before (+1 more)", or null. */
export function changedLine(changes: readonly ChangeDto[], max = 2): string | null {
  if (changes.length === 0) return null;
  const shown = changes.slice(0, max).map(describeChange).join('; ');
  const more = changes.length > max ? ` (+${changes.length - max} more)` : '';
  return `Changed: ${shown}${more}`;
}
