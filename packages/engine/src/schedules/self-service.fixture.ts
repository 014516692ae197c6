/**
 * Test support for shift self-service (not shipped): a config with one team schedule, its lead and people
 * who can sign in, an app on a FakeClock, a browser that signs in, and the questions the tests ask (who is
 * on call at an instant, which shift notifications were queued).
 */
import { auth, buildTestApp } from '@klaxon/testing';
import type { Dialect } from '../db/database.ts';
import { hashPassword } from '../auth/password.ts';

export const PASSWORD = 'correct horse battery staple';
export const TOKENS = { admin: 'ss-admin-token-000000000000001', platform: 'ss-platform-bot-token-0000002' };

const all = (phone: string, who: string) =>
  `[{ type: voice, address: '${phone}' }, { type: sms, address: '${phone}' }, { type: push, address: 'ntfy:${who}' }, { type: email, address: ${who}@example.com }, { type: slack, address: 'U-${who}' }]`;

/**
 * Tuesday 2026-03-31 10:00Z. Primary (team platform, lead olga) rotates weekly at Monday 09:00 UTC:
 * alice until 2026-04-06 09:00, then bob, then carol. T1 pages it at high urgency; lee (push and email
 * only, a team member outside the rotation) could not be paged there.
 */
export const selfServiceYaml = (hash: string) => `
server: { publicUrl: 'https://klaxon.example.com', feedSecret: feed-secret-0123456789 }
users:
  - { id: alice, name: Alice, passwordHash: '${hash}', contactMethods: ${all('+15550000001', 'alice')} }
  - { id: bob, name: Bob, passwordHash: '${hash}', contactMethods: ${all('+15550000002', 'bob')} }
  - { id: carol, name: Carol, passwordHash: '${hash}', contactMethods: ${all('+15550000003', 'carol')} }
  - { id: lee, name: Lee, passwordHash: '${hash}', contactMethods: [{ type: push, address: 'ntfy:lee' }, { type: email, address: lee@example.com }] }
  - { id: olga, name: Olga, passwordHash: '${hash}', contactMethods: ${all('+15550000005', 'olga')} }
  - { id: vic, name: Vic, role: viewer, passwordHash: '${hash}' }
  - { id: gina, name: Gina, passwordHash: '${hash}', contactMethods: ${all('+15550000007', 'gina')} }
  - { id: root, name: Root, role: admin, passwordHash: '${hash}', contactMethods: ${all('+15550000009', 'root')} }
teams:
  - { id: platform, name: Platform, members: [alice, bob, carol, lee, vic], lead: olga }
  - { id: games, name: Games, members: [gina] }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T1 }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: t1 }
  T2: { name: Warning, urgency: low, pages: false }
  T3: { name: Advisory, urgency: none, pages: false }
schedules:
  - { id: primary, name: Primary, timezone: UTC, team: platform, layers: [{ name: w, users: [alice, bob, carol], rotation: { type: weekly, start: '2026-03-30' } }] }
  - { id: games-primary, name: Games primary, timezone: UTC, team: games, layers: [{ name: w, users: [gina], rotation: { type: weekly, start: '2026-03-30' } }] }
escalationPolicies:
  - { id: t1, name: T1, steps: [{ targets: [{ schedule: primary }] }, { targets: [{ schedule: games-primary }] }] }
apiTokens:
  - { name: admin, token: ${TOKENS.admin}, role: admin }
  - { name: platform-bot, token: ${TOKENS.platform}, role: responder, teams: [platform] }
`;

let hash: Promise<string> | undefined;

export type SelfServiceApp = Awaited<ReturnType<typeof buildTestApp>>;

export async function selfServiceApp(dialect: Dialect): Promise<SelfServiceApp> {
  hash ??= hashPassword(PASSWORD);
  return buildTestApp(dialect, { start: '2026-03-31T10:00:00Z', configYaml: selfServiceYaml(await hash) });
}

type Method = 'GET' | 'POST' | 'DELETE';
type Response = Awaited<ReturnType<SelfServiceApp['app']['inject']>>;
export type Caller = (method: Method, url: string, payload?: object) => Promise<Response>;

/** Signs `user` in and returns a caller that sends their cookie and CSRF token. */
export async function signIn(t: SelfServiceApp, user: string): Promise<Caller> {
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: user, password: PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in of ${user}: ${login.statusCode} ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === 'klaxon_session')!.value;
  const csrf = login.json<{ csrfToken: string }>().csrfToken;
  return (method, url, payload) =>
    t.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: { cookie: `klaxon_session=${cookie}`, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }) },
    });
}

/** A caller with an API token. */
export const withToken =
  (t: SelfServiceApp, token: string): Caller =>
  (method, url, payload) =>
    t.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });

/** Who `GET /api/v1/oncall` says is on call on `schedule` at `at`. */
export async function onCallAt(t: SelfServiceApp, at: string, schedule = 'primary'): Promise<string | null> {
  const res = await withToken(t, TOKENS.admin)('GET', `/api/v1/oncall?schedule=${schedule}&at=${at}`);
  return res.json<{ oncall: { user: string | null }[] }>().oncall[0]!.user;
}

/** The shift notifications queued so far, by id: who, how, and the message. */
export async function shiftNotices(t: SelfServiceApp) {
  const rows = await t.store.db
    .selectFrom('notifications')
    .selectAll()
    .where('kind', '=', 'shift')
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const d = JSON.parse(r.detail) as { subject: string; text: string; url: string };
    return { user: r.user_id, channel: r.channel, address: r.address, urgency: r.urgency, ...d };
  });
}

export const errorOf = (res: { json(): unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;
