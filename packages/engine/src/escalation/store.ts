/**
 * The `escalations` table's one writer: start (an incident opens, re-opens or rises in tier), stop (it
 * is acknowledged or resolved), advance (the escalation module fired a step) and escalate now (a person
 * asked, or every channel to the paged person failed). Each runs inside the caller's transaction; the
 * callers that act for a person hold the incident's lock (incidents/store.ts `withIncident`).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, EscalationRow, EscalationsTable } from '../db/tables.ts';
import { cancelPagesAndQueueUpdates } from '../notifications/store.ts';
import type { PagingDecision } from './policy.ts';

export interface EscalationStart {
  incidentId: number;
  decision: PagingDecision;
}

export interface EscalationStop {
  incidentId: number;
  reason: 'acknowledged' | 'resolved';
  /** On acknowledge: re-trigger after this long (ms) unless resolved; null: the escalation ends. */
  ackTimeoutMs: number | null;
}

export async function startEscalations(
  trx: Transaction<Database>,
  starts: readonly EscalationStart[],
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
 * Stops paging for incidents: queued pages are canceled and announcements get their update; on
 * acknowledge with an ack timeout the escalation waits to re-trigger, otherwise it ends.
 */
export async function stopPaging(
  trx: Transaction<Database>,
  stops: readonly EscalationStop[],
  now: number,
): Promise<void> {
  if (stops.length === 0) return;
  await cancelPagesAndQueueUpdates(
    trx,
    stops.map((s) => s.incidentId),
    now,
  );
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

/**
 * Makes the next step of an active escalation due now. With `onlyStep`, only when that step is the next
 * one and not yet due (delivery's "every channel failed": a later step may already have moved on).
 * Returns the row as it was, or undefined when nothing changed.
 */
export async function escalateNow(
  db: Kysely<Database> | Transaction<Database>,
  incidentId: number,
  now: number,
  opts: { onlyStep?: number } = {},
): Promise<EscalationRow | undefined> {
  let q = db
    .selectFrom('escalations')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('state', '=', 'active')
    .where('next_at', 'is not', null);
  if (opts.onlyStep !== undefined) q = q.where('step_index', '=', opts.onlyStep).where('next_at', '>', now);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const moved = await db
    .updateTable('escalations')
    .set({ next_at: now, updated_at: now })
    .where('incident_id', '=', incidentId)
    .where('state', '=', 'active')
    .where('step_index', '=', row.step_index)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) > 0 ? row : undefined;
}

type EscalationMove = Pick<EscalationsTable, 'state' | 'next_at' | 'updated_at'> &
  Partial<Pick<EscalationsTable, 'step_index' | 'cycle'>>;

/**
 * Escalation rows moved by one tick, grouped by their new values: the rows of a tick mostly move alike
 * (same next step, same due time), so a few UPDATE … WHERE incident_id IN (…) statements cover them all.
 */
export class EscalationMoves {
  readonly #groups = new Map<string, { set: EscalationMove; ids: number[] }>();

  add(incidentId: number, set: EscalationMove): void {
    const key = JSON.stringify(set);
    const group = this.#groups.get(key);
    if (group) group.ids.push(incidentId);
    else this.#groups.set(key, { set, ids: [incidentId] });
  }

  async write(trx: Transaction<Database>): Promise<void> {
    for (const { set, ids } of this.#groups.values()) {
      for (let i = 0; i < ids.length; i += 500) {
        await trx
          .updateTable('escalations')
          .set(set)
          .where('incident_id', 'in', ids.slice(i, i + 500))
          .execute();
      }
    }
  }
}
