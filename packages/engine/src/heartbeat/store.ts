/**
 * The `heartbeats` table's one writer, and how ingest tells heartbeats from alerts: an alert named like
 * the configured heartbeat (Alertmanager's always-firing Watchdog) records that the pipeline is alive and
 * opens no incident; everything else in the batch is applied as usual, in the same transaction.
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

/** `applyBatch`, with the items named `heartbeatName` recorded as heartbeats instead. */
export async function applyWithHeartbeats(
  trx: Transaction<Database>,
  locker: Locker,
  items: readonly IngestItem[],
  opts: ApplyOptions,
  heartbeatName: string | undefined,
): Promise<ApplyResult[]> {
  const isBeat = (i: IngestItem) => heartbeatName !== undefined && i.alert.labels.alertname === heartbeatName;
  if (heartbeatName === undefined || !items.some(isBeat)) return applyBatch(trx, locker, items, opts);
  if (items.some((i) => isBeat(i) && i.alert.action === 'trigger'))
    await recordHeartbeat(trx, heartbeatName, opts.now);
  const rest = items.filter((i) => !isBeat(i));
  const restResults = rest.length > 0 ? await applyBatch(trx, locker, rest, opts) : [];
  let r = 0;
  return items.map((i) =>
    isBeat(i)
      ? { outcome: 'heartbeat' as const, dedupKey: i.alert.dedupKey, incidentId: null, tier: null }
      : restResults[r++]!,
  );
}
