/**
 * Maintenance windows: the only writer of `maintenance_windows` (start, end) and the answer to "which
 * services are in maintenance now", from the config's planned windows and the API's rows.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, MaintenanceWindowsTable } from '../db/tables.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type MaintenanceWindowRow = Selectable<MaintenanceWindowsTable>;

/** The config's planned windows (`maintenance` in the config file). */
export interface PlannedMaintenance {
  readonly maintenance: readonly { service: string; from: string; to: string }[];
}

export interface NewMaintenanceWindow {
  serviceId: string;
  from: number;
  to: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

export async function startMaintenance(db: Db, w: NewMaintenanceWindow): Promise<MaintenanceWindowRow> {
  return db
    .insertInto('maintenance_windows')
    .values({
      service_id: w.serviceId,
      starts_at: w.from,
      ends_at: w.to,
      reason: w.reason,
      created_by: w.createdBy,
      created_at: w.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Ends window `id` at `now`; false when it does not exist or has already ended. */
export async function endMaintenance(db: Db, id: number, now: number): Promise<boolean> {
  const res = await db
    .updateTable('maintenance_windows')
    .set({ ends_at: now })
    .where('id', '=', id)
    .where('ends_at', '>', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The service of window `id` (open or not), or undefined when there is no such window. */
export async function maintenanceWindowService(db: Db, id: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('maintenance_windows')
    .select('service_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.service_id;
}

/** The API's windows that have not ended at `now` (current and future), by start. */
export async function openMaintenanceWindows(db: Db, now: number): Promise<MaintenanceWindowRow[]> {
  return db
    .selectFrom('maintenance_windows')
    .selectAll()
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .execute();
}

/** Services in a maintenance window at `now` (config windows and API windows). */
export async function servicesInMaintenance(
  db: Db,
  config: PlannedMaintenance,
  now: number,
): Promise<Set<string>> {
  const out = new Set(
    config.maintenance
      .filter((m) => Date.parse(m.from) <= now && now < Date.parse(m.to))
      .map((m) => m.service),
  );
  const rows = await db
    .selectFrom('maintenance_windows')
    .select('service_id')
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .execute();
  for (const r of rows) out.add(r.service_id);
  return out;
}
