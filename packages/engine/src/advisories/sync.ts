/**
 * Keeps the `advisories` rows in step with the incidents (issue 23): every T3 incident gets a row,
 * `unreviewed`, with the review deadline of its team's calendar; a row whose incident its own alerts
 * raised above T3 is marked `promoted` by klaxon. An idempotent pass over durable rows: two replicas
 * running it at once insert each row once (ON CONFLICT DO NOTHING on the incident id).
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { reviewDeadline, type BusinessCalendar } from '../org/business.ts';
import { appendTimeline, timelineEvent } from '../timeline/timeline.ts';

/** Only incidents opened this recently get a row, so an upgrade does not flood the page with old T3s. */
export const SYNC_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;
/** The actor of the decisions klaxon makes itself. */
export const KLAXON_ACTOR = 'klaxon';
const BATCH = 500;

/** What the sync reads of the config. */
export interface AdvisorySyncConfig {
  services: readonly { id: string; team: string }[];
}

/** The incident's alert name: its first alert's `alertname` label, else its title. */
export function alertNameOf(labelsJson: string | null | undefined, title: string): string {
  if (labelsJson) {
    try {
      const labels: unknown = JSON.parse(labelsJson);
      if (labels && typeof labels === 'object' && Object.hasOwn(labels, 'alertname')) {
        const name = (labels as Record<string, unknown>)['alertname'];
        if (typeof name === 'string' && name.trim() !== '') return name.slice(0, 200);
      }
    } catch {
      // Not JSON: fall back to the title.
    }
  }
  return title.slice(0, 200);
}

/**
 * One pass; returns how many rows it inserted or marked promoted. `calendars` is team id → calendar
 * (holidays/calendars.ts `teamCalendars`); a service whose team has none is skipped until it has one.
 */
export async function syncAdvisories(
  trx: Transaction<Database>,
  now: number,
  calendars: Map<string, BusinessCalendar>,
  config: AdvisorySyncConfig,
): Promise<number> {
  const teamOf = new Map(config.services.map((s) => [s.id, s.team]));
  // Only services whose team has a calendar: an incident of a service no longer in the config is left
  // out in the query, so a batch of those never starves the others.
  const known = config.services.filter((s) => calendars.has(s.team)).map((s) => s.id);
  let changed = 0;

  // 1. New T3 incidents without a row.
  const fresh = await trx
    .selectFrom('incidents as i')
    .select(['i.id', 'i.service_id', 'i.title', 'i.created_at'])
    .where('i.tier', '=', 'T3')
    .where('i.service_id', 'in', known.length > 0 ? known : [''])
    .where('i.created_at', '>=', now - SYNC_LOOKBACK_MS)
    .where((w) =>
      w.not(
        w.exists(
          w.selectFrom('advisories as a').select('a.incident_id').whereRef('a.incident_id', '=', 'i.id'),
        ),
      ),
    )
    .orderBy('i.id')
    .limit(BATCH)
    .execute();
  if (fresh.length > 0) {
    const firstAlerts = await trx
      .selectFrom('alerts')
      .select(['incident_id', 'id', 'labels'])
      .where(
        'incident_id',
        'in',
        fresh.map((i) => i.id),
      )
      .orderBy('id')
      .execute();
    const labelsOf = new Map<number, string>();
    for (const a of firstAlerts)
      if (a.incident_id !== null && !labelsOf.has(a.incident_id)) labelsOf.set(a.incident_id, a.labels);
    for (const inc of fresh) {
      const team = teamOf.get(inc.service_id);
      const calendar = team === undefined ? undefined : calendars.get(team);
      if (team === undefined || calendar === undefined) continue;
      const result = await trx
        .insertInto('advisories')
        .values({
          incident_id: inc.id,
          team_id: team,
          service_id: inc.service_id,
          alert_name: alertNameOf(labelsOf.get(inc.id), inc.title),
          state: 'unreviewed',
          opened_at: inc.created_at,
          deadline_at: reviewDeadline(calendar, inc.created_at),
          deadline_notified_at: null,
          decided_at: null,
          decided_by: null,
          note: null,
          reason: null,
          promoted_to: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('incident_id').doNothing())
        .executeTakeFirst();
      changed += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
  }

  // 2. Rows whose incident its alerts raised above T3: klaxon promoted them. Raising a tier stamps the
  // incident's updated_at, so only incidents updated within the look-back are read (index
  // incidents_updated): the pass does not grow with the advisories of past years.
  const risen = await trx
    .selectFrom('incidents as i')
    .innerJoin('advisories as a', 'a.incident_id', 'i.id')
    .select(['a.incident_id', 'a.state', 'i.tier'])
    .where('i.updated_at', '>=', now - SYNC_LOOKBACK_MS)
    .where('a.state', '<>', 'promoted')
    .where('i.tier', 'in', ['T1', 'T2'])
    .orderBy('a.incident_id')
    .limit(BATCH)
    .execute();
  for (const row of risen) {
    const result = await trx
      .updateTable('advisories')
      .set({
        state: 'promoted',
        promoted_to: row.tier,
        decided_at: now,
        decided_by: KLAXON_ACTOR,
        updated_at: now,
      })
      .where('incident_id', '=', row.incident_id)
      .where('state', '=', row.state)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) continue; // Another replica or a person got there first.
    changed += 1;
    await appendTimeline(trx, [
      timelineEvent(
        row.incident_id,
        now,
        'advisory.promoted',
        KLAXON_ACTOR,
        `Advisory promoted to ${row.tier}: its alerts raised the incident's tier.`,
        { from: row.state, tier: row.tier, by: 'alerts' },
      ),
    ]);
  }
  return changed;
}
