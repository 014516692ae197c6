/**
 * A person promotes an incident (an advisory, issue 23) to a higher tier: it pages under that tier's
 * policy at once, its announcements follow the new tier, and Grafana gets a tier-raised point.
 */
import type { Transaction } from 'kysely';
import type { Tier } from '../alerts/tier.ts';
import { annotationPolicy, queueIncidentAnnotations, type AnnotationPolicy } from '../annotations/outbox.ts';
import type { Locker } from '../db/locker.ts';
import type { Database, IncidentRow, IncidentState } from '../db/tables.ts';
import { ApiError } from '../errors/errors.ts';
import { pagingFor, type PagingDecision } from '../escalation/policy.ts';
import { startEscalations } from '../escalation/store.ts';
import type { ChannelTargetsConfig } from '../notifications/config.ts';
import { announceTierChanges } from '../notifications/store.ts';
import { channelTargets, type ChannelTarget } from '../notifications/targets.ts';
import { appendTimelineEvent, timelineEvent } from '../timeline/timeline.ts';
import type { IncidentChangesConfig } from './config.ts';

const addEvent = (trx: Transaction<Database>, ...event: Parameters<typeof timelineEvent>) =>
  appendTimelineEvent(trx, timelineEvent(...event));

/** What promoting an incident reads: which policy pages the new tier, and the locks shared with ingest. */
export interface PromoteOptions {
  paging: (tier: Tier) => PagingDecision | null;
  locker: Pick<Locker, 'lockKeys' | 'rowLocks'>;
  /** Where the service announces an incident of a tier (see `announceTierChanges`). */
  channels: (serviceId: string, tier: Tier) => ChannelTarget[];
  annotations: AnnotationPolicy | null;
}

/** The options the config implies. */
export function promoteOptions(
  config: IncidentChangesConfig & ChannelTargetsConfig,
  locker: PromoteOptions['locker'],
): PromoteOptions {
  const channels = (serviceId: string, tier: Tier) => channelTargets(config, serviceId, tier);
  const annotations = annotationPolicy(config);
  return { paging: (tier) => pagingFor(config, tier), locker, channels, annotations };
}

/** What a promotion did. */
export interface Promotion {
  incident: IncidentRow;
  from: { tier: string; state: IncidentState };
  /** Whether an escalation started (step 0 is due now: wake the engine loop after the commit). */
  paged: boolean;
}

const TIER_RANK: Record<string, number> = { T1: 3, T2: 2, T3: 1 };

/**
 * A person promotes an incident (an advisory, issue 23) to `tier`: the tier rises, the incident is
 * triggered (an acknowledged one loses its acknowledgement, a resolved one re-opens: a person asked for
 * someone to look now) and its escalation starts under the tier's policy at step 0, due now, as when
 * ingest raises a triggered incident's tier; maintenance does not hold it back (a person decided). An
 * incident already at that tier or above keeps its tier and its paging. Runs in the caller's transaction,
 * holding the incident's lock as ingest takes it; the caller wakes the engine loop after the commit.
 */
export async function promoteIncident(
  trx: Transaction<Database>,
  id: number,
  tier: Tier,
  actor: string,
  now: number,
  opts: PromoteOptions,
): Promise<Promotion> {
  const probe = await trx.selectFrom('incidents').select('group_ref').where('id', '=', id).executeTakeFirst();
  if (!probe) throw new ApiError('not_found', `Incident ${id} does not exist.`);
  await opts.locker.lockKeys(trx, [`group:${probe.group_ref}`]);
  let q = trx.selectFrom('incidents').selectAll().where('id', '=', id);
  if (opts.locker.rowLocks) q = q.forUpdate();
  const row = await q.executeTakeFirstOrThrow();
  const from = { tier: row.tier, state: row.state };
  if ((TIER_RANK[row.tier] ?? 0) >= (TIER_RANK[tier] ?? 0)) {
    await addEvent(
      trx,
      id,
      now,
      'incident.promoted',
      actor,
      `Promotion to ${tier} by ${actor}: already ${row.tier}`,
      {
        from: row.tier,
        to: row.tier,
        requested: tier,
        paged: false,
      },
    );
    return { incident: row, from, paged: false };
  }
  const reopened = row.state === 'resolved';
  if (reopened) {
    // One open incident per alert group: a newer one for the group is where the paging belongs.
    const open = await trx
      .selectFrom('incidents')
      .select('id')
      .where('group_ref', '=', row.group_ref)
      .where('state', '<>', 'resolved')
      .executeTakeFirst();
    if (open)
      throw new ApiError(
        'incident_resolved',
        `Incident ${id} is resolved and its alert group has an open incident, #${open.id}; promote that one instead.`,
      );
  }
  const updated = await trx
    .updateTable('incidents')
    .set({
      tier,
      state: 'triggered',
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      ...(reopened ? { reopen_count: row.reopen_count + 1 } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const decision = opts.paging(tier);
  if (decision) await startEscalations(trx, [{ incidentId: id, decision }], now);
  await announceTierChanges(trx, [{ incidentId: id, targets: opts.channels(row.service_id, tier) }], now);
  const change = reopened ? ('reopened' as const) : ('tier_raised' as const);
  const transition = { incident: updated, change, at: now, actor, from: row.tier };
  await queueIncidentAnnotations(trx, opts.annotations, [transition], now);
  await addEvent(
    trx,
    id,
    now,
    'incident.promoted',
    actor,
    `Promoted from ${row.tier} to ${tier} by ${actor}`,
    {
      from: row.tier,
      to: tier,
      state: row.state,
      reopened,
      policy: decision?.policyId ?? null,
      paged: decision !== null,
    },
  );
  return { incident: updated, from, paged: decision !== null };
}
