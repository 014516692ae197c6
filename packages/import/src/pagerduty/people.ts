/**
 * PagerDuty users (with contact methods and notification rules) and teams → Klaxon `users` and `teams`.
 * High-urgency rules become the user's `notificationRules.high` (what T1 pages with), low-urgency rules
 * `notificationRules.low` (T2). Klaxon's rule names a channel, not one address: a rule is sent to the
 * person's first contact method of that channel.
 */
import { isValidZone } from '@klaxon/engine';
import type { TeamOut, UserOut as SharedUserOut } from '../out.ts';
import type { ImportReport } from '../report.ts';
import { IdAllocator, int, isObj, list, obj, optStr, reason, str, type Obj } from './wire.ts';

export interface Mapped<T> {
  value: T;
  /** The YAML comment naming the source object. */
  comment: string;
}

type Channel = 'voice' | 'sms' | 'email' | 'push';
export type UserOut = SharedUserOut<Channel>;
export type { TeamOut };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function roleOf(pdRole: string | undefined): UserOut['role'] {
  if (pdRole === 'owner' || pdRole === 'admin') return 'admin';
  if (pdRole === 'observer' || pdRole === 'read_only_user' || pdRole === 'read_only_limited_user')
    return 'viewer';
  return 'responder';
}

/** One contact method → a Klaxon one, or why not. */
function contactMethod(c: Obj): { type: Channel; address: string; label?: string } | string {
  const type = str(c, 'type');
  const address = str(c, 'address');
  const label = optStr(c, 'label');
  const method = (channel: Channel, to: string) => ({
    type: channel,
    address: to,
    ...(label ? { label } : {}),
  });
  switch (type) {
    case 'phone_contact_method':
    case 'sms_contact_method': {
      const cc = int(c, 'country_code');
      const e164 = `+${cc}${address.replace(/[^0-9]/g, '')}`;
      return method(type === 'phone_contact_method' ? 'voice' : 'sms', e164);
    }
    case 'email_contact_method':
      return method('email', address);
    case 'push_notification_contact_method':
      return 'PagerDuty app push devices cannot be moved: the person subscribes to push in Klaxon’s web UI';
    default:
      return `contact method type ${type} has no Klaxon equivalent; add another contact method by hand`;
  }
}

