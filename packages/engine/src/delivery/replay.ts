/**
 * Signed inbound requests are good once. A Slack or Twilio signature proves who sent a request, not that
 * it is new: anyone who sees one (a proxy log, a captured request) could send it again. Each accepted
 * request is remembered in `inbound_requests` (the SHA-256 of its signature, unique), every replica sees
 * it, and the same request again is refused until the memory lapses. Rows are pruned as new ones arrive.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

/** Slack accepts a timestamp up to 5 minutes either side of now: 10 minutes (and a second) covers it. */
export const SLACK_REPLAY_MS = 10 * 60_000 + 1000;
/** Twilio signatures carry no time, so its requests are remembered for a day. */
export const TWILIO_REPLAY_MS = 24 * 3_600_000;

/**
 * Records a signed request; false when the same one (same source and signature) was already accepted
 * and has not lapsed. Two replicas racing on one request: the unique id lets exactly one of them in.
 *
 * @example
 * if (!(await firstSighting(store.db, 'slack', signature, now, SLACK_REPLAY_MS))) refuse();
 */
export async function firstSighting(
  db: Kysely<Database>,
  source: 'slack' | 'twilio',
  signature: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  await db.deleteFrom('inbound_requests').where('expires_at', '<=', now).execute();
  const id = `${source}:${createHash('sha256').update(signature).digest('hex')}`;
  const inserted = await db
    .insertInto('inbound_requests')
    .values({ id, received_at: now, expires_at: now + ttlMs })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
