/**
 * The `heartbeats` table's one writer, and how ingest tells heartbeats from alerts: an alert named like
 * the configured heartbeat (Alertmanager's always-firing Watchdog) from one of the integration keys that
 * feed it records that the pipeline is alive and opens no incident; the same alert from any other key is
 * ignored (it must neither keep the heartbeat alive nor open an always-firing incident of its own);
 * everything else in the batch is applied as usual, in the same transaction.
 */
import type { Transaction } from 'kysely';
import type { IngestItem } from '../alerts/alert.ts';
import type { Database } from '../db/tables.ts';
import type { Locker } from '../db/locker.ts';
import { applyBatch, type ApplyOptions, type ApplyResult } from '../incidents/apply.ts';

export async function recordHeartbeat(trx: Transaction<Database>, name: string, now: number): Promise<void> {
  await trx
    .insertInto('heartbeats')
    .values({ name, last_seen_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_seen_at: now }))
    .execute();
}

/** Which alerts are the heartbeat: the alert name, and the integration keys that may send it. */
export interface HeartbeatMatch {
  alertname: string;
  integrations: ReadonlySet<string>;
}

/**
 * `applyBatch`, with the items named `heartbeat.alertname` recorded as heartbeats when their integration
 * feeds the heartbeat, and ignored when it does not.
 */
export async function applyWithHeartbeats(
  trx: Transaction<Database>,
  locker: Locker,
  items: readonly IngestItem[],
  opts: ApplyOptions,
  heartbeat: HeartbeatMatch | undefined,
): Promise<ApplyResult[]> {
  const named = (i: IngestItem) =>
    heartbeat !== undefined &&
    Object.hasOwn(i.alert.labels, 'alertname') &&
    i.alert.labels.alertname === heartbeat.alertname;
  if (heartbeat === undefined || !items.some(named)) return applyBatch(trx, locker, items, opts);
  const isBeat = (i: IngestItem) => heartbeat.integrations.has(i.integration);
  if (items.some((i) => named(i) && isBeat(i) && i.alert.action === 'trigger'))
    await recordHeartbeat(trx, heartbeat.alertname, opts.now);
  const rest = items.filter((i) => !named(i));
  const restResults = rest.length > 0 ? await applyBatch(trx, locker, rest, opts) : [];
  let r = 0;
  return items.map((i) =>
    named(i)
      ? {
          outcome: isBeat(i) ? ('heartbeat' as const) : ('ignored' as const),
          dedupKey: i.alert.dedupKey,
          incidentId: null,
          tier: null,
        }
      : restResults[r++]!,
  );
}
