/**
 * Sign-in, sessions, CSRF, roles and team scoping through the real API (app.inject on SQLite): what a
 * browser and an API client see.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { amPayload, auth, buildTestApp, createTestStore, KEYS, testConfig } from '@klaxon/testing';
import { buildApp } from '../app/build.ts';
import { FakeClock } from '../clock/clock.ts';
import { SessionStore } from './sessions.ts';
import { hashPassword } from './password.ts';
import { safeReturnTo } from './routes.ts';

const PASSWORD = 'correct horse battery staple';
const TOKENS = {
  admin: 'auth-admin-token-000000000001',
  platform: 'auth-platform-token-00000002',
  games: 'auth-games-viewer-token-00003',
};

const yaml = (hash: string, extra = '') => `
users:
  - { id: alice, name: Alice, email: Alice@Example.com, passwordHash: '${hash}' }
  - { id: bob, name: Bob, email: bob@example.com, passwordHash: '${hash}' }
  - { id: vic, name: Vic, role: viewer, passwordHash: '${hash}' }
  - { id: root, name: Root, role: admin, passwordHash: '${hash}' }
  - { id: olga, name: Olga, email: olga@example.com }
teams:
  - { id: platform, name: Platform, members: [alice, vic] }
  - { id: games, name: Games, members: [bob], lead: olga }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }
  - { id: game-api, name: Game API, team: games, defaultTier: T1 }
schedules:
  - id: games-primary
    name: Games primary
    timezone: UTC
    team: games
    layers: [{ name: l, users: [bob], rotation: { type: weekly, start: '2026-03-02' } }]
  - id: shared
    name: Shared
    timezone: UTC
    layers: [{ name: l, users: [alice, bob], rotation: { type: weekly, start: '2026-03-02' } }]
integrationKeys:
  - { key: ${KEYS.alertmanager}, name: am, service: kafka, source: alertmanager, routeByLabel: service }
apiTokens:
  - { name: admin, token: ${TOKENS.admin}, role: admin }
  - { name: platform-bot, token: ${TOKENS.platform}, role: responder, teams: [platform] }
  - { name: games-viewer, token: ${TOKENS.games}, role: viewer, teams: [games] }
${extra}`;

let hash: string;
beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

type App = Awaited<ReturnType<typeof buildTestApp>>;
type Method = 'GET' | 'POST' | 'DELETE';

/** A browser: keeps the session cookie and, after sign-in, the CSRF token. */
function browser(t: App) {
  let cookie: string | undefined;
  let csrf: string | undefined;
  const request = async (
    method: Method,
    url: string,
    payload?: object,
    opts: { csrf?: string | null; remoteAddress?: string; headers?: Record<string, string> } = {},
  ) => {
    const sendCsrf = opts.csrf === undefined ? csrf : (opts.csrf ?? undefined);
    const res = await t.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
      headers: {
        ...(cookie ? { cookie: `klaxon_session=${cookie}` } : {}),
        ...(sendCsrf && method !== 'GET' ? { 'x-csrf-token': sendCsrf } : {}),
        ...opts.headers,
      },
    });
    const set = res.cookies.find((c) => c.name === 'klaxon_session');
    if (set) cookie = set.value === '' ? undefined : set.value;
    return res;
  };
  return {
    request,
    get cookie() {
      return cookie;
    },
    async login(username: string, password = PASSWORD) {
      const res = await request('POST', '/api/v1/auth/login', { username, password });
      if (res.statusCode === 200) csrf = res.json<{ csrfToken: string }>().csrfToken;
      return res;
    },
  };
}

async function fire(t: App, service: string, fingerprint: string): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/ingest/alertmanager',
    headers: auth(KEYS.alertmanager),
    payload: amPayload(
      [{ labels: { alertname: `Down-${fingerprint}`, service }, fingerprint }],
      `{}:{fp="${fingerprint}"}`,
    ),
  });
  return res.json<{ results: { incidentId: number }[] }>().results[0]!.incidentId;
}

