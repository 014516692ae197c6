/**
 * The escalation engine module: each tick fires every escalation step that is due. A step resolves its
 * targets to the people on call now, queues their notifications by their own rules, writes the timeline
 * event and moves the row to its next step, all in the tick's transaction, so a step fires exactly once
 * however often, and on however many replicas, the tick runs.
 */
import type { Transaction } from 'kysely';
import type { KlaxonConfig, Urgency } from '../config/schema.ts';
import type {
  Database,
  EscalationsTable,
  NewIncidentEventRow,
  NewNotificationRow,
  NotificationRow,
} from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { timelineEvent } from '../incidents/timeline.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';

const BATCH = 1000;

export interface EscalationModuleDeps {
  config: KlaxonConfig;
  directory: OnCallDirectory;
  /**
   * Hands notifications that are due at once straight to delivery after the commit (they are written
   * already claimed), sparing them a trip through the delivery module's next tick.
   */
  dispatch?: (rows: NotificationRow[]) => void;
}

export function escalationModule(deps: EscalationModuleDeps): EngineModule {
  const policies = new Map(deps.config.escalationPolicies.map((p) => [p.id, p]));
  return {
    name: 'escalation',
    async tick({ trx, now, rowLocks, afterCommit }) {
      const t = now.getTime();
      let q = trx
        .selectFrom('escalations')
        .selectAll()
        .where('next_at', '<=', t)
        .where('state', 'in', ['active', 'waiting_ack'])
        .orderBy('next_at')
        .limit(BATCH);
      if (rowLocks) q = q.forUpdate().skipLocked();
      const due = await q.execute();
      if (due.length === 0) return;
      const incidents = new Map(
        (
          await trx
            .selectFrom('incidents')
            .select(['id', 'state', 'tier', 'title'])
            .where(
              'id',
              'in',
              due.map((d) => d.incident_id),
            )
            .execute()
        ).map((i) => [i.id, i]),
      );
      const overrides = await deps.directory.overrides(trx, t, t + 1);
      const notifications: NewNotificationRow[] = [];
      const events: NewIncidentEventRow[] = [];
      const retriggered: number[] = [];
      const moves = new RowMoves();

      for (const row of due) {
        const incident = incidents.get(row.incident_id);
        const policy = policies.get(row.policy_id);
        if (!incident || incident.state === 'resolved' || !policy) {
          moves.add(row.incident_id, { state: 'done', next_at: null, updated_at: t });
          continue;
        }
        let step = row.step_index;
        let cycle = row.cycle;
        if (row.state === 'waiting_ack') {
          // The acknowledgement timed out: trigger again and start over, as PagerDuty does.
          retriggered.push(row.incident_id);
          events.push(
            event(
              row.incident_id,
              t,
              'incident.retriggered',
              'Acknowledgement timed out: triggered again, escalation restarts',
              {},
            ),
          );
          step = 0;
          cycle = 0;
        } else if (incident.state === 'acknowledged') {
          moves.add(row.incident_id, { state: 'canceled', next_at: null, updated_at: t });
          continue;
        }
        const spec = policy.steps[step];
        if (!spec) {
          moves.add(row.incident_id, { state: 'done', next_at: null, updated_at: t });
          continue;
        }
        const resolved = deps.directory.resolveTargets(spec.targets, t, overrides);
        const users = [...new Set(resolved.flatMap((r) => r.userIds))];
        const planned = users.flatMap((u) => deps.directory.plan(u, row.urgency as Urgency));
        for (const p of planned) {
          notifications.push({
            incident_id: row.incident_id,
            kind: 'page',
            user_id: p.userId,
            channel: p.channel,
            address: p.address,
            urgency: row.urgency,
            step_index: step,
            due_at: t + p.delayMinutes * 60_000,
            status: 'queued',
            created_at: t,
            updated_at: t,
          });
        }
        const label = `Step ${step + 1}/${policy.steps.length}${cycle > 0 ? ` (repeat ${cycle})` : ''}`;
        if (users.length > 0) {
          const how = planned
            .filter((p) => p.delayMinutes === 0)
            .map((p) => `${p.userId} by ${p.channel}`)
            .join(', ');
          events.push(
            event(
              row.incident_id,
              t,
              'escalation.step',
              `${label}: paging ${users.join(', ')} (${resolved.map((r) => r.via).join(', ')})${how ? `: ${how}` : ''}`,
              {
                policy: policy.id,
                step,
                cycle,
                dueAt: row.next_at,
                targets: resolved,
                notifications: planned.map((p) => ({
                  user: p.userId,
                  channel: p.channel,
                  delayMinutes: p.delayMinutes,
                })),
              },
            ),
          );
        } else {
          events.push(
            event(
              row.incident_id,
              t,
              'escalation.nobody',
              `${label} reached nobody (${resolved.map((r) => r.via).join(', ')} has no one on call); escalating at once`,
              {
                policy: policy.id,
                step,
                cycle,
              },
            ),
          );
        }
        // Advance. A step that reached nobody moves on now, not after its delay.
        let nextStep = step + 1;
        let nextCycle = cycle;
        if (nextStep >= policy.steps.length) {
          if (cycle < policy.repeat) {
            nextStep = 0;
            nextCycle = cycle + 1;
          } else {
            moves.add(row.incident_id, {
              step_index: step,
              cycle,
              state: 'done',
              next_at: null,
              updated_at: t,
            });
            continue;
          }
        }
        const nextAt = users.length > 0 ? t + spec.escalateAfterMinutes * 60_000 : t;
        moves.add(row.incident_id, {
          step_index: nextStep,
          cycle: nextCycle,
          state: 'active',
          next_at: nextAt,
          updated_at: t,
        });
      }
      await moves.write(trx);
      if (retriggered.length > 0) {
        await trx
          .updateTable('incidents')
          .set({ state: 'triggered', acknowledged_at: null, acknowledged_by: null, updated_at: t })
          .where('id', 'in', retriggered)
          .where('state', '=', 'acknowledged')
          .execute();
      }
      const immediate = deps.dispatch ? notifications.filter((n) => n.due_at <= t) : [];
      const later = deps.dispatch ? notifications.filter((n) => n.due_at > t) : notifications;
      const claimed: NotificationRow[] = [];
      for (let i = 0; i < immediate.length; i += 500) {
        const chunk = immediate
          .slice(i, i + 500)
          .map((n) => ({ ...n, status: 'sending' as const, attempts: 1 }));
        claimed.push(...(await trx.insertInto('notifications').values(chunk).returningAll().execute()));
      }
      for (let i = 0; i < later.length; i += 500) {
        await trx
          .insertInto('notifications')
          .values(later.slice(i, i + 500))
          .execute();
      }
      if (claimed.length > 0) afterCommit(() => deps.dispatch!(claimed));
      for (let i = 0; i < events.length; i += 500) {
        await trx
          .insertInto('incident_events')
          .values(events.slice(i, i + 500))
          .execute();
      }
    },
  };
}

type EscalationMove = Pick<EscalationsTable, 'state' | 'next_at' | 'updated_at'> &
  Partial<Pick<EscalationsTable, 'step_index' | 'cycle'>>;

/**
 * Escalation rows moved by one tick, grouped by their new values: the rows of a tick mostly move alike
 * (same next step, same due time), so a few UPDATE … WHERE incident_id IN (…) statements cover them all.
 */
class RowMoves {
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

const event = (
  incidentId: number,
  at: number,
  kind: string,
  message: string,
  data: Record<string, unknown>,
) => timelineEvent(incidentId, at, kind, 'klaxon:escalation', message, data);
