/**
 * Reads everything the importer maps from a PagerDuty account, in a fixed order of requests (the tests
 * assert it): users with contact methods and notification rules, teams and their members, schedules with
 * their layers and final rendering over the proof window, each schedule's overrides, escalation policies,
 * services with their integrations, and open (ongoing and future) maintenance windows.
 */
import { ImportSourceError, type PdClient } from './client.ts';
import { isObj, type Obj } from './wire.ts';

export interface PdSnapshot {
  users: unknown[];
  teams: unknown[];
  /** Team id → `members` entries (`{user: {id}, role}`). */
  teamMembers: Map<string, unknown[]>;
  /** Each from `GET /schedules/{id}` (layers, final_schedule rendered over [since, until)). */
  schedules: Obj[];
  /** Schedule id → overrides in [now, overridesUntil). */
  overrides: Map<string, unknown[]>;
  policies: unknown[];
  services: unknown[];
  maintenanceWindows: unknown[];
  now: number;
  /** The rendering window of the schedules. */
  since: number;
  until: number;
}

const DAY = 86_400_000;
/** Overrides are read this far ahead (longer when the proof window is longer). */
export const OVERRIDE_DAYS = 90;

function idsOf(items: unknown[], what: string): string[] {
  return items.map((x, i) => {
    if (!isObj(x) || typeof x.id !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(x.id))
      throw new ImportSourceError(`${what}[${i}] has no usable id`);
    return x.id;
  });
}

export async function readPagerDuty(
  client: PdClient,
  opts: { now: number; verifyWeeks: number },
): Promise<PdSnapshot> {
  const since = opts.now;
  const until = opts.now + Math.max(opts.verifyWeeks, 1) * 7 * DAY;
  const overridesUntil = opts.now + Math.max(OVERRIDE_DAYS * DAY, until - since);
  const iso = (t: number) => new Date(t).toISOString();

  const users = await client.list('/users', 'users', [
    ['include[]', 'contact_methods'],
    ['include[]', 'notification_rules'],
  ]);
  const teams = await client.list('/teams', 'teams');
  const teamMembers = new Map<string, unknown[]>();
  for (const id of idsOf(teams, 'teams'))
    teamMembers.set(id, await client.list(`/teams/${encodeURIComponent(id)}/members`, 'members'));

  const scheduleList = await client.list('/schedules', 'schedules');
  const schedules: Obj[] = [];
  const overrides = new Map<string, unknown[]>();
  for (const id of idsOf(scheduleList, 'schedules')) {
    const path = `/schedules/${encodeURIComponent(id)}`;
    const body = await client.get(path, [
      ['since', iso(since)],
      ['until', iso(until)],
      ['time_zone', 'UTC'],
    ]);
    if (!isObj(body.schedule)) throw new ImportSourceError(`GET ${path}: no "schedule" in the answer`);
    schedules.push(body.schedule);
    const o = await client.get(`${path}/overrides`, [
      ['since', iso(since)],
      ['until', iso(overridesUntil)],
    ]);
    if (!Array.isArray(o.overrides))
      throw new ImportSourceError(`GET ${path}/overrides: no "overrides" list in the answer`);
    overrides.set(id, o.overrides);
  }

  const policies = await client.list('/escalation_policies', 'escalation_policies');
  const services = await client.list('/services', 'services', [['include[]', 'integrations']]);
  const maintenanceWindows = await client.list('/maintenance_windows', 'maintenance_windows', [
    ['filter', 'open'],
  ]);
  return {
    users,
    teams,
    teamMembers,
    schedules,
    overrides,
    policies,
    services,
    maintenanceWindows,
    now: opts.now,
    since,
    until,
  };
}
