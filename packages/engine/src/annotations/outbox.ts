/**
 * Queues Grafana annotations as rows, inside the transaction that makes the change (a deployment recorded,
 * an incident opened, acknowledged or resolved), so an annotation is never lost and never pushed for a
 * change that rolled back. The `annotations` module pushes them later; nothing here touches the network.
 */
import type { Transaction } from 'kysely';
import type { Database, DeploymentRow, IncidentRow } from '../db/tables.ts';
import type { AnnotationsConfig } from './config.ts';
import {
  acknowledgedPoint,
  deploymentAnnotation,
  incidentRegion,
  resolvedRegion,
  tierRaisedPoint,
  type AnnotationBody,
} from './tags.ts';

/** What the queueing needs from the config; null when `grafana` is not configured (nothing is queued). */
export interface AnnotationPolicy {
  /** The engine's public URL, for a link to the incident in the annotation text. */
  publicUrl: string | null;
}

export function annotationPolicy(config: AnnotationsConfig): AnnotationPolicy | null {
  if (!config.grafana) return null;
  return { publicUrl: config.server.publicUrl?.replace(/\/$/, '') ?? null };
}

export type IncidentChange = 'opened' | 'reopened' | 'acknowledged' | 'resolved' | 'tier_raised';

export interface IncidentTransition {
  /** The incident after the change. */
  incident: IncidentRow;
  change: IncidentChange;
  at: number;
  actor: string | null;
  /** For `tier_raised`: the tier before. */
  from?: string;
}

const regionRef = (i: IncidentRow) => `incident:${i.id}:${i.reopen_count}`;

async function insert(trx: Transaction<Database>, ref: string, body: AnnotationBody, now: number) {
  await trx
    .insertInto('grafana_annotations')
    .values({
      ref,
      body: JSON.stringify(body),
      status: 'queued',
      due_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('ref').doNothing())
    .execute();
}

export async function queueDeploymentAnnotation(
  trx: Transaction<Database>,
  policy: AnnotationPolicy | null,
  deployment: DeploymentRow,
  now: number,
): Promise<void> {
  if (!policy) return;
  await insert(trx, `deployment:${deployment.id}`, deploymentAnnotation(deployment), now);
}

/** Queues the annotation rows for incident changes, in order. */
export async function queueIncidentAnnotations(
  trx: Transaction<Database>,
  policy: AnnotationPolicy | null,
  transitions: readonly IncidentTransition[],
  now: number,
): Promise<void> {
  if (!policy || transitions.length === 0) return;
  for (const { incident, change, at, actor, from } of transitions) {
    const link = policy.publicUrl ? `${policy.publicUrl}/incidents/${incident.id}` : null;
    if (change === 'opened' || change === 'reopened') {
      await insert(trx, regionRef(incident), incidentRegion(incident, at, link), now);
    } else if (change === 'tier_raised') {
      const point = tierRaisedPoint(incident, at, from ?? '?', actor);
      await insert(trx, `incident:${incident.id}:tier:${incident.tier}:${at}`, point, now);
      await retagRegion(trx, incident, now);
    } else if (change === 'acknowledged') {
      await insert(trx, `incident:${incident.id}:ack:${at}`, acknowledgedPoint(incident, at, actor), now);
    } else {
      await closeRegion(trx, incident, at, link, now);
    }
  }
}

/** The open region takes the incident's tags at its new tier, so a dashboard filtered by tier finds it. */
async function retagRegion(trx: Transaction<Database>, incident: IncidentRow, now: number): Promise<void> {
  const row = await trx
    .selectFrom('grafana_annotations')
    .select(['id', 'body', 'status'])
    .where('ref', '=', regionRef(incident))
    .executeTakeFirst();
  if (!row) return; // Opened before Grafana was configured: the resolution pushes the whole region.
  const body = JSON.parse(row.body) as AnnotationBody;
  await updateRegion(trx, row, { ...body, tags: incidentRegion(incident, body.time, null).tags }, now);
}

/**
 * Gives the incident's region its end. A row already being pushed keeps its `sending` status: the push in
 * flight sees the new version when it finishes and queues the row again, so the region is never created twice.
 */
async function closeRegion(
  trx: Transaction<Database>,
  incident: IncidentRow,
  resolvedAt: number,
  link: string | null,
  now: number,
): Promise<void> {
  const ref = regionRef(incident);
  const row = await trx
    .selectFrom('grafana_annotations')
    .select(['id', 'body', 'status'])
    .where('ref', '=', ref)
    .executeTakeFirst();
  if (!row) {
    // Opened before Grafana was configured (or before this cycle had a row): push the whole region.
    const openedAt = incident.reopen_count === 0 ? incident.created_at : resolvedAt;
    await insert(trx, ref, resolvedRegion(incident, openedAt, resolvedAt, link), now);
    return;
  }
  const openedAt = (JSON.parse(row.body) as AnnotationBody).time;
  await updateRegion(trx, row, resolvedRegion(incident, openedAt, resolvedAt, link), now);
}

/**
 * A new version of a region's row. A row already being pushed keeps its `sending` status: the push in
 * flight sees the new version when it finishes and queues the row again.
 */
async function updateRegion(
  trx: Transaction<Database>,
  row: { id: number; status: string },
  body: AnnotationBody,
  now: number,
): Promise<void> {
  const sending = row.status === 'sending';
  await trx
    .updateTable('grafana_annotations')
    .set((eb) => ({
      body: JSON.stringify(body),
      version: eb('version', '+', 1),
      due_at: now,
      updated_at: now,
      ...(sending ? {} : { status: 'queued' as const, attempts: 0 }),
    }))
    .where('id', '=', row.id)
    .execute();
}
