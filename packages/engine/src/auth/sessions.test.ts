/** The session store and password hashes, on SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, DIALECTS, skipPostgres } from '@klaxon/testing';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { hashPassword, parsePasswordHash, verifyPassword } from './password.ts';
import { passwordFingerprint, sha256, SessionStore } from './sessions.ts';

const HOUR = 3_600_000;

describe.each(DIALECTS)('session store on %s', (dialect) => {
  let store: KlaxonDatabase;
  let clock: FakeClock;
  let sessions: SessionStore;

  beforeEach(async (ctx) => {
    if (skipPostgres(dialect)) ctx.skip();
    store = await createTestStore(dialect);
    clock = new FakeClock('2026-03-28T02:00:00Z');
    sessions = new SessionStore(store.db, clock, 12 * HOUR);
  });
  afterEach(async () => {
    await store?.close();
  });

  it('creates, finds, touches and deletes a session, keeping only the hash of its id', async () => {
    const { cookie, session } = await sessions.create('alice', 'oidc');
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await store.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
    expect(row).toEqual({
      id: sha256(cookie),
      user_id: 'alice',
      via: 'oidc',
      csrf_token: session.csrfToken,
      created_at: Date.parse('2026-03-28T02:00:00Z'),
      expires_at: Date.parse('2026-03-28T14:00:00Z'),
      last_seen_at: Date.parse('2026-03-28T02:00:00Z'),
      password_fingerprint: null,
    });
    expect(await sessions.find(cookie)).toEqual(session);
    expect(await sessions.find(`${cookie}x`)).toBeUndefined();

    clock.advance(5 * 60_000);
    await sessions.touch(cookie, session);
    expect((await sessions.find(cookie))?.lastSeenAt).toBe(Date.parse('2026-03-28T02:05:00Z'));

    expect(await sessions.delete(cookie)).toBe(true);
    expect(await sessions.delete(cookie)).toBe(false);
    expect(await sessions.find(cookie)).toBeUndefined();
  });

  it('keeps a short fingerprint of the password hash a password session was opened with', async () => {
    const stored = `scrypt$1024$8$1$${'A'.repeat(22)}==$${'B'.repeat(43)}=`;
    const fingerprint = passwordFingerprint(stored);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(passwordFingerprint(`${stored.slice(0, -2)}C=`)).not.toBe(fingerprint);
    expect(passwordFingerprint(undefined)).toBeNull();
    const { cookie } = await sessions.create('alice', 'password', fingerprint);
    expect((await sessions.find(cookie))?.passwordFingerprint).toBe(fingerprint);
    const row = await store.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
    expect(row.password_fingerprint).toBe(fingerprint);
    expect(JSON.stringify(row)).not.toContain(stored);
  });

  it('expires sessions at sessionHours and sweeps them at the next sign-in', async () => {
    const { cookie } = await sessions.create('alice', 'password');
    clock.advance(12 * HOUR - 1);
    expect(await sessions.find(cookie)).toBeDefined();
    clock.advance(1);
    expect(await sessions.find(cookie)).toBeUndefined();
    await sessions.create('bob', 'password');
    const rows = await store.db.selectFrom('sessions').select('user_id').execute();
    expect(rows).toEqual([{ user_id: 'bob' }]);
  });
});

describe('password hashes', () => {
  it('verifies the right password only, in the documented format', async () => {
    const stored = await hashPassword('pässword 1', { N: 1024, r: 8, p: 1 });
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('pässword 1', stored)).toBe(true);
    // NFC and NFD spellings of the same text are the same password.
    expect(await verifyPassword('pa\u0308ssword 1', stored)).toBe(true);
    expect(await verifyPassword('pässword 2', stored)).toBe(false);
    expect(await verifyPassword('pässword 1', undefined)).toBe(false);
    expect(await hashPassword('pässword 1', { N: 1024, r: 8, p: 1 })).not.toBe(stored);
  });

  it('says what is wrong with a malformed hash', () => {
    expect(parsePasswordHash('hunter2')).toContain('klaxon hash-password');
    expect(parsePasswordHash('scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==')).toContain(
      'power of two',
    );
    expect(parsePasswordHash('scrypt$1024$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==')).toContain('at least 16 bytes');
  });
});
