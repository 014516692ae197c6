/**
 * People's decisions on advisories (issue 23): review (with an optional note), dismiss as noise (with a
 * reason), or promote to T2 or T1, which pages at once through that tier's policy
 * (incidents/promote.ts `promoteIncident`). Each id is decided in a transaction of its own, so one bad id
 * never undoes the others; each decision writes its timeline event with the person as the actor.
 *
 * Re-deciding: an unreviewed advisory takes any action; a reviewed or dismissed one can still be
 * promoted (the early sign of a real problem, seen late) but not reviewed or dismissed again; a promoted
 * one is final.
 */
import type { Kysely } from 'kysely';
import type { ServicesView } from '../auth/config.ts';
import { authorizeAction, canSeeService, type Principal } from '../auth/principal.ts';
import type { Database } from '../db/tables.ts';
import { ApiError, type ErrorCode } from '../errors/errors.ts';
import { promoteIncident, type PromoteOptions } from '../incidents/promote.ts';
import { appendTimeline, timelineEvent } from '../timeline/timeline.ts';
import { NOTE_MAX, REASON_MAX, type AdvisoryDto, type PromoteTier, type ReviewAction } from './model.ts';
import { getAdvisory } from './store.ts';

export interface ReviewRequest {
  incidentIds: readonly number[];
  action: ReviewAction;
  note?: string | undefined;
  /** Required to dismiss. */
  reason?: string | undefined;
  /** Required to promote. */
  tier?: PromoteTier | undefined;
}

export type ReviewResult =
  | { incidentId: number; ok: true; advisory: AdvisoryDto }
  | { incidentId: number; ok: false; code: ErrorCode; message: string };

export interface ReviewDeps {
  config: ServicesView;
  promote: PromoteOptions;
  /** Wakes the engine loop (after the commits) when a promotion started paging. */
  poke?: () => void;
}

const STATE_OF: Record<ReviewAction, string> = {
  review: 'reviewed',
  dismiss: 'dismissed',
  promote: 'promoted',
};

/** Checks the request as a whole (the API's schema does too); throws `invalid_payload`. */
function checkRequest(req: ReviewRequest): void {
  const bad = (path: string, message: string) =>
    new ApiError('invalid_payload', message, [{ path, message }]);
  if (req.incidentIds.length === 0 || req.incidentIds.length > 200)
    throw bad('incidentIds', 'Send between 1 and 200 incident ids.');
  if ((req.note?.length ?? 0) > NOTE_MAX) throw bad('note', `Keep the note to ${NOTE_MAX} characters.`);
  if ((req.reason?.length ?? 0) > REASON_MAX)
    throw bad('reason', `Keep the reason to ${REASON_MAX} characters.`);
  if (req.action === 'dismiss' && !req.reason?.trim())
    throw bad('reason', 'Say why these advisories are noise: dismissing needs a reason.');
  if (req.action === 'promote' && req.tier !== 'T1' && req.tier !== 'T2')
    throw bad('tier', 'Say which tier to promote to: T1 or T2.');
}

async function decideOne(
  db: Kysely<Database>,
  principal: Principal,
  req: ReviewRequest,
  id: number,
  now: number,
  deps: ReviewDeps,
): Promise<{ advisory: AdvisoryDto; paged: boolean }> {
  const actor = principal.name;
  return db.transaction().execute(async (trx) => {
    const notFound = new ApiError('not_found', `Incident ${id} does not exist.`);
    const incident = await trx
      .selectFrom('incidents')
      .select(['id', 'service_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    // Another team's incident is answered exactly like a missing one, so ids do not leak.
    if (!incident || !canSeeService(deps.config, principal, incident.service_id)) throw notFound;
    const decision = authorizeAction(deps.config, principal, incident.service_id, 'responder');
    if (!decision.allowed)
      throw decision.reason === 'team' ? notFound : new ApiError('forbidden', decision.message);
    const row = await trx
      .selectFrom('advisories')
      .selectAll()
      .where('incident_id', '=', id)
      .executeTakeFirst();
    if (!row)
      throw new ApiError(
        'not_an_advisory',
        `Incident ${id} is not an advisory: only T3 incidents are reviewed here. Open it in Klaxon instead.`,
      );
    if (row.state === 'promoted' || (row.state !== 'unreviewed' && req.action !== 'promote'))
      throw new ApiError(
        'advisory_decided',
        `Advisory ${id} was already ${row.state}${row.decided_by ? ` by ${row.decided_by}` : ''}; ${
          row.state === 'promoted' ? 'a promoted advisory is final' : 'it can only be promoted now'
        }.`,
      );
    let paged = false;
    let promotedTo: PromoteTier | null = null;
    if (req.action === 'promote') {
      const done = await promoteIncident(trx, id, req.tier!, actor, now, deps.promote);
      paged = done.paged;
      const tier = done.incident.tier;
      promotedTo = tier === 'T1' || tier === 'T2' ? tier : req.tier!;
    }
    const note = req.note?.trim() ? req.note.trim() : null;
    const reason = req.action === 'dismiss' ? req.reason!.trim() : null;
    const updated = await trx
      .updateTable('advisories')
      .set({
        state: STATE_OF[req.action],
        decided_at: now,
        decided_by: actor,
        ...(note !== null || req.action === 'review' ? { note } : {}),
        ...(req.action === 'dismiss' ? { reason } : {}),
        ...(promotedTo ? { promoted_to: promotedTo } : {}),
        updated_at: now,
      })
      .where('incident_id', '=', id)
      .where('state', '=', row.state)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      throw new ApiError('advisory_decided', `Advisory ${id} was just decided by someone else; reload it.`);
    const what =
      req.action === 'review'
        ? `Advisory reviewed by ${actor}${note ? `: ${note}` : ''}`
        : req.action === 'dismiss'
          ? `Advisory dismissed as noise by ${actor}: ${reason}`
          : `Advisory promoted to ${promotedTo} by ${actor}${note ? `: ${note}` : ''}`;
    await appendTimeline(trx, [
      timelineEvent(id, now, `advisory.${STATE_OF[req.action]}`, actor, what, {
        from: row.state,
        ...(note ? { note } : {}),
        ...(reason ? { reason } : {}),
        ...(promotedTo ? { tier: promotedTo, paged } : {}),
      }),
    ]);
    const advisory = await getAdvisory(trx, id);
    return { advisory: advisory!, paged };
  });
}

/**
 * Decides each advisory in `req.incidentIds` (in order) and answers per id: the advisory as it is now,
 * or why it was refused (`not_found`, also for another team's; `forbidden`; `not_an_advisory`;
 * `advisory_decided`). Wakes the engine loop once when a promotion started paging.
 */
export async function reviewAdvisories(
  db: Kysely<Database>,
  principal: Principal,
  req: ReviewRequest,
  now: number,
  deps: ReviewDeps,
): Promise<ReviewResult[]> {
  checkRequest(req);
  const results: ReviewResult[] = [];
  let paged = false;
  for (const id of new Set(req.incidentIds)) {
    try {
      const done = await decideOne(db, principal, req, id, now, deps);
      paged ||= done.paged;
      results.push({ incidentId: id, ok: true, advisory: done.advisory });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      results.push({ incidentId: id, ok: false, code: err.code, message: err.message });
    }
  }
  if (paged) deps.poke?.();
  return results;
}
