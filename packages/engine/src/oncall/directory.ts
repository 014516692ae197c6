/**
 * Who is who, from the config: schedules as pure specs, escalation targets resolved to people at an
 * instant, and each person's notification rules with the addresses they resolve to.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { PUSH_DEVICES_ONLY } from '../devices/store.ts';
import type { Channel, Urgency } from '../org/config.ts';
import { describeReachProblem, reachProblem, rulesFor } from '../org/reach.ts';
import type { ScheduleConfig } from '../schedules/config.ts';
import type { LayerSpec } from '../schedules/rotation.ts';
import { rotationSpec } from '../schedules/rotation.ts';
import { onCallAt, type Override, type ScheduleSpec } from '../schedules/schedule.ts';
import type { EscalationTarget, OnCallConfig } from './config.ts';

const UNITS = { hourly: 'hour', daily: 'day', weekly: 'week' } as const;

export function toScheduleSpec(s: ScheduleConfig): ScheduleSpec {
  const layers: LayerSpec[] = s.layers.map((l) => {
    const rotation = rotationSpec({
      zone: s.timezone,
      users: l.users,
      unit: UNITS[l.rotation.type],
      every: l.rotation.every,
      startDate: l.rotation.start,
      handoffTime: l.rotation.handoffTime,
      handoffWeekday: l.rotation.handoffWeekday,
    });
    return { name: l.name, rotation, restrictions: l.restrictions };
  });
  return { id: s.id, name: s.name, zone: s.timezone, layers };
}

export interface PlannedNotification {
  userId: string;
  channel: Channel;
  address: string;
  delayMinutes: number;
}

export interface ResolvedTarget {
  /** e.g. `schedule primary`, `user erin`, `team platform`. */
  via: string;
  userIds: string[];
}

export class OnCallDirectory {
  readonly schedules: ReadonlyMap<string, ScheduleSpec>;
  readonly #config: OnCallConfig;
  readonly #configOverrides: ReadonlyMap<string, Override[]>;
  readonly #users: ReadonlyMap<string, OnCallConfig['users'][number]>;

  constructor(config: OnCallConfig) {
    this.#config = config;
    this.#users = new Map(config.users.map((u) => [u.id, u]));
    this.schedules = new Map(config.schedules.map((s) => [s.id, toScheduleSpec(s)]));
    this.#configOverrides = new Map(
      config.schedules.map((s) => [
        s.id,
        s.overrides.map((o) => ({
          id: `config`,
          user: o.user,
          start: Date.parse(o.from),
          end: Date.parse(o.to),
        })),
      ]),
    );
  }

  /** Overrides (config first, then the API's in creation order) overlapping [from, to), per schedule. */
  async overrides(
    db: Kysely<Database> | Transaction<Database>,
    from: number,
    to: number,
    scheduleIds?: string[],
  ): Promise<Map<string, Override[]>> {
    const ids = scheduleIds ?? [...this.schedules.keys()];
    const out = new Map<string, Override[]>(
      ids.map((id) => [
        id,
        (this.#configOverrides.get(id) ?? []).filter((o) => o.end > from && o.start < to),
      ]),
    );
    if (ids.length === 0) return out;
    const rows = await db
      .selectFrom('schedule_overrides')
      .selectAll()
      .where('schedule_id', 'in', ids)
      .where('ends_at', '>', from)
      .where('starts_at', '<', to)
      .orderBy('id')
      .execute();
    for (const r of rows)
      out.get(r.schedule_id)?.push({ id: r.id, user: r.user_id, start: r.starts_at, end: r.ends_at });
    return out;
  }

  onCall(scheduleId: string, overrides: readonly Override[], t: number): string | null {
    const spec = this.schedules.get(scheduleId);
    return spec ? onCallAt(spec, overrides, t) : null;
  }

  /** The people a step's targets reach at `t`. */
  resolveTargets(
    targets: readonly EscalationTarget[],
    t: number,
    overrides: ReadonlyMap<string, Override[]>,
  ): ResolvedTarget[] {
    return targets.map((target) => {
      if ('schedule' in target) {
        const user = this.onCall(target.schedule, overrides.get(target.schedule) ?? [], t);
        return { via: `schedule ${target.schedule}`, userIds: user ? [user] : [] };
      }
      if ('user' in target) return { via: `user ${target.user}`, userIds: [target.user] };
      const team = this.#config.teams.find((x) => x.id === target.team);
      return { via: `team ${target.team}`, userIds: team ? [...team.members] : [] };
    });
  }

  /**
   * How `userId` is reached at `urgency`: their own rules, else the defaults, with addresses. A push rule
   * reaches the configured push address (unless it is `devices`) and every browser the person enabled
   * (`devices`: their `webpush:device:<id>` addresses, from devices/store.ts).
   */
  plan(
    userId: string,
    urgency: Urgency,
    devices?: ReadonlyMap<string, readonly string[]>,
  ): PlannedNotification[] {
    const user = this.#users.get(userId);
    if (!user) return [];
    return rulesFor(user, urgency, this.#config.notificationDefaults).flatMap((r) => {
      const method = user.contactMethods.find((c) => c.type === r.type);
      const devicesOnly = r.type === 'push' && method?.address === PUSH_DEVICES_ONLY;
      const addresses = method && !devicesOnly ? [method.address] : [];
      if (r.type === 'push') addresses.push(...(devices?.get(userId) ?? []));
      return addresses.map((address) => ({
        userId,
        channel: r.type,
        address,
        delayMinutes: r.delayMinutes,
      }));
    });
  }

  /**
   * Why `userId` has no contact plan at `urgency` (e.g. `has no sms, voice contact method for their
   * high-urgency notification rules`), or null when `plan` reaches them.
   */
  unreachableReason(
    userId: string,
    urgency: Urgency,
    devices?: ReadonlyMap<string, readonly string[]>,
  ): string | null {
    if (this.plan(userId, urgency, devices).length > 0) return null;
    const problem = reachProblem(this.#users.get(userId), urgency, this.#config.notificationDefaults);
    if (!problem && this.#users.get(userId)?.contactMethods.some((c) => c.address === PUSH_DEVICES_ONLY))
      return `has enabled no browser for push notifications (their push contact method is "${PUSH_DEVICES_ONLY}")`;
    return describeReachProblem(problem ?? { kind: 'no_rules' }, urgency);
  }
}
