/**
 * The `signing_keys` and `action_links` tables; this folder is their only writer. The engine's HMAC key
 * is made once (insert-if-absent, then read), so every replica signs and verifies with the same key. A
 * link is claimed with one conditional UPDATE, so two requests racing on one link cannot both act.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ActionLinksTable, Database } from '../db/tables.ts';

export type ActionLinkRow = Selectable<ActionLinksTable>;

/** The `signing_keys` row that holds the links' key. */
const KEY_NAME = 'action-links';

/**
 * The HMAC key for links: `configured` (the config's `actionLinks.secret`) when set, else the engine's
 * own, created by whichever replica asks first.
 */
export async function loadSigningKey(
  db: Kysely<Database>,
  now: number,
  configured: string | undefined,
): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  await db
    .insertInto('signing_keys')
    .values({ name: KEY_NAME, secret: randomBytes(32).toString('base64url'), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('signing_keys')
    .select('secret')
    .where('name', '=', KEY_NAME)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.secret, 'base64url');
}

/** The links already issued for a notification (a retry reuses them). */
export function linksOfNotification(db: Kysely<Database>, notificationId: number): Promise<ActionLinkRow[]> {
  return db.selectFrom('action_links').selectAll().where('notification_id', '=', notificationId).execute();
}

export async function insertLinks(db: Kysely<Database>, rows: ActionLinkRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('action_links').values(rows).execute();
}

export function findLink(db: Kysely<Database>, id: string): Promise<ActionLinkRow | undefined> {
  return db.selectFrom('action_links').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks the link used, if nobody has: true for the one request that wins. */
export async function claimLink(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('action_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives a claimed link back when acting failed for a reason that was not the link's (a database error). */
export async function releaseLink(db: Kysely<Database>, id: string, usedAt: number): Promise<void> {
  await db
    .updateTable('action_links')
    .set({ used_at: null })
    .where('id', '=', id)
    .where('used_at', '=', usedAt)
    .execute();
}

/** What using the link did, in a sentence (shown to whoever opens it again). */
export async function recordResult(db: Kysely<Database>, id: string, result: string): Promise<void> {
  await db
    .updateTable('action_links')
    .set({ result: result.slice(0, 500) })
    .where('id', '=', id)
    .execute();
}

/** Deletes links that expired before `before`; an older link is then answered as unknown. */
export async function pruneLinks(db: Kysely<Database>, before: number): Promise<void> {
  await db.deleteFrom('action_links').where('expires_at', '<', before).execute();
}
