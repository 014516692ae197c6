/**
 * Firing escalation steps: a step resolves its targets to the people on call now, queues their
 * notifications by their own rules, writes the timeline event and moves the row to its next step, all
 * in the caller's transaction on rows the caller holds (the escalation module's tick, or the ingest
 * transaction that just started the escalation), so a step fires exactly once.
 */
import type { Transaction } from 'kysely';
import type {
  Database,
  EscalationRow,
  NewIncidentEventRow,
  NewNotificationRow,
  NotificationRow,
} from '../db/tables.ts';
import { pushAddresses } from '../devices/store.ts';
import { queueNotifications } from '../notifications/store.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';
import type { Urgency } from '../org/config.ts';
import { appendTimeline, timelineEvent } from '../timeline/timeline.ts';
import type { EscalationPolicyConfig } from './config.ts';
import { EscalationMoves } from './store.ts';

export interface StepFiringDeps {
  policies: ReadonlyMap<string, EscalationPolicyConfig>;
  directory: OnCallDirectory;
  /** When set, notifications due at once are written already claimed (`sending`) and returned. */
  claimImmediate: boolean;
  retrigger: (trx: Transaction<Database>, incidentIds: number[], now: number) => Promise<void>;
}

/** What firing wrote that the caller acts on after its commit. */
export interface FiredSteps {
  /** Notifications written already claimed (`sending`), to hand to delivery. */
  claimed: NotificationRow[];
  /** The earliest next step these rows now wait for (ms), or null. */
  nextAt: number | null;
}

/**
 * Fires the step each of `due` (escalation rows locked by the caller, due at `t`) is at; returns the
 * notifications written already claimed, for the caller to send after its commit.
 */
export async function fireSteps(
  deps: StepFiringDeps,
  trx: Transaction<Database>,
  due: readonly EscalationRow[],
  t: number,
): Promise<FiredSteps> {
  if (due.length === 0) return { claimed: [], nextAt: null };
  let earliest: number | null = null;
  const policies = deps.policies;
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
    earliest = Math.min(earliest ?? nextAt, nextAt);
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
  const claimed = await queueNotifications(trx, notifications, deps.claimImmediate ? t : undefined);
  await appendTimeline(trx, events);
  return { claimed, nextAt: earliest };
}

const event = (
  incidentId: number,
  at: number,
  kind: string,
  message: string,
  data: Record<string, unknown>,
) => timelineEvent(incidentId, at, kind, 'klaxon:escalation', message, data);
