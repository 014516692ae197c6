/** Recording and listing deployments. A deployment and its Grafana annotation row commit together. */
import type { KlaxonDatabase } from '../db/database.ts';
import type { NewDeploymentRow } from '../db/tables.ts';
import { queueDeploymentAnnotation, type AnnotationPolicy } from '../annotations/outbox.ts';
import { toDeploymentDto, type DeploymentDto } from './model.ts';

/**
 * Records a deployment; a second post with the same source and external id returns the first one
 * (`created: false`) and changes nothing.
 */
export async function recordDeployment(
  store: KlaxonDatabase,
  row: NewDeploymentRow,
  annotations: AnnotationPolicy | null,
): Promise<{ deployment: DeploymentDto; created: boolean }> {
  return store.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('deployments')
      .values(row)
      .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .selectFrom('deployments')
        .selectAll()
        .where('source', '=', row.source)
        .where('external_id', '=', row.external_id!)
        .executeTakeFirstOrThrow();
      return { deployment: toDeploymentDto(existing), created: false };
    }
    await queueDeploymentAnnotation(trx, annotations, inserted, row.created_at);
    return { deployment: toDeploymentDto(inserted), created: true };
  });
}

export interface DeploymentFilter {
  services?: string[];
  /** Epoch ms: only deployments at or after. */
  since?: number;
  limit: number;
}

/** Newest first. */
export async function listDeployments(store: KlaxonDatabase, f: DeploymentFilter): Promise<DeploymentDto[]> {
  let q = store.db
    .selectFrom('deployments')
    .selectAll()
    .orderBy('deployed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit);
  if (f.services?.length) q = q.where('service_id', 'in', f.services);
  if (f.since !== undefined) q = q.where('deployed_at', '>=', f.since);
  return (await q.execute()).map(toDeploymentDto);
}
