/**
 * The daily advisory digest (issue 23), an engine module: a pass over durable rows. For each team whose
 * business day it is (in the team's zone, a working day that is not a holiday, between its start and
 * end) and that has no `advisory_digests` row for that local date, it inserts the row (its primary key
 * (team_id, day) is the "once": ON CONFLICT DO NOTHING, and only the inserter goes on) and, in the same
 * transaction, queues the digest as low-urgency `digest` notifications: one to the team's Slack channel
 * and one per email address. A weekend or holiday has no digest, so what opened then appears in the next
 * business day's, which covers everything since the previous digest's `covered_until`. Only teams that
 * say where they read advisories (`teams[].advisories`) get one.
 */
import { DateTime } from 'luxon';
import type { Kysely, Transaction } from 'kysely';
import type { Database, NewNotificationRow, NotificationRow } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { teamCalendars, type CalendarsConfig } from '../holidays/calendars.ts';
import { noticeRow, queueNotifications } from '../notifications/store.ts';
import { businessDayOf, localDay, nextBusinessDay, type BusinessCalendar } from '../org/business.ts';
import type { AdvisoriesConfig } from './config.ts';
import {
  advisoriesUrl,
  digestMessage,
  isEmptyDigest,
  MAX_GROUPS,
  MAX_NOISE,
  MAX_OLDEST,
  thresholdOf,
  type DigestContent,
  type DigestNoise,
} from './digest-compose.ts';
import { noiseCounts } from './store.ts';
import { syncAdvisories } from './sync.ts';

type Db = Kysely<Database> | Transaction<Database>;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the digest pass runs at most. */
export const DIGEST_EVERY_MS = 10_000;
/** Email addresses a digest goes to at most (teams[].advisories.email allows 100). */
const MAX_EMAILS = 100;

/** What the digest reads of the config. */
export interface DigestConfig extends CalendarsConfig {
  server: { publicUrl?: string | undefined };
  advisories: AdvisoriesConfig;
  teams: readonly {
    id: string;
    name: string;
    members: readonly string[];
    businessHours?: CalendarsConfig['businessHours'] | undefined;
    advisories?: { slack?: string | undefined; email?: readonly string[] | undefined } | undefined;
  }[];
  users: readonly {
    id: string;
    email?: string | undefined;
    contactMethods: readonly { type: string; address: string }[];
  }[];
  services: readonly { id: string; name: string; team: string }[];
}

export interface DigestModuleDeps {
  config: DigestConfig;
  /** Hands the digest's notifications (written claimed) to delivery after the commit. */
  dispatch?: (rows: NotificationRow[]) => void;
}

/**
 * Whether a team gets a digest: it says where it reads its advisories (`teams[].advisories`, even `{}`
 * for the members' email). A team that says nothing gets none, so turning the feature on mails no one
 * who did not ask.
 */
export function wantsDigest(team: DigestConfig['teams'][number]): boolean {
  return team.advisories !== undefined;
}

/** Where a team's digest goes: its Slack channel, and its addresses (default: the members' emails). */
export function digestRecipients(
  config: DigestConfig,
  team: DigestConfig['teams'][number],
): { slack: string | null; email: string[] } {
  const users = new Map(config.users.map((u) => [u.id, u]));
  const configured = team.advisories?.email;
  const emails =
    configured ??
    team.members.flatMap((m) => {
      const u = users.get(m);
      const own = u?.email ?? u?.contactMethods.find((c) => c.type === 'email')?.address;
      return own ? [own] : [];
    });
  return { slack: team.advisories?.slack ?? null, email: [...new Set(emails)].slice(0, MAX_EMAILS) };
}

/** The start of the last business day that starts before `t` (the first digest covers from there). */
export function previousBusinessDayStart(cal: BusinessCalendar, t: number): number {
  let noon = DateTime.fromMillis(t, { zone: cal.timezone }).startOf('day').set({ hour: 12 });
  for (let i = 0; i < 400; i++) {
    noon = noon.minus({ days: 1 });
    const day = businessDayOf(cal, noon.toMillis());
    if (day && day.start < t) return day.start;
  }
  return t - DAY_MS;
}

/** When a team's next digest is due (at or before `now`: due now), or null when it has no business days. */
function dueAt(cal: BusinessCalendar, now: number, lastDay: string | undefined): number | null {
  const today = businessDayOf(cal, now);
  if (today && now < today.end && lastDay !== localDay(cal, now)) return today.start;
  try {
    const next = nextBusinessDay(cal, Math.max(now, today?.end ?? now));
    return next.start;
  } catch {
    return null; // Every day a holiday: no digest.
  }
}

