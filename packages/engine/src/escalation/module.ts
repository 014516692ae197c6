/**
 * The escalation engine module: each tick fires every escalation step that is due. A step resolves its
 * targets to the people on call now, queues their notifications by their own rules, writes the timeline
 * event and moves the row to its next step, all in the tick's transaction, so a step fires exactly once
 * however often, and on however many replicas, the tick runs.
 */
import type { Transaction } from 'kysely';
import type { Database, NewIncidentEventRow, NewNotificationRow, NotificationRow } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { pushAddresses } from '../devices/store.ts';
import { queueNotifications } from '../notifications/store.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';
import type { Urgency } from '../org/config.ts';
import { appendTimeline, timelineEvent } from '../timeline/timeline.ts';
import type { EscalationPoliciesConfig } from './config.ts';
import { EscalationMoves } from './store.ts';

const BATCH = 1000;

export interface EscalationModuleDeps {
  config: EscalationPoliciesConfig;
  directory: OnCallDirectory;
  /**
   * Hands notifications that are due at once straight to delivery after the commit (they are written
   * already claimed), sparing them a trip through the delivery module's next tick.
   */
  dispatch?: (rows: NotificationRow[]) => void;
  /**
   * Triggers acknowledged incidents again when their acknowledgement timed out (the incidents folder
   * owns that change; the composition root wires it in).
   */
  retrigger: (trx: Transaction<Database>, incidentIds: number[], now: number) => Promise<void>;
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
      // Every enabled browser, read once per tick (a few rows per person), not once per step.
      const devices = await pushAddresses(trx);
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
      const moves = new EscalationMoves();

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
        const urgency = row.urgency as Urgency;
        // People with no contact plan at this urgency (e.g. put on call by an old override, or config
        // drift) count as not reached: named on the timeline, and the step does not wait for them.
        const unreachable = users.flatMap((user) => {
          const reason = deps.directory.unreachableReason(user, urgency, devices);
          return reason ? [{ user, reason }] : [];
        });
        const reached = users.filter((u) => !unreachable.some((x) => x.user === u));
        const planned = reached.flatMap((u) => deps.directory.plan(u, urgency, devices));
        const cannot = unreachable.map((x) => `${x.user} ${x.reason}`).join('; ');
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
        if (reached.length > 0) {
          const how = planned
            .filter((p) => p.delayMinutes === 0)
            .map((p) => `${p.userId} by ${p.channel}`)
            .join(', ');
          events.push(
            event(
              row.incident_id,
              t,
              'escalation.step',
              `${label}: paging ${reached.join(', ')} (${resolved.map((r) => r.via).join(', ')})${how ? `: ${how}` : ''}${cannot ? `; cannot reach ${cannot}` : ''}`,
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
                ...(unreachable.length > 0 ? { unreachable } : {}),
              },
            ),
          );
        } else if (users.length > 0) {
          events.push(
            event(
              row.incident_id,
              t,
              'escalation.unreachable',
              `${label} reached nobody: ${cannot} (${resolved.map((r) => r.via).join(', ')}); escalating at once`,
              { policy: policy.id, step, cycle, targets: resolved, unreachable },
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
        // Advance. A step that reached nobody (no one on call, or no one reachable) moves on now, not
        // after its delay.
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
        const nextAt = reached.length > 0 ? t + spec.escalateAfterMinutes * 60_000 : t;
        moves.add(row.incident_id, {
          step_index: nextStep,
          cycle: nextCycle,
          state: 'active',
          next_at: nextAt,
          updated_at: t,
        });
      }
      await moves.write(trx);
      if (retriggered.length > 0) await deps.retrigger(trx, retriggered, t);
      const claimed = await queueNotifications(trx, notifications, deps.dispatch ? t : undefined);
      if (claimed.length > 0) afterCommit(() => deps.dispatch!(claimed));
      await appendTimeline(trx, events);
    },
  };
}

const event = (
  incidentId: number,
  at: number,
  kind: string,
  message: string,
  data: Record<string, unknown>,
) => timelineEvent(incidentId, at, kind, 'klaxon:escalation', message, data);