describe('sign-in and sessions', () => {
  let t: App;
  beforeEach(async () => {
    t = await buildTestApp('sqlite', { configYaml: yaml(hash) });
  });
  afterEach(async () => {
    await t.close();
  });

  it('lists the sign-in providers without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(res.json()).toEqual({ password: true, oidc: null });
  });

  it('signs in with the user id or the email in any case, and sets a hardened cookie', async () => {
    const b = browser(t);
    const res = await b.login('alice@EXAMPLE.com');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: 'alice', name: 'Alice', role: 'responder', teams: ['platform'], via: 'password' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(
      /^klaxon_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    // The table keeps only the SHA-256 of the cookie value.
    const rows = await t.store.db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(b.cookie);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);

    const session = await b.request('GET', '/api/v1/auth/session');
    expect(session.json().user.id).toBe('alice');
    expect(session.json().csrfToken).toBe(res.json().csrfToken);
    expect((await browser(t).login('alice')).statusCode).toBe(200);
  });

  it('answers a wrong password, an unknown user and a user without a password with the same 401', async () => {
    const answers = await Promise.all([
      browser(t).login('alice', 'wrong password'),
      browser(t).login('mallory'),
      browser(t).login('olga'),
      browser(t).login('olga@example.com', ''),
    ]);
    for (const res of answers.slice(0, 3)) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'The username or password is wrong.' },
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(answers[3]?.json().error.code).toBe('invalid_payload');
    expect(await t.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('limits password attempts per client address (auth.loginAttemptsPerMinute)', async () => {
    const b = browser(t);
    const attempt = (remoteAddress: string, username = 'alice') =>
      b.request(
        'POST',
        '/api/v1/auth/login',
        { username, password: 'guess' },
        { remoteAddress, headers: { 'x-forwarded-proto': 'https' } },
      );
    for (let i = 0; i < 10; i++) expect((await attempt('10.0.0.7')).statusCode).toBe(401);
    const limited = await attempt('10.0.0.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({
      code: 'too_many_attempts',
      message: expect.stringContaining('at most 10 a minute'),
    });
    // alice has had 10 failures, the per-user limit (auth.loginAttemptsPerUserPerMinute): ask as bob.
    expect((await attempt('10.0.0.8', 'bob')).statusCode, 'another address is not limited').toBe(401);
  });

  it('does the same scrypt work for an unknown user as for a real one', async () => {
    const time = async (name: string) => {
      const start = performance.now();
      await browser(t).login(name, 'not the password');
      return performance.now() - start;
    };
    await time('alice');
    const known = Math.min(await time('alice'), await time('alice'), await time('alice'));
    const unknown = Math.min(await time('nobody'), await time('nobody'), await time('nobody'));
    // A missing user with no decoy work answers in well under a millisecond; scrypt takes tens.
    expect(unknown).toBeGreaterThan(known * 0.5);
  });

  it('signs out: the session row is gone and the cookie cleared', async () => {
    const b = browser(t);
    await b.login('alice');
    const cookie = b.cookie;
    expect(
      (await b.request('POST', '/api/v1/auth/logout', undefined, { csrf: null })).json().error.code,
    ).toBe('csrf_failed');
    const out = await b.request('POST', '/api/v1/auth/logout');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(
      /^klaxon_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(await t.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    const replay = await t.app.inject({
      method: 'GET',
      url: '/api/v1/incidents',
      headers: { cookie: `klaxon_session=${cookie}` },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('session_expired');
    expect((await b.request('GET', '/api/v1/auth/session')).json().error.code).toBe('missing_credentials');
  });

  it('expires a session after auth.sessionHours', async () => {
    const b = browser(t);
    await b.login('alice');
    t.clock.advance(12 * 3_600_000 - 1000);
    expect((await b.request('GET', '/api/v1/incidents')).statusCode).toBe(200);
    t.clock.advance(1000);
    const expired = await b.request('GET', '/api/v1/incidents');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('session_expired');
    expect((await b.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('needs the CSRF token on cookie-authenticated changes, but not with a Bearer token', async () => {
    const id = await fire(t, 'kafka', 'k1');
    const b = browser(t);
    await b.login('alice');
    const url = `/api/v1/incidents/${id}/acknowledge`;
    for (const csrf of [null, 'x'.repeat(43), 'short']) {
      const res = await b.request('POST', url, undefined, { csrf });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('csrf_failed');
    }
    // Reads need no token.
    expect((await b.request('GET', `/api/v1/incidents/${id}`, undefined, { csrf: null })).statusCode).toBe(
      200,
    );
    const ok = await b.request('POST', url);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice' });
    const bearer = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${id}/resolve`,
      headers: auth(TOKENS.platform),
    });
    expect(bearer.json().incident).toMatchObject({ state: 'resolved', resolvedBy: 'platform-bot' });
  });

  it('lets viewers read but not act', async () => {
    const id = await fire(t, 'kafka', 'k1');
    const b = browser(t);
    await b.login('vic');
    expect((await b.request('GET', `/api/v1/incidents/${id}`)).statusCode).toBe(200);
    const denied = await b.request('POST', `/api/v1/incidents/${id}/acknowledge`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toEqual({
      code: 'forbidden',
      message: 'This needs the responder role; user "vic" has viewer.',
    });
  });

  it('refuses a password sign-in over plain http from another host while cookies are Secure', async () => {
    const b = browser(t);
    const res = await b.request(
      'POST',
      '/api/v1/auth/login',
      { username: 'alice', password: PASSWORD },
      {
        remoteAddress: '10.1.2.3',
      },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('insecure_transport');
    expect(res.json().error.message).toContain('auth.cookieSecure: false');
    const proxied = await b.request(
      'POST',
      '/api/v1/auth/login',
      { username: 'alice', password: PASSWORD },
      {
        remoteAddress: '10.1.2.3',
        headers: { 'x-forwarded-proto': 'https' },
      },
    );
    expect(proxied.statusCode).toBe(200);
  });

  it('returnTo accepts only paths on this site', () => {
    expect(safeReturnTo('/incidents/5?tab=timeline#n')).toBe('/incidents/5?tab=timeline#n');
    for (const bad of ['//evil.com', 'https://evil.com', '/\\evil.com', '\\\\evil.com', 'evil.com', '']) {
      expect(safeReturnTo(bad), bad).toBe('/');
    }
    expect(safeReturnTo('/a\nb')).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });

  it('returnTo never becomes another origin, even after its own normalising (/.//evil.com)', () => {
    for (const bad of [
      '/.//evil.com',
      '/./\\evil.com',
      '/a/..//evil.com',
      '/%2e//evil.com',
      '/a/%2e%2e//evil.com',
    ]) {
      expect(safeReturnTo(bad), bad).toBe('/');
    }
    expect(safeReturnTo('/./incidents/5')).toBe('/incidents/5');
    expect(safeReturnTo('/%2f%2fevil.com')).toBe('/%2f%2fevil.com');
    expect(safeReturnTo(`/${'"'.repeat(2000)}`), 'grows past the limit when encoded').toBe('/');
  });

  it('returnTo is a same-origin path and idempotent for hostile strings (property)', () => {
    const piece = fc.constantFrom(
      '/',
      '//',
      '\\',
      '/\\',
      '\\/',
      '.',
      '..',
      '/./',
      '/../',
      '%2f',
      '%2F',
      '%5c',
      '%5C',
      '%2e',
      '%2E',
      '%2e%2e',
      '%09',
      '%0a',
      '\t',
      '\n',
      '\r',
      ' ',
      '\u0000',
      '\u2028',
      '\uff0f',
      'evil.com',
      'http:',
      'https://evil.com',
      ':',
      '@',
      '?',
      '#',
      '&',
      '"',
      '<',
      '`',
      'a',
      'incidents',
      '5',
    );
    const hostile = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
      fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 50 }).map((s) => `/${s}`),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        const out = safeReturnTo(input);
        expect(out.startsWith('/')).toBe(true);
        expect(out).not.toMatch(/^\/[/\\]/);
        expect(out).toMatch(/^[\x21-\x7e]+$/);
        for (const base of ['https://klaxon.example.com/', 'https://klaxon.example.com/a/b/c?q=1']) {
          expect(new URL(out, base).origin, `${JSON.stringify(input)} → ${out}`).toBe(
            'https://klaxon.example.com',
          );
        }
        expect(safeReturnTo(out), `${JSON.stringify(input)} → ${out}`).toBe(out);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('plain-http cookies', () => {
  it('omits Secure and accepts any host when auth.cookieSecure is false', async () => {
    const t = await buildTestApp('sqlite', {
      configYaml: yaml(hash, 'auth: { cookieSecure: false, sessionHours: 1 }'),
    });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.1.2.3',
        payload: { username: 'bob', password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(
        /^klaxon_session=\S+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
      );
    } finally {
      await t.close();
    }
  });
});

describe('team scoping', () => {
  let t: App;
  let kafka: number;
  let game: number;
  beforeEach(async () => {
    t = await buildTestApp('sqlite', { configYaml: yaml(hash) });
    kafka = await fire(t, 'kafka', 'k1');
    game = await fire(t, 'game-api', 'g1');
  });
  afterEach(async () => {
    await t.close();
  });
  const ids = (res: { json(): unknown }) =>
    (res.json() as { incidents: { id: number }[] }).incidents.map((i) => i.id);

  it("hides another team's incidents from a responder: not in the list, 404 on read and on every action", async () => {
    const b = browser(t);
    await b.login('alice');
    expect(ids(await b.request('GET', '/api/v1/incidents'))).toEqual([kafka]);
    expect(ids(await b.request('GET', '/api/v1/incidents?service=game-api'))).toEqual([]);
    expect(ids(await b.request('GET', '/api/v1/incidents?team=games'))).toEqual([]);
    const missing = (await b.request('GET', '/api/v1/incidents/999')).json();
    const hidden = (await b.request('GET', `/api/v1/incidents/${game}`)).json();
    expect(hidden).toEqual({ error: { code: 'not_found', message: `Incident ${game} does not exist.` } });
    expect(missing.error.code).toBe('not_found');
    for (const action of ['acknowledge', 'resolve', 'escalate']) {
      const res = await b.request('POST', `/api/v1/incidents/${game}/${action}`);
      expect(res.statusCode, action).toBe(404);
    }
    expect((await b.request('POST', `/api/v1/incidents/${game}/notes`, { text: 'hi' })).statusCode).toBe(404);
    const untouched = await t.store.db
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', game)
      .executeTakeFirstOrThrow();
    expect(untouched.state).toBe('triggered');
    expect(
      await t.store.db.selectFrom('incident_events').select('kind').where('incident_id', '=', game).execute(),
    ).not.toContainEqual({ kind: 'note' });
  });

  it('shows an admin everything, and filters by team on request', async () => {
    const b = browser(t);
    const res = await b.login('root');
    expect(res.json().user.teams).toEqual(['platform', 'games']);
    expect(ids(await b.request('GET', '/api/v1/incidents'))).toEqual([game, kafka]);
    expect(ids(await b.request('GET', '/api/v1/incidents?team=games'))).toEqual([game]);
    expect(ids(await b.request('GET', '/api/v1/incidents?team=platform,games'))).toEqual([game, kafka]);
    expect((await b.request('POST', `/api/v1/incidents/${game}/acknowledge`)).statusCode).toBe(200);
  });

  it('counts a team lead as a member', async () => {
    await t.close();
    t = await buildTestApp('sqlite', {
      configYaml: yaml(hash).replace(
        'email: olga@example.com }',
        `email: olga@example.com, passwordHash: '${hash}' }`,
      ),
    });
    kafka = await fire(t, 'kafka', 'k1');
    game = await fire(t, 'game-api', 'g1');
    const b = browser(t);
    expect((await b.login('olga')).json().user.teams).toEqual(['games']);
    expect(ids(await b.request('GET', '/api/v1/incidents'))).toEqual([game]);
  });

  it('scopes API tokens with teams, and leaves tokens without teams unscoped', async () => {
    const as = (token: string, method: Method, url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });
    expect(ids(await as(TOKENS.platform, 'GET', '/api/v1/incidents'))).toEqual([kafka]);
    expect(ids(await as(TOKENS.games, 'GET', '/api/v1/incidents'))).toEqual([game]);
    expect(ids(await as(TOKENS.admin, 'GET', '/api/v1/incidents'))).toEqual([game, kafka]);
    expect((await as(TOKENS.platform, 'POST', `/api/v1/incidents/${game}/acknowledge`)).statusCode).toBe(404);
    expect((await as(TOKENS.games, 'GET', `/api/v1/incidents/${kafka}`)).statusCode).toBe(404);
    expect((await as(TOKENS.games, 'GET', `/api/v1/incidents/${game}`)).statusCode).toBe(200);
  });

  it('scopes deployments and maintenance windows by service', async () => {
    const as = (token: string, method: Method, url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });
    for (const service of ['kafka', 'game-api'])
      expect(
        (
          await as(TOKENS.admin, 'POST', '/api/v1/deployments', {
            service,
            version: 'v1',
            environment: 'prod',
          })
        ).statusCode,
      ).toBe(201);
    const services = (res: { json(): unknown }) =>
      (res.json() as { deployments: { service: string }[] }).deployments.map((d) => d.service);
    expect(services(await as(TOKENS.platform, 'GET', '/api/v1/deployments'))).toEqual(['kafka']);
    expect(services(await as(TOKENS.platform, 'GET', '/api/v1/deployments?service=game-api'))).toEqual([]);
    expect(services(await as(TOKENS.admin, 'GET', '/api/v1/deployments')).sort()).toEqual([
      'game-api',
      'kafka',
    ]);
    const foreign = await as(TOKENS.platform, 'POST', '/api/v1/deployments', {
      service: 'game-api',
      version: 'v2',
      environment: 'prod',
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.message).toContain('No service "game-api" among the services you may act on');
    const own = { service: 'kafka', version: 'v2', environment: 'prod' };
    expect((await as(TOKENS.platform, 'POST', '/api/v1/deployments', own)).statusCode).toBe(201);

    const to = '2026-03-28T04:00:00Z';
    const refused = await as(TOKENS.platform, 'POST', '/api/v1/maintenance', { service: 'game-api', to });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('No service "game-api"');
    const mine = await as(TOKENS.platform, 'POST', '/api/v1/maintenance', { service: 'kafka', to });
    expect(mine.statusCode).toBe(201);
    const theirs = await as(TOKENS.admin, 'POST', '/api/v1/maintenance', { service: 'game-api', to });
    const windows = (res: { json(): unknown }) =>
      (res.json() as { windows: { service: string }[] }).windows.map((w) => w.service);
    expect(windows(await as(TOKENS.platform, 'GET', '/api/v1/maintenance'))).toEqual(['kafka']);
    expect(windows(await as(TOKENS.admin, 'GET', '/api/v1/maintenance'))).toEqual(['kafka', 'game-api']);
    const theirId = theirs.json<{ window: { id: number } }>().window.id;
    expect((await as(TOKENS.platform, 'DELETE', `/api/v1/maintenance/${theirId}`)).statusCode).toBe(404);
    expect(windows(await as(TOKENS.admin, 'GET', '/api/v1/maintenance'))).toEqual(['kafka', 'game-api']);
    expect((await as(TOKENS.admin, 'DELETE', `/api/v1/maintenance/${theirId}`)).statusCode).toBe(204);
  });

  it("lets only a schedule's team (or admins) change its overrides", async () => {
    const body = { user: 'bob', from: '2026-03-28T03:00:00Z', to: '2026-03-28T05:00:00Z' };
    const alice = browser(t);
    await alice.login('alice');
    // Another team's schedule is not even visible; one without a team takes changes from admins only.
    const refused = await alice.request('POST', '/api/v1/schedules/games-primary/overrides', body);
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error).toEqual({
      code: 'not_found',
      message: 'No schedule "games-primary". Known: shared.',
    });
    const shared = await alice.request('POST', '/api/v1/schedules/shared/overrides', body);
    expect(shared.statusCode).toBe(403);
    expect(shared.json().error.message).toContain('has no team, so only an admin may change its overrides');
    const bob = browser(t);
    await bob.login('bob');
    const created = await bob.request('POST', '/api/v1/schedules/games-primary/overrides', body);
    expect(created.statusCode).toBe(201);
    const overrideId = created.json<{ override: { id: number } }>().override.id;
    const url = `/api/v1/schedules/games-primary/overrides/${overrideId}`;
    expect((await alice.request('DELETE', url)).statusCode).toBe(404);
    const root = browser(t);
    await root.login('root');
    expect((await root.request('DELETE', url)).statusCode).toBe(204);
    expect((await root.request('POST', '/api/v1/schedules/shared/overrides', body)).statusCode).toBe(201);
  });
});

describe('sessions after a password change', () => {
  it('ends password sessions when the user’s passwordHash changes, and leaves others alone', async () => {
    const store = await createTestStore('sqlite');
    const clock = new FakeClock('2026-03-28T02:00:00Z');
    const newHash = await hashPassword('a brand new password, 2026');
    const appWith = (text: string) =>
      buildApp({ config: testConfig('', text), store, clock, processMetrics: false });
    const before = await appWith(yaml(hash));
    // Alice's password changes in the config; the app is rebuilt over the same database.
    const changed = yaml(hash).replace(
      `email: Alice@Example.com, passwordHash: '${hash}'`,
      `email: Alice@Example.com, passwordHash: '${newHash}'`,
    );
    expect(changed).not.toBe(yaml(hash));
    const after = await appWith(changed);
    try {
      const alice = browser({ app: before.app } as App);
      expect((await alice.login('alice')).statusCode).toBe(200);
      const bob = browser({ app: before.app } as App);
      expect((await bob.login('bob')).statusCode).toBe(200);
      // An OIDC session has no password to follow.
      const oidc = await new SessionStore(store.db, clock, 3_600_000).create('olga', 'oidc');
      const get = (app: typeof before, cookie: string, url = '/api/v1/incidents') =>
        app.app.inject({ method: 'GET', url, headers: { cookie: `klaxon_session=${cookie}` } });
      expect((await get(before, alice.cookie!)).statusCode).toBe(200);
      expect((await get(after, bob.cookie!)).statusCode, 'bob’s password did not change').toBe(200);
      expect((await get(after, oidc.cookie)).statusCode, 'OIDC sessions are unaffected').toBe(200);

      const expired = await get(after, alice.cookie!);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.code).toBe('session_expired');
      const session = await get(after, alice.cookie!, '/api/v1/auth/session');
      expect(session.statusCode).toBe(401);
      expect(session.json().error.code).toBe('session_expired');
      // Signing in with the new password works.
      const again = browser({ app: after.app } as App);
      expect((await again.login('alice', 'a brand new password, 2026')).statusCode).toBe(200);
      expect((await get(after, again.cookie!)).statusCode).toBe(200);
    } finally {
      await before.app.close();
      await after.app.close();
      await store.close();
    }
  });
});
