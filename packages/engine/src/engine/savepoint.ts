/**
 * Optional work inside someone else's transaction: a savepoint around it, so a failure undoes only that
 * work and the transaction goes on (on PostgreSQL an error would otherwise abort the whole transaction).
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

/**
 * Runs `fn` under a savepoint named `name`; on failure rolls back to it and returns the error.
 *
 * @example
 * const r = await inSavepoint(trx, 'first_pages', () => fireSteps(...));
 * if (!r.ok) leaveItToTheNextTick(r.error);
 */
export async function inSavepoint<T>(
  trx: Transaction<Database>,
  name: string,
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const id = sql.id(name);
  await sql`savepoint ${id}`.execute(trx);
  try {
    const value = await fn();
    await sql`release savepoint ${id}`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to savepoint ${id}`.execute(trx);
    await sql`release savepoint ${id}`.execute(trx);
    return { ok: false, error };
  }
}
