/**
 * OnCall users, personal notification rules and teams → Klaxon users (contact methods, rules per
 * urgency) and teams. OnCall's public API does not expose phone numbers or mobile-app devices, so
 * SMS, phone-call and app rules cannot be imported: each is reported with what to add by hand.
 */
import { isValidZone } from '@klaxon/engine';
import type { TeamOut, UserOut as SharedUserOut } from '../out.ts';
import type { ImportReport } from '../report.ts';
import type { IdMaker } from './ids.ts';
import { readRule, readTeam, readUser, type OcRule, type OcUser } from './types.ts';

type Channel = 'email' | 'slack';
export type UserOut = SharedUserOut<Channel>;
export type { TeamOut };

const ROLES: Record<string, UserOut['role']> = { admin: 'admin', editor: 'responder', viewer: 'viewer' };
const CHANNELS: Record<string, Channel> = { notify_by_email: 'email', notify_by_slack: 'slack' };
const NO_ADDRESS: Record<string, string> = {
  notify_by_sms: "OnCall's API does not expose phone numbers: add an sms contact method and rule by hand",
  notify_by_phone_call:
    "OnCall's API does not expose phone numbers: add a voice contact method and rule by hand",
  notify_by_mobile_app:
    'the OnCall mobile app has no Klaxon equivalent: use a push (ntfy/Web Push) contact method',
  notify_by_mobile_app_critical:
    'the OnCall mobile app has no Klaxon equivalent: use a push (ntfy/Web Push) contact method',
  notify_by_telegram: 'Klaxon has no Telegram channel',
  notify_by_msteams: 'Klaxon has no Microsoft Teams channel',
  notify_by_webhook: 'Klaxon has no per-person webhook channel',
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface People {
  users: UserOut[];
  teams: TeamOut[];
  /** OnCall user id → Klaxon user id. */
  userIds: Map<string, string>;
  teamIds: Map<string, string>;
  /** Source ids of the users, in output order, for comments. */
  userSources: string[];
  teamSources: string[];
}

function mapRules(user: OcUser, out: UserOut, rules: OcRule[], report: ImportReport): string[] {
  const notes: string[] = [];
  for (const important of [true, false]) {
    const urgency = important ? 'high' : 'low';
    let delay = 0;
    const list = rules
      .filter((r) => (r.important ?? false) === important)
      .sort((a, b) => a.position - b.position);
    for (const r of list) {
      const base = {
        kind: 'personal_notification_rule',
        sourceId: r.id,
        name: `${user.username}: ${r.type}${important ? ' (important)' : ''}`,
      };
      if (r.type === 'wait') {
        delay += Math.round((r.duration ?? 0) / 60);
        report.add({
          ...base,
          outcome: 'imported',
          klaxonId: `${out.id} ${urgency}`,
          notes: [`adds ${Math.round((r.duration ?? 0) / 60)} min to the next rules' delayMinutes`],
        });
        continue;
      }
      const channel = Object.hasOwn(CHANNELS, r.type) ? CHANNELS[r.type] : undefined;
      if (channel && out.contactMethods.some((c) => c.type === channel)) {
        out.notificationRules[urgency].push({ type: channel, delayMinutes: delay });
        report.add({ ...base, outcome: 'imported', klaxonId: `${out.id} ${urgency}` });
      } else {
        const why = channel
          ? `${user.username} has no ${channel} address in OnCall`
          : Object.hasOwn(NO_ADDRESS, r.type)
            ? NO_ADDRESS[r.type]!
            : `rule type ${r.type} is unknown to the importer`;
        report.add({ ...base, outcome: 'skipped', notes: [why] });
      }
    }
    if (out.notificationRules[urgency].length === 0) {
      const fallback = out.contactMethods[0];
      if (fallback) {
        out.notificationRules[urgency].push({ type: fallback.type, delayMinutes: 0 });
        notes.push(
          `no importable ${important ? 'important' : 'default'} rule: ${urgency}-urgency pages go by ${fallback.type} at once until you add rules`,
        );
      }
    }
  }
  return notes;
}

export function mapPeople(
  raw: { users: unknown[]; rules: unknown[]; teams: unknown[] },
  ids: { users: IdMaker; teams: IdMaker },
  report: ImportReport,
): People {
  const people: People = {
    users: [],
    teams: [],
    userIds: new Map(),
    teamIds: new Map(),
    userSources: [],
    teamSources: [],
  };
  const rulesByUser = new Map<string, OcRule[]>();
  for (const r of raw.rules) {
    const rule = readRule(r);
    if (typeof rule === 'string') {
      report.skipped('personal_notification_rule', sourceIdOf(r), '', [rule]);
      continue;
    }
    rulesByUser.set(rule.user_id, [...(rulesByUser.get(rule.user_id) ?? []), rule]);
  }
  const members = new Map<string, string[]>();
  for (const r of raw.users) {
    const user = readUser(r);
    if (typeof user === 'string') {
      report.skipped('user', sourceIdOf(r), '', [user]);
      continue;
    }
    const notes: string[] = [];
    const id = ids.users.make(user.username, user.id);
    const email = user.email && EMAIL.test(user.email) ? user.email : undefined;
    const tz = user.timezone && isValidZone(user.timezone) ? user.timezone : 'UTC';
    if (user.timezone && tz !== user.timezone) notes.push(`time zone ${user.timezone} is unknown here: UTC`);
    const role = Object.hasOwn(ROLES, user.role) ? ROLES[user.role]! : 'viewer';
    if (!Object.hasOwn(ROLES, user.role)) notes.push(`OnCall role ${user.role} became viewer`);
    const out: UserOut = {
      id,
      name: user.username,
      timezone: tz,
      role,
      contactMethods: [],
      notificationRules: { high: [], low: [] },
    };
    if (email) {
      out.email = email;
      out.contactMethods.push({ type: 'email', address: email });
    }
    const slack = (user.slack ?? [])
      .map((s) => (s as { user_id?: unknown } | null)?.user_id)
      .find((u) => typeof u === 'string');
    if (typeof slack === 'string') out.contactMethods.push({ type: 'slack', address: slack });
    notes.push(...mapRules(user, out, rulesByUser.get(user.id) ?? [], report));
    rulesByUser.delete(user.id);
    notes.push(
      'signs in through OIDC (no password imported); add passwordHash from `klaxon hash-password` for a password',
    );
    people.users.push(out);
    people.userSources.push(user.id);
    people.userIds.set(user.id, id);
    for (const t of user.teams ?? [])
      if (typeof t === 'string') members.set(t, [...(members.get(t) ?? []), id]);
    report.add({
      kind: 'user',
      sourceId: user.id,
      name: user.username,
      outcome: notes.length > 1 ? 'changed' : 'imported',
      klaxonId: id,
      notes,
    });
  }
  for (const [userId, rules] of rulesByUser)
    for (const r of rules)
      report.skipped('personal_notification_rule', r.id, r.type, [`its user ${userId} was not imported`]);
  for (const r of raw.teams) {
    const team = readTeam(r);
    if (typeof team === 'string') {
      report.skipped('team', sourceIdOf(r), '', [team]);
      continue;
    }
    const id = ids.teams.make(team.name, team.id);
    people.teams.push({ id, name: team.name, members: members.get(team.id) ?? [] });
    people.teamSources.push(team.id);
    people.teamIds.set(team.id, id);
    report.add({ kind: 'team', sourceId: team.id, name: team.name, outcome: 'imported', klaxonId: id });
  }
  return people;
}

export function sourceIdOf(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '(no id)';
}
