/**
 * Starting and stopping escalations, inside the caller's transaction: ingest starts one when an incident
 * opens, re-opens or becomes more urgent; an acknowledgement or a resolve stops it and cancels every
 * notification still queued.
 */
import type { Transaction } from 'kysely';
import type { KlaxonConfig, Tier, Urgency } from '../config/schema.ts';
import type { Database } from '../db/tables.ts';

export interface PagingDecision {
  policyId: string;
  urgency: Urgency;
}

/** Which policy pages for `tier`, or null when the tier never pages. */
export function pagingFor(config: KlaxonConfig, tier: Tier): PagingDecision | null {
  const policy = config.tiers[tier];
  if (!policy.pages || !policy.escalationPolicy || policy.urgency === 'none') return null;
  return { policyId: policy.escalationPolicy, urgency: policy.urgency };
}

export async function startEscalations(
  trx: Transaction<Database>,
  starts: readonly { incidentId: number; decision: PagingDecision }[],
  now: number,
): Promise<void> {
  if (starts.length === 0) return;
  await trx
    .insertInto('escalations')
    .values(
      starts.map(({ incidentId, decision }) => ({
        incident_id: incidentId,
        policy_id: decision.policyId,
        urgency: decision.urgency,
        step_index: 0,
        cycle: 0,
        next_at: now,
        state: 'active' as const,
        started_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.column('incident_id').doUpdateSet((eb) => ({
        policy_id: eb.ref('excluded.policy_id'),
        urgency: eb.ref('excluded.urgency'),
        step_index: 0,
        cycle: 0,
        next_at: eb.ref('excluded.next_at'),
        state: 'active',
        started_at: eb.ref('excluded.started_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/**
 * Stops paging for incidents. On acknowledge with an ack timeout the escalation waits to re-trigger;
 * otherwise it ends. Queued notifications are canceled either way.
 */
export async function stopPaging(
  trx: Transaction<Database>,
  stops: readonly { incidentId: number; reason: 'acknowledged' | 'resolved'; ackTimeoutMs: number | null }[],
  now: number,
): Promise<void> {
  if (stops.length === 0) return;
  const ids = stops.map((s) => s.incidentId);
  await trx
    .updateTable('notifications')
    .set({ status: 'canceled', updated_at: now, last_error: 'incident acknowledged or resolved' })
    .where('incident_id', 'in', ids)
    .where('status', '=', 'queued')
    .execute();
  const waiting = stops.filter((s) => s.reason === 'acknowledged' && s.ackTimeoutMs !== null);
  const ending = stops.filter((s) => !waiting.includes(s));
  if (ending.length > 0) {
    await trx
      .updateTable('escalations')
      .set({ state: 'canceled', next_at: null, updated_at: now })
      .where(
        'incident_id',
        'in',
        ending.map((s) => s.incidentId),
      )
      .where('state', 'in', ['active', 'waiting_ack'])
      .execute();
  }
  for (const s of waiting) {
    await trx
      .updateTable('escalations')
      .set({ state: 'waiting_ack', next_at: now + s.ackTimeoutMs!, updated_at: now })
      .where('incident_id', '=', s.incidentId)
      .where('state', 'in', ['active', 'waiting_ack', 'done'])
      .execute();
  }
}

export function ackTimeoutFor(config: KlaxonConfig, tier: Tier): number | null {
  const minutes = config.tiers[tier].ackTimeoutMinutes;
  return minutes ? minutes * 60_000 : null;
}

/** Services in a maintenance window at `now` (config windows and API windows). */
export async function servicesInMaintenance(
  trx: Transaction<Database>,
  config: KlaxonConfig,
  now: number,
): Promise<Set<string>> {
  const out = new Set(
    config.maintenance
      .filter((m) => Date.parse(m.from) <= now && now < Date.parse(m.to))
      .map((m) => m.service),
  );
  const rows = await trx
    .selectFrom('maintenance_windows')
    .select('service_id')
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .execute();
  for (const r of rows) out.add(r.service_id);
  return out;
}
