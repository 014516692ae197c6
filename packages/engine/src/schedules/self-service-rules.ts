/**
 * The rules shift self-service shares (cover and swap requests, temporary schedules): who is a person of
 * a schedule, who leads it, who acts as themselves, and whether someone is on call for all of a range.
 * The rules about whom an override may put on call and over what range are ./override-rules.ts's.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { TeamsView } from '../auth/config.ts';
import type { Database } from '../db/tables.ts';
import { ApiError } from '../errors/errors.ts';
import type { Channel } from '../org/config.ts';
import type { ScheduleConfig, ScheduleRoutesConfig } from './config.ts';
import { iso, shiftsOf, type ScheduleDirectory } from './lookup.ts';
import type { ScheduleSpec } from './schedule.ts';

/** What the schedule routes read from the config, with the addresses shift messages go to. */
export interface SelfServiceConfig extends ScheduleRoutesConfig {
  users: readonly (ScheduleRoutesConfig['users'][number] & {
    contactMethods: readonly { type: Channel; address: string }[];
  })[];
}

/** How far in the past a request may start: a client's clock a little behind. */
export const REQUEST_GRACE_MS = 5 * 60_000;

/** The people who take turns on a schedule: every user of its layers. */
export function peopleOf(spec: ScheduleSpec): string[] {
  return [...new Set(spec.layers.flatMap((l) => l.rotation.users))];
}

/** The signed-in person behind `p`; tokens and channels are refused: a request is made by a person. */
export function personOf(p: Principal): string {
  if (p.kind === 'user' && p.userId) return p.userId;
  throw new ApiError(
    'forbidden',
    `Shift requests are made and answered by a signed-in person for themselves; ${p.kind === 'token' ? `API token "${p.name}"` : p.name} cannot. Sign in to the web UI, or ask an admin to add an override.`,
  );
}

/** Whether `p` is an admin or the lead of the team of `schedule`. */
export function isLeadOrAdmin(
  config: TeamsView,
  schedule: Pick<ScheduleConfig, 'team'> | undefined,
  p: Principal,
): boolean {
  if (p.role === 'admin') return true;
  const team = schedule?.team ? config.teams.find((t) => t.id === schedule.team) : undefined;
  return p.kind === 'user' && team?.lead !== undefined && team.lead === p.userId;
}

/** The team lead of `schedule`, if it has a team with one. */
export function leadOf(config: TeamsView, schedule: Pick<ScheduleConfig, 'team'> | undefined): string | null {
  const team = schedule?.team ? config.teams.find((t) => t.id === schedule.team) : undefined;
  return team?.lead ?? null;
}

/**
 * Refuses (`not_on_call`) unless `user` is on call on schedule `id` for all of [from, to), overrides
 * included; `who` is how the sentence names them ("you", or "bob").
 */
export async function checkOnCallThroughout(
  directory: ScheduleDirectory,
  db: Kysely<Database>,
  id: string,
  user: string,
  from: number,
  to: number,
  who: string,
): Promise<void> {
  const shifts = await shiftsOf(directory, db, id, from, to);
  const other = shifts.find((s) => s.user !== user);
  if (!other) return;
  const spec = directory.schedules.get(id);
  const them = who === 'you' ? 'you are' : `${who} is`;
  const whose = who === 'you' ? 'your' : 'their';
  throw new ApiError(
    'not_on_call',
    `From ${iso(other.start)} to ${iso(other.end)} ${other.user ?? 'nobody'} is on call, so ${them} not on call for all of that range on ${spec?.name ?? id}; pick a range inside ${whose} shift.`,
  );
}