const num = (v: unknown) => Number(v ?? 0);

function parseObject(json: string | null | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Reads what a team's digest says about [from, until), as of `now`. */
export async function readDigest(
  db: Db,
  config: DigestConfig,
  team: DigestConfig['teams'][number],
  cal: BusinessCalendar,
  day: string,
  from: number,
  until: number,
): Promise<DigestContent> {
  const serviceName = new Map(config.services.map((s) => [s.id, s.name]));
  const nameOf = (id: string) => serviceName.get(id) ?? id;
  const period = db
    .selectFrom('advisories')
    .where('team_id', '=', team.id)
    .where('opened_at', '>=', from)
    .where('opened_at', '<', until);
  const totals = await period.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const groupCount = await db
    .selectFrom(period.select(['service_id', 'alert_name']).groupBy(['service_id', 'alert_name']).as('g'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const groups = await db
    .selectFrom('advisories as a')
    .innerJoin('incidents as i', 'i.id', 'a.incident_id')
    .leftJoin('alerts as al', 'al.incident_id', 'a.incident_id')
    .where('a.team_id', '=', team.id)
    .where('a.opened_at', '>=', from)
    .where('a.opened_at', '<', until)
    .groupBy(['a.service_id', 'a.alert_name'])
    .select((eb) => [
      'a.service_id',
      'a.alert_name',
      eb.fn.count('a.incident_id').distinct().as('n'),
      eb.fn.min('a.opened_at').as('first'),
      eb.fn.max(eb.fn.coalesce('al.last_seen_at', 'a.opened_at')).as('last'),
      eb.fn.max(eb.case().when('i.state', '<>', 'resolved').then(1).else(0).end()).as('firing'),
    ])
    .orderBy((eb) => eb.fn.count('a.incident_id').distinct(), 'desc')
    .orderBy('a.service_id')
    .orderBy('a.alert_name')
    .limit(MAX_GROUPS)
    .execute();
  const before = db
    .selectFrom('advisories')
    .where('team_id', '=', team.id)
    .where('state', '=', 'unreviewed')
    .where('opened_at', '<', from);
  const unreviewed = await before.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const oldest = await before
    .select(['incident_id', 'service_id', 'alert_name', 'opened_at'])
    .orderBy('opened_at')
    .orderBy('incident_id')
    .limit(MAX_OLDEST)
    .execute();
  const noisy = await noiseCounts(db, {
    from: until - config.advisories.noiseWindowDays * DAY_MS,
    to: until + 1,
    teams: [team.id],
    services: null,
    limit: MAX_NOISE,
  });
  const noise: DigestNoise[] = [];
  for (const n of noisy) {
    const alert = await db
      .selectFrom('alerts')
      .select(['labels', 'annotations', 'generator_url'])
      .where('incident_id', '=', n.latest)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const t = thresholdOf(
      parseObject(alert?.annotations),
      parseObject(alert?.labels),
      alert?.generator_url ?? null,
    );
    noise.push({
      serviceName: nameOf(n.service),
      alert: n.alert,
      count: n.count,
      threshold: t.threshold,
      thresholdFrom: t.from,
    });
  }
  const publicUrl = config.server.publicUrl;
  return {
    teamName: team.name,
    day,
    timezone: cal.timezone,
    from,
    until,
    newCount: num(totals.n),
    groups: groups.map((g) => ({
      service: g.service_id,
      serviceName: nameOf(g.service_id),
      alert: g.alert_name,
      count: num(g.n),
      first: num(g.first),
      last: num(g.last),
      firing: num(g.firing) > 0,
      url: advisoriesUrl(publicUrl, team.id, { service: g.service_id, alert: g.alert_name }),
    })),
    moreGroups: Math.max(0, num(groupCount.n) - groups.length),
    unreviewedBefore: num(unreviewed.n),
    oldest: oldest.map((o) => ({
      incidentId: o.incident_id,
      serviceName: nameOf(o.service_id),
      alert: o.alert_name,
      openedAt: o.opened_at,
    })),
    noise,
    noiseWindowDays: config.advisories.noiseWindowDays,
    url: advisoriesUrl(publicUrl, team.id),
  };
}

/** The digest's notification rows: the Slack channel's and one email per address. */
function digestRows(
  content: DigestContent,
  to: { slack: string | null; email: string[] },
  now: number,
): NewNotificationRow[] {
  const row = (channel: string, address: string, detail: string): NewNotificationRow =>
    noticeRow({ kind: 'digest', userId: '', channel, address, detail }, now);
  const rows: NewNotificationRow[] = [];
  if (to.slack) rows.push(row('slack', to.slack, JSON.stringify(digestMessage(content, 'slack'))));
  const mail = JSON.stringify(digestMessage(content, 'email'));
  for (const address of to.email) rows.push(row('email', address, mail));
  return rows;
}

export function digestModule(deps: DigestModuleDeps): EngineModule {
  const { config } = deps;
  const teams = config.teams.filter(wantsDigest);
  /**
   * The next start of a business day whose digest is not sent, as of the last pass: the loop asks after
   * every cycle, so it is worked out once a pass, not read again each time (null until the first pass,
   * which runs at start).
   */
  let next: number | null = null;
  const earliest = (calendars: Map<string, BusinessCalendar>, sent: Map<string, string>, t: number) => {
    let at: number | null = null;
    for (const team of teams) {
      const cal = calendars.get(team.id);
      const due = cal ? dueAt(cal, t, sent.get(team.id)) : null;
      if (due !== null && (at === null || due < at)) at = due;
    }
    return at;
  };
  return {
    name: 'advisory-digest',
    // It reads the calendars each pass: not on every cycle an ingest burst pokes, a few seconds late at most.
    everyMs: DIGEST_EVERY_MS,
    async tick({ trx, now, afterCommit }) {
      const t = now.getTime();
      const calendars = await teamCalendars(trx, config);
      const sent = await lastDays(trx);
      const due = teams.flatMap((team) => {
        const cal = calendars.get(team.id);
        const day = cal ? businessDayOf(cal, t) : null;
        if (!cal || !day || t < day.start || t >= day.end) return [];
        const key = localDay(cal, t);
        return sent.get(team.id) === key ? [] : [{ team, cal, day, key }];
      });
      // Each due team's digest is sent by this pass (or was, by another replica): the next is a day on.
      for (const d of due) sent.set(d.team.id, d.key);
      next = earliest(calendars, sent, t);
      if (due.length === 0) return;
      // The advisories of incidents opened up to now, so the digest misses none the sync has not reached.
      await syncAdvisories(trx, t, calendars, config);
      const claimed: NotificationRow[] = [];
      for (const { team, cal, day, key } of due) {
        const previous = await trx
          .selectFrom('advisory_digests')
          .select('covered_until')
          .where('team_id', '=', team.id)
          .orderBy('covered_until', 'desc')
          .limit(1)
          .executeTakeFirst();
        const from = previous?.covered_until ?? previousBusinessDayStart(cal, day.start);
        const content = await readDigest(trx, config, team, cal, key, from, t);
        const empty = isEmptyDigest(content);
        const skip = empty && config.advisories.emptyDigest === 'skip';
        const to = digestRecipients(config, team);
        const rows = skip ? [] : digestRows(content, to, t);
        const summary = {
          ...content,
          empty,
          sent: skip ? 'skipped' : 'queued',
          slack: rows.some((r) => r.channel === 'slack') ? to.slack : null,
          emails: rows.filter((r) => r.channel === 'email').length,
        };
        const inserted = await trx
          .insertInto('advisory_digests')
          .values({
            team_id: team.id,
            day: key,
            due_at: day.start,
            sent_at: t,
            covered_from: from,
            covered_until: t,
            advisories: content.newCount,
            summary: JSON.stringify(summary),
          })
          .onConflict((oc) => oc.columns(['team_id', 'day']).doNothing())
          .returning('team_id')
          .execute();
        // Another replica, or this one before a restart, sent this day's digest.
        if (inserted.length === 0) continue;
        claimed.push(...(await queueNotifications(trx, rows, deps.dispatch ? t : undefined)));
      }
      if (claimed.length > 0 && deps.dispatch) afterCommit(() => deps.dispatch!(claimed));
    },
    nextDueAt: () => Promise.resolve(next),
  };
}

/** Each team's latest digest day. */
async function lastDays(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('advisory_digests')
    .select((eb) => ['team_id', eb.fn.max('day').as('day')])
    .groupBy('team_id')
    .execute();
  return new Map(rows.map((r) => [r.team_id, String(r.day)]));
}
