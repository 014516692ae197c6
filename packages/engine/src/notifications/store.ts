/**
 * The `notifications` table's one writer. Escalation queues pages, ingest queues announcements, on-call
 * queues handoff notices, an acknowledge or resolve cancels what is still queued, and delivery records
 * each outcome, all through these functions, inside the caller's transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, NewNotificationRow, NotificationRow } from '../db/tables.ts';
import type { ChannelTarget } from './targets.ts';

type Db = Kysely<Database> | Transaction<Database>;
const CHUNK = 500;

/**
 * A low-urgency message about no incident, due now: a shift offer, an advisory digest, a review-deadline
 * notice. `detail` is what delivery/compose.ts reads for its words (`{ subject, text, url }`).
 */
export function noticeRow(
  n: { kind: string; userId: string; channel: string; address: string; detail: string },
  now: number,
): NewNotificationRow {
  return {
    incident_id: null,
    kind: n.kind,
    user_id: n.userId,
    channel: n.channel,
    address: n.address,
    urgency: 'low',
    step_index: null,
    due_at: now,
    status: 'queued',
    detail: n.detail,
    created_at: now,
    updated_at: now,
  };
}

/** Queues the announcements of newly opened incidents. */
export async function queueAnnouncements(
  trx: Transaction<Database>,
  items: readonly { incidentId: number; targets: readonly ChannelTarget[] }[],
  now: number,
): Promise<void> {
  const rows = items.flatMap(({ incidentId, targets }) =>
    targets.map((t): NewNotificationRow => ({
      incident_id: incidentId,
      kind: 'channel',
      user_id: '',
      channel: t.channel,
      address: t.address,
      urgency: 'none',
      step_index: null,
      due_at: now,
      status: 'queued',
      created_at: now,
      updated_at: now,
    })),
  );
  await insertAll(trx, rows);
}

/**
 * Queues notifications (pages, handoff notices). Rows due by `claimAt` are written already claimed
 * (`sending`, one attempt) and returned, so the caller can hand them to delivery after its commit.
 */
export async function queueNotifications(
  trx: Transaction<Database>,
  rows: readonly NewNotificationRow[],
  claimAt?: number,
): Promise<NotificationRow[]> {
  const now = claimAt ?? -Infinity;
  const immediate = rows.filter((n) => n.due_at <= now);
  const later = rows.filter((n) => n.due_at > now);
  const claimed: NotificationRow[] = [];
  for (let i = 0; i < immediate.length; i += CHUNK) {
    const chunk = immediate
      .slice(i, i + CHUNK)
      .map((n) => ({ ...n, status: 'sending' as const, attempts: 1 }));
    claimed.push(...(await trx.insertInto('notifications').values(chunk).returningAll().execute()));
  }
  await insertAll(trx, later);
  return claimed;
}

/**
 * An incident was acknowledged or resolved: its queued pages are canceled, and each announcement that
 * can follow the incident (Slack edits, PagerDuty ack/resolve, webhooks) gets an update row.
 */
export async function cancelPagesAndQueueUpdates(
  trx: Transaction<Database>,
  incidentIds: readonly number[],
  now: number,
): Promise<void> {
  if (incidentIds.length === 0) return;
  const ids = [...incidentIds];
  await trx
    .updateTable('notifications')
    .set({ status: 'canceled', updated_at: now, last_error: 'incident acknowledged or resolved' })
    .where('incident_id', 'in', ids)
    .where('kind', '=', 'page')
    .where('status', '=', 'queued')
    .execute();
  const announced = await announcementsOf(trx, ids);
  await insertAll(trx, updateRows(announced, now));
}

/** Announcements that can be followed (a Slack message edited, PagerDuty and webhooks told). */
const FOLLOWED = new Set(['slack', 'pagerduty', 'webhook']);

type Announcement = Pick<NotificationRow, 'id' | 'incident_id' | 'channel' | 'address'>;

/** The incidents' announcements that were not canceled and did not fail. */
async function announcementsOf(trx: Transaction<Database>, ids: readonly number[]): Promise<Announcement[]> {
  const out: Announcement[] = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    out.push(
      ...(await trx
        .selectFrom('notifications')
        .select(['id', 'incident_id', 'channel', 'address'])
        .where('incident_id', 'in', ids.slice(i, i + CHUNK))
        .where('kind', '=', 'channel')
        .where('status', 'not in', ['canceled', 'failed'])
        .execute()),
    );
  return out;
}

function updateRows(announced: readonly Announcement[], now: number): NewNotificationRow[] {
  return announced
    .filter((a) => FOLLOWED.has(a.channel))
    .map((a) => ({
      incident_id: a.incident_id,
      kind: 'update',
      user_id: '',
      channel: a.channel,
      address: a.address,
      urgency: 'none',
      step_index: null,
      due_at: now,
      status: 'queued',
      parent_id: a.id,
      created_at: now,
      updated_at: now,
    }));
}

/**
 * Incidents whose tier rose (their alerts raised it, or a person promoted an advisory): what was
 * announced follows (the Slack message shows the new tier, PagerDuty gets the new severity, webhooks an
 * event), and a target the new tier adds (PagerDuty, once the tier pages) gets its first announcement.
 * `targets` are the service's channel targets at the new tier.
 */
export async function announceTierChanges(
  trx: Transaction<Database>,
  changes: readonly { incidentId: number; targets: readonly ChannelTarget[] }[],
  now: number,
): Promise<void> {
  if (changes.length === 0) return;
  const announced = await announcementsOf(
    trx,
    changes.map((c) => c.incidentId),
  );
  await insertAll(trx, updateRows(announced, now));
  const key = (id: number, channel: string, address: string) => `${id}\u0000${channel}\u0000${address}`;
  const seen = new Set(announced.map((a) => key(a.incident_id!, a.channel, a.address)));
  await queueAnnouncements(
    trx,
    changes.map((c) => ({
      incidentId: c.incidentId,
      targets: c.targets.filter((t) => !seen.has(key(c.incidentId, t.channel, t.address))),
    })),
    now,
  );
}

/** What delivery records about one notification. */
export type NotificationUpdate = Partial<
  Pick<
    NotificationRow,
    | 'status'
    | 'provider'
    | 'provider_id'
    | 'provider_ref'
    | 'sent_at'
    | 'latency_ms'
    | 'last_error'
    | 'due_at'
    | 'updated_at'
  >
>;

/** Records an outcome (sent, queued again with a due time, failed, canceled, delivered). */
export async function updateNotification(db: Db, id: number, set: NotificationUpdate): Promise<void> {
  await db.updateTable('notifications').set(set).where('id', '=', id).execute();
}

async function insertAll(trx: Db, rows: readonly NewNotificationRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await trx
      .insertInto('notifications')
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

/**
 * Retention: deletes up to `limit` finished notifications (sent, delivered, failed, canceled) last
 * changed before `before`, of resolved incidents or of none, oldest first; returns how many.
 */
export async function pruneNotifications(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('notifications')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notifications as n')
        .select('n.id')
        .where('n.updated_at', '<', before)
        .where('n.status', 'in', ['sent', 'delivered', 'failed', 'canceled'])
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom('incidents as i')
                .select('i.id')
                .whereRef('i.id', '=', 'n.incident_id')
                .where('i.state', '<>', 'resolved'),
            ),
          ),
        )
        .orderBy('n.updated_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