/** Maps users; fills `ids` (PagerDuty user id → Klaxon user id). */
export function mapUsers(
  users: unknown[],
  report: ImportReport,
  ids: Map<string, string>,
): Mapped<UserOut>[] {
  const alloc = new IdAllocator();
  const out: Mapped<UserOut>[] = [];
  for (const [i, raw] of users.entries()) {
    let u: Obj;
    let pdId: string;
    try {
      u = obj(raw, `users[${i}]`);
      pdId = str(u, 'id');
    } catch (err) {
      report.skipped('user', `users[${i}]`, '', [reason(err)]);
      continue;
    }
    const name = optStr(u, 'name') ?? pdId;
    try {
      const email = optStr(u, 'email');
      const id = alloc.take(email?.split('@')[0] ?? name, pdId);
      const notes: string[] = [];
      const tz = optStr(u, 'time_zone');
      const timezone = tz && isValidZone(tz) ? tz : 'UTC';
      if (tz && timezone !== tz) notes.push(`time zone ${tz} is not an IANA zone: UTC used`);
      const methods: UserOut['contactMethods'] = [];
      const methodIndex = new Map<string, number>();
      for (const [j, rc] of list(u, 'contact_methods').entries()) {
        const c = obj(rc, `contact_methods[${j}]`);
        const cid = str(c, 'id', `contact_methods[${j}].id`);
        if (!optStr(c, 'address'))
          throw new Error(`contact method ${cid} has no address (was include[]=contact_methods honoured?)`);
        const m = contactMethod(c);
        if (typeof m === 'string') {
          report.add({
            kind: 'contact_method',
            sourceId: cid,
            name: `${name}: ${str(c, 'type')}`,
            outcome: 'skipped',
            notes: [m],
          });
          continue;
        }
        methodIndex.set(cid, methods.length);
        methods.push(m);
        report.add({
          kind: 'contact_method',
          sourceId: cid,
          name: `${name}: ${m.type}`,
          outcome: 'imported',
          klaxonId: `${id}.${m.type}`,
        });
      }
      const rules: UserOut['notificationRules'] = { high: [], low: [] };
      for (const [j, rr] of list(u, 'notification_rules').entries()) {
        const r = obj(rr, `notification_rules[${j}]`);
        const rid = str(r, 'id', `notification_rules[${j}].id`);
        const urgency = str(r, 'urgency');
        const delay = int(r, 'start_delay_in_minutes');
        const cm = obj(r.contact_method, `notification rule ${rid}.contact_method`);
        const at = methodIndex.get(str(cm, 'id'));
        const ruleName = `${name}: ${urgency} urgency after ${delay} min`;
        if ((urgency !== 'high' && urgency !== 'low') || at === undefined) {
          const why =
            at === undefined ? 'its contact method was not imported' : `urgency ${urgency} is unknown`;
          report.skipped('notification_rule', rid, ruleName, [why]);
          continue;
        }
        const method = methods[at]!;
        const first = methods.findIndex((m) => m.type === method.type);
        const ruleNotes =
          first !== at
            ? [
                `Klaxon sends a ${method.type} rule to the first ${method.type} method (${methods[first]!.address}), not ${method.address}`,
              ]
            : [];
        if (delay > 7 * 24 * 60) ruleNotes.push('delay capped at 7 days');
        rules[urgency].push({ type: method.type, delayMinutes: Math.min(delay, 7 * 24 * 60) });
        report.mapped('notification_rule', rid, ruleName, `${id}.notificationRules.${urgency}`, ruleNotes);
      }
      for (const urgency of ['high', 'low'] as const) {
        rules[urgency].sort((a, b) => a.delayMinutes - b.delayMinutes);
        if (rules[urgency].length > 0 || methods.length === 0) continue;
        const fallback = methods.find((m) => m.type === 'email') ?? methods[0]!;
        rules[urgency].push({ type: fallback.type, delayMinutes: 0 });
        notes.push(
          `no usable ${urgency}-urgency rule in PagerDuty: Klaxon notifies by ${fallback.type} at once (Klaxon would otherwise use notificationDefaults)`,
        );
      }
      if (methods.length === 0)
        notes.push('no contact method could be imported: Klaxon cannot page this person');
      const value: UserOut = {
        id,
        name,
        timezone,
        role: roleOf(optStr(u, 'role')),
        contactMethods: methods,
        notificationRules: rules,
      };
      if (email && EMAIL.test(email)) value.email = email;
      ids.set(pdId, id);
      out.push({ value, comment: `PagerDuty user ${pdId}` });
      report.mapped('user', pdId, name, id, notes);
    } catch (err) {
      report.skipped('user', pdId, name, [reason(err)]);
    }
  }
  return out;
}

/** Maps teams and their members; fills `ids` (PagerDuty team id → Klaxon team id). */
export function mapTeams(
  teams: unknown[],
  members: ReadonlyMap<string, unknown[]>,
  userIds: ReadonlyMap<string, string>,
  report: ImportReport,
  ids: Map<string, string>,
): Mapped<TeamOut>[] {
  const alloc = new IdAllocator();
  const out: Mapped<TeamOut>[] = [];
  for (const raw of teams) {
    const t = raw as Obj;
    const pdId = str(t, 'id');
    const name = optStr(t, 'name') ?? pdId;
    const notes: string[] = [];
    const value: TeamOut = { id: alloc.take(name, pdId), name, members: [] };
    for (const m of members.get(pdId) ?? []) {
      const uid = isObj(m) && isObj(m.user) && typeof m.user.id === 'string' ? m.user.id : undefined;
      const kid = uid === undefined ? undefined : userIds.get(uid);
      if (!kid) {
        notes.push(`member ${uid ?? '(malformed)'} is not an imported user: left out`);
        continue;
      }
      if (!value.members.includes(kid)) value.members.push(kid);
      if (isObj(m) && m.role === 'manager' && !value.lead) value.lead = kid;
    }
    ids.set(pdId, value.id);
    out.push({ value, comment: `PagerDuty team ${pdId}` });
    report.mapped('team', pdId, name, value.id, notes);
  }
  return out;
}
