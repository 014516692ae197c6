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

export interface ChannelTarget {
  channel: 'slack' | 'email' | 'pagerduty' | 'webhook';
  address: string;
}

/**
 * Where every incident of a service is announced, besides paging people: its Slack channel, email
 * list, webhooks, and PagerDuty for the tiers that page. T3 reaches only Slack, email and webhooks.
 */
export function channelTargets(config: KlaxonConfig, serviceId: string, tier: Tier): ChannelTarget[] {
  const notify = config.services.find((s) => s.id === serviceId)?.notify;
  if (!notify) return [];
  const out: ChannelTarget[] = [];
  if (notify.slack) out.push({ channel: 'slack', address: notify.slack });
  for (const address of notify.email) out.push({ channel: 'email', address });
  for (const address of notify.webhooks) out.push({ channel: 'webhook', address });
  if (notify.pagerduty && config.tiers[tier].pages)
    out.push({ channel: 'pagerduty', address: notify.pagerduty });
  return out;
}

/** Queues the announcements of newly opened incidents. */
export async function announce(
  trx: Transaction<Database>,
  items: readonly { incidentId: number; targets: readonly ChannelTarget[] }[],
  now: number,
): Promise<void> {
  const rows = items.flatMap(({ incidentId, targets }) =>
    targets.map((t) => ({
      incident_id: incidentId,
      kind: 'channel',
      user_id: '',
      channel: t.channel,
      address: t.address,
      urgency: 'none',
      step_index: null,
      due_at: now,
      status: 'queued' as const,
      created_at: now,
      updated_at: now,
    })),
  );
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('notifications')
      .values(rows.slice(i, i + 500))
      .execute();
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
    .where('kind', '=', 'page')
    .where('status', '=', 'queued')
    .execute();
  // Announcements that can follow the incident (Slack edits, PagerDuty ack/resolve, webhooks) get an update.
  const announced = await trx
    .selectFrom('notifications')
    .select(['id', 'incident_id', 'channel', 'address'])
    .where('incident_id', 'in', ids)
    .where('kind', '=', 'channel')
    .where('channel', 'in', ['slack', 'pagerduty', 'webhook'])
    .where('status', 'not in', ['canceled', 'failed'])
    .execute();
  if (announced.length > 0) {
    await trx
      .insertInto('notifications')
      .values(
        announced.map((a) => ({
          incident_id: a.incident_id,
          kind: 'update',
          user_id: '',
          channel: a.channel,
          address: a.address,
          urgency: 'none',
          step_index: null,
          due_at: now,
          status: 'queued' as const,
          parent_id: a.id,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
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
