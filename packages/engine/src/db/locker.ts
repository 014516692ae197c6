/**
 * Locks that let several engine replicas share one database. On PostgreSQL they are transaction-scoped
 * advisory locks; on SQLite, which serves one process, they do nothing.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './tables.ts';
import type { Dialect } from './database.ts';

export interface Locker {
  /**
   * Runs `fn` in a transaction holding the lock `name`, or returns `{ ran: false }` at once when another
   * replica holds it. The lock is released when the transaction ends.
   */
  tryWithLock<T>(
    db: Kysely<Database>,
    name: string,
    fn: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }>;
  /** Inside a transaction, waits until it holds every key; they are released at commit or rollback. */
  lockKeys(trx: Transaction<Database>, keys: readonly string[]): Promise<void>;
  /** Whether `SELECT … FOR UPDATE` is available. */
  readonly rowLocks: boolean;
}

const postgresLocker: Locker = {
  rowLocks: true,
  async tryWithLock(db, name, fn) {
    return db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(hashtextextended(${name}, 0)) as ok`.execute(trx);
      if (!rows[0]?.ok) return { ran: false as const };
      return { ran: true as const, value: await fn(trx) };
    });
  },
  async lockKeys(trx, keys) {
    if (keys.length === 0) return;
    const unique = [...new Set(keys)];
    // Sorted acquisition keeps two writers from deadlocking on each other's keys.
    await sql`select pg_advisory_xact_lock(k) from (select hashtextextended(x, 0) as k from unnest(${unique}::text[]) as x order by 1) as s`.execute(
      trx,
    );
  },
};

const sqliteLocker: Locker = {
  rowLocks: false,
  async tryWithLock(db, _name, fn) {
    return db.transaction().execute(async (trx) => ({ ran: true as const, value: await fn(trx) }));
  },
  async lockKeys() {},
};

export function createLocker(dialect: Dialect): Locker {
  return dialect === 'postgres' ? postgresLocker : sqliteLocker;
}
