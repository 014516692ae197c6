/**
 * Browser sessions in the database, so every replica knows them. The cookie carries 32 random bytes; the
 * table keeps only their SHA-256, so reading the table (or a backup) does not let anyone sign in. A
 * session ends `ttlMs` after sign-in, whatever the activity, or at sign-out; a password session also ends
 * when the user's password hash in the config changes (its row keeps a short fingerprint of the hash it
 * was opened with, which credentials.ts compares on every request).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.ts';
import type { Database, SessionRow, SessionVia } from '../db/tables.ts';

export interface Session {
  userId: string;
  via: SessionVia;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  /** For password sessions: passwordFingerprint() of the hash the person signed in with. */
  passwordFingerprint: string | null;
}

/** `last_seen_at` is written at most this often per session, so reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * A short fingerprint of a password hash (64 bits of a SHA-256 over it): enough to notice that the hash
 * changed, too little to help anyone guess the password. null when there is no hash.
 */
export function passwordFingerprint(passwordHash: string | undefined): string | null {
  return passwordHash ? sha256(`klaxon-session-password:${passwordHash}`).slice(0, 16) : null;
}

const toSession = (r: SessionRow): Session => ({
  userId: r.user_id,
  via: r.via,
  csrfToken: r.csrf_token,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  lastSeenAt: Number(r.last_seen_at),
  passwordFingerprint: r.password_fingerprint ?? null,
});

/**
 * @example
 * const sessions = new SessionStore(store.db, systemClock, 12 * 3_600_000);
 * const { cookie } = await sessions.create('alice', 'password');
 * const session = await sessions.find(cookie); // undefined once expired
 */
export class SessionStore {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly ttlMs: number;

  constructor(db: Kysely<Database>, clock: Clock, ttlMs: number) {
    this.#db = db;
    this.#clock = clock;
    this.ttlMs = ttlMs;
  }

  /**
   * Starts a session; the returned cookie value is the only copy of the secret. `fingerprint`: for a
   * password sign-in, passwordFingerprint() of the hash it was checked against.
   */
  async create(
    userId: string,
    via: SessionVia,
    fingerprint: string | null = null,
  ): Promise<{ cookie: string; session: Session }> {
    const now = this.#clock.now().getTime();
    const cookie = randomBytes(32).toString('base64url');
    const row = {
      id: sha256(cookie),
      user_id: userId,
      via,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: now,
      expires_at: now + this.ttlMs,
      last_seen_at: now,
      password_fingerprint: fingerprint,
    };
    // Sweeping here keeps the table small without another engine module.
    await this.#db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    await this.#db.insertInto('sessions').values(row).execute();
    return { cookie, session: toSession(row) };
  }

  /** The live session for a cookie value, or undefined when unknown or expired. */
  async find(cookie: string): Promise<Session | undefined> {
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sha256(cookie))
      .executeTakeFirst();
    if (!row) return undefined;
    const session = toSession(row);
    return session.expiresAt > this.#clock.now().getTime() ? session : undefined;
  }

  /** Records activity (at most once a minute per session). */
  async touch(cookie: string, session: Session): Promise<void> {
    const now = this.#clock.now().getTime();
    if (now - session.lastSeenAt < TOUCH_EVERY_MS) return;
    await this.#db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', sha256(cookie))
      .execute();
  }

  /** Ends a session; true when there was one. */
  async delete(cookie: string): Promise<boolean> {
    const res = await this.#db.deleteFrom('sessions').where('id', '=', sha256(cookie)).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
