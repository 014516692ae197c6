/**
 * Reading advisories: the list (newest first, scoped to the caller's services, with the unreviewed
 * count under the same filters) and one advisory with its incident.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { toAdvisoryDto, type AdvisoryDto, type AdvisoryState, type AdvisoryView } from './model.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface AdvisoryFilter {
  /** Service ids to show; undefined = every service (an admin, no filter). */
  services?: string[];
  alerts?: string[];
  /** Team ids (of the row: the team that owned the service when the advisory opened). */
  teams?: string[];
  state: AdvisoryState | 'all';
  limit: number;
  /** The incident id of the last advisory of the previous page. */
  before?: number;
}

/** The advisory columns with the incident's title and state and whether any alert still fires. */
function viewOf(db: Db) {
  return db
    .selectFrom('advisories as a')
    .innerJoin('incidents as i', 'i.id', 'a.incident_id')
    .selectAll('a')
    .select([
      'i.title as title',
      'i.state as incident_state',
      sql<number>`case when exists (select 1 from alerts f where f.incident_id = a.incident_id and f.status = 'firing') then 1 else 0 end`.as(
        'firing',
      ),
    ]);
}

/** One page of advisories, newest first, and how many are unreviewed under the same filters. */
export async function listAdvisories(
  db: Db,
  f: AdvisoryFilter,
): Promise<{ advisories: AdvisoryDto[]; unreviewed: number; nextBefore: number | null }> {
  let q = viewOf(db);
  if (f.services) q = q.where('a.service_id', 'in', f.services.length > 0 ? f.services : ['']);
  if (f.teams?.length) q = q.where('a.team_id', 'in', f.teams);
  if (f.alerts?.length) q = q.where('a.alert_name', 'in', f.alerts);
  if (f.state !== 'all') q = q.where('a.state', '=', f.state);
  if (f.before !== undefined) {
    const before = f.before;
    const cursor = await db
      .selectFrom('advisories')
      .select('opened_at')
      .where('incident_id', '=', before)
      .executeTakeFirst();
    if (cursor) {
      const at = Number(cursor.opened_at);
      q = q.where((w) =>
        w.or([
          w('a.opened_at', '<', at),
          w.and([w('a.opened_at', '=', at), w('a.incident_id', '<', before)]),
        ]),
      );
    } else q = q.where('a.incident_id', '<', before);
  }
  const rows = await q
    .orderBy('a.opened_at', 'desc')
    .orderBy('a.incident_id', 'desc')
    .limit(f.limit)
    .execute();
  let c = db
    .selectFrom('advisories as a')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('a.state', '=', 'unreviewed');
  if (f.services) c = c.where('a.service_id', 'in', f.services.length > 0 ? f.services : ['']);
  if (f.teams?.length) c = c.where('a.team_id', 'in', f.teams);
  if (f.alerts?.length) c = c.where('a.alert_name', 'in', f.alerts);
  const count = await c.executeTakeFirst();
  const advisories = rows.map((r) => toAdvisoryDto(r as AdvisoryView));
  const last = advisories[advisories.length - 1];
  return {
    advisories,
    unreviewed: Number(count?.n ?? 0),
    nextBefore: advisories.length === f.limit && last ? last.incidentId : null,
  };
}

/** One advisory as the API shows it; undefined when the incident has none. */
export async function getAdvisory(db: Db, incidentId: number): Promise<AdvisoryDto | undefined> {
  const row = await viewOf(db).where('a.incident_id', '=', incidentId).executeTakeFirst();
  return row ? toAdvisoryDto(row) : undefined;
}

/** One alert's dismissals as noise: the rules to tune. */
export interface NoiseCount {
  alert: string;
  service: string;
  count: number;
  /** The incident of its latest dismissal (its alert carries the rule's threshold). */
  latest: number;
}

/**
 * Advisories dismissed as noise in [from, to), per alert and service, most first: the digest's
 * candidates to tune (one team) and the analytics' figure (the caller's services, or all for null).
 */
export async function noiseCounts(
  db: Db,
  o: {
    from: number;
    to: number;
    teams?: readonly string[];
    services: readonly string[] | null;
    limit: number;
  },
): Promise<NoiseCount[]> {
  const scope = o.services === null ? null : o.services.length > 0 ? [...o.services] : [''];
  const count = sql<number>`count(*)`;
  const rows = await db
    .selectFrom('advisories')
    .select(['alert_name', 'service_id', count.as('n'), sql<number>`max(incident_id)`.as('latest')])
    .where('state', '=', 'dismissed')
    .where('decided_at', '>=', o.from)
    .where('decided_at', '<', o.to)
    .$if(o.teams !== undefined, (q) => q.where('team_id', 'in', o.teams!.length > 0 ? [...o.teams!] : ['']))
    .$if(scope !== null, (q) => q.where('service_id', 'in', scope!))
    .groupBy(['alert_name', 'service_id'])
    .orderBy(count, 'desc')
    .orderBy('alert_name')
    .orderBy('service_id')
    .limit(o.limit)
    .execute();
  return rows.map((r) => ({
    alert: r.alert_name,
    service: r.service_id,
    count: Number(r.n),
    latest: Number(r.latest),
  }));
}
