/**
 * The browsers people enabled for push notifications: one `push_devices` row per Web Push subscription,
 * registered by its signed-in owner from the web app. This folder is the only writer of the table. A
 * device is addressed as `webpush:device:<id>` in notification rows, so a page names the device, never its
 * subscription keys.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Clock } from '../clock/clock.ts';
import type { Database, PushDevicesTable } from '../db/tables.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type DeviceRow = Selectable<PushDevicesTable>;

export const DEVICE_ADDRESS_PREFIX = 'webpush:device:';

/** The push contact method address meaning "only the browsers this person enabled in the web app". */
export const PUSH_DEVICES_ONLY = 'devices';

/** At most this many devices per person: the oldest goes when a new one comes. */
export const MAX_DEVICES_PER_USER = 10;

export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** The address of device `id` in a notification row. */
export const deviceAddress = (id: number) => `${DEVICE_ADDRESS_PREFIX}${id}`;

/** The device id an address names, or null when it names none. */
export function deviceIdOf(address: string): number | null {
  if (!address.startsWith(DEVICE_ADDRESS_PREFIX)) return null;
  const rest = address.slice(DEVICE_ADDRESS_PREFIX.length);
  return /^[1-9]\d{0,15}$/.test(rest) ? Number(rest) : null;
}

/**
 * Stores `subscription` for `userId`. The same endpoint registered again (the browser renewed its keys,
 * or another person signed in on that browser) moves to this person with the new keys: a browser has one
 * subscription, so it belongs to whoever enabled it last. Beyond MAX_DEVICES_PER_USER the person's least
 * recently registered device is removed.
 */
export async function registerDevice(
  db: Kysely<Database>,
  d: { userId: string; name: string; subscription: PushSubscriptionKeys; now: number },
): Promise<DeviceRow> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('push_devices').where('endpoint', '=', d.subscription.endpoint).execute();
    const row = await trx
      .insertInto('push_devices')
      .values({
        user_id: d.userId,
        name: d.name,
        endpoint: d.subscription.endpoint,
        p256dh: d.subscription.keys.p256dh,
        auth: d.subscription.keys.auth,
        created_at: d.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const mine = await trx
      .selectFrom('push_devices')
      .select('id')
      .where('user_id', '=', d.userId)
      .orderBy('id', 'desc')
      .execute();
    const extra = mine.slice(MAX_DEVICES_PER_USER).map((r) => r.id);
    if (extra.length > 0) await trx.deleteFrom('push_devices').where('id', 'in', extra).execute();
    return row;
  });
}

/** A person's devices, newest first. */
export async function listDevices(db: Db, userId: string): Promise<DeviceRow[]> {
  return db
    .selectFrom('push_devices')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();
}

/** Device `id` when it belongs to `userId`. */
export async function findDevice(db: Db, userId: string, id: number): Promise<DeviceRow | undefined> {
  return db
    .selectFrom('push_devices')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Removes device `id` of `userId`; false when they have no such device. */
export async function removeDevice(db: Db, userId: string, id: number): Promise<boolean> {
  const r = await db
    .deleteFrom('push_devices')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The subscription behind a device address, or undefined when the device is gone. */
export async function deviceSubscription(db: Db, id: number): Promise<PushSubscriptionKeys | undefined> {
  const row = await db
    .selectFrom('push_devices')
    .select(['endpoint', 'p256dh', 'auth'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } } : undefined;
}

/** Records a send to device `id`: when, and the error (null on success). */
export async function markDeviceUsed(db: Db, id: number, at: number, error: string | null): Promise<void> {
  await db
    .updateTable('push_devices')
    .set(error === null ? { last_used_at: at, last_error: null } : { last_error: error.slice(0, 300) })
    .where('id', '=', id)
    .execute();
}

/** Forgets device `id`: its push service said the subscription is gone for good (404/410). */
export async function forgetDevice(db: Db, id: number): Promise<void> {
  await db.deleteFrom('push_devices').where('id', '=', id).execute();
}

/** The device addresses (`webpush:device:<id>`) of each of `userIds` (all people when absent) that has any. */
export async function pushAddresses(db: Db, userIds?: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const ids = userIds ? [...new Set(userIds)] : null;
  if (ids?.length === 0) return out;
  let q = db.selectFrom('push_devices').select(['id', 'user_id']).orderBy('id');
  if (ids) q = q.where('user_id', 'in', ids);
  for (const r of await q.execute()) {
    const list = out.get(r.user_id) ?? [];
    list.push(deviceAddress(r.id));
    out.set(r.user_id, list);
  }
  return out;
}

/** How web push reads and maintains the registered browsers. */
export interface DeviceDirectory {
  subscription(id: number): Promise<PushSubscriptionKeys | undefined>;
  /** Records a send: null error on success. */
  used(id: number, error: string | null): Promise<void>;
  /** The push service says the subscription is gone for good. */
  gone(id: number): Promise<void>;
}

/** The device directory over `db`. */
export function deviceDirectory(db: Kysely<Database>, clock: Clock): DeviceDirectory {
  return {
    subscription: (id) => deviceSubscription(db, id),
    used: (id, error) => markDeviceUsed(db, id, clock.now().getTime(), error),
    gone: (id) => forgetDevice(db, id),
  };
}
