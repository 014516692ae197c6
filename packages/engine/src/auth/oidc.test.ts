/**
 * OIDC sign-in against a real OpenID provider (oidc-provider on 127.0.0.1, its dev login and consent
 * pages): the browser's redirects are followed by hand, with a cookie jar for the provider.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '@klaxon/testing';

const SECRET = 'oidc-test-client-secret-0123456789';
const KLAXON = 'http://klaxon.test';
/** Login name at the provider → the email claim it sends. */
const EMAILS: Record<string, string> = {
  alice: 'ALICE@Example.com',
  stranger: 'stranger@example.com',
};
/** Logins whose claims leave out email_verified (some providers never send it). */
const NO_EMAIL_VERIFIED = new Set(['uma']);

let server: Server;
let issuer: string;

beforeAll(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'klaxon',
        client_secret: SECRET,
        redirect_uris: [`${KLAXON}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        email: EMAILS[sub] ?? `${sub}@example.com`,
        ...(NO_EMAIL_VERIFIED.has(sub) ? {} : { email_verified: true }),
        name: sub,
      }),
    }),
  });
  handler = provider.callback();
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const config = (extra = '') => `
server: { publicUrl: '${KLAXON}' }
users:
  - { id: alice, name: Alice, email: alice@example.com }
  - { id: bob, name: Bob, email: bob@example.com, role: admin }
  - { id: uma, name: Uma, email: uma@example.com, role: admin }
teams:
  - { id: platform, name: Platform, members: [alice] }
services:
  - { id: kafka, name: Kafka, team: platform }
auth:
  oidc: { name: Example SSO, issuer: '${issuer}', clientId: klaxon, clientSecret: '${SECRET}', allowInsecureHttp: true${extra} }
`;

/** A cookie jar for the provider's origin (its cookies are path-scoped; sending all of them is harmless). */
class Jar {
  readonly #cookies = new Map<string, string>();
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || pair.slice(eq + 1) === '';
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1));
    }
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Follows the browser's redirects at the provider from `start`, signing in as `login`; returns the callback URL. */
async function signInAtProvider(start: URL, login: string): Promise<string> {
  let next = start;
  const jar = new Jar();
  for (let hop = 0; hop < 20; hop++) {
    if (next.href.startsWith(`${KLAXON}/`)) return next.href;
    let res = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    if (res.status === 200) {
      // A dev interaction page: answer the login form, then the consent form.
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      const form = new URLSearchParams(
        prompt === 'login' ? { prompt, login, password: 'anything' } : { prompt: prompt ?? '' },
      );
      res = await fetch(next, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      jar.store(res);
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider answered ${res.status} at ${next.href}: ${await res.text()}`);
    next = new URL(location, next);
  }
  throw new Error('too many redirects');
}

describe('OIDC sign-in', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeEach(async () => {
    t = await buildTestApp('sqlite', { configYaml: config() });
  });
  afterEach(async () => {
    await t.close();
  });

  /** The state cookie Klaxon set in this browser when it last started a sign-in. */
  let stateCookie: string | undefined;

  /** Starts a sign-in at Klaxon: the redirect to the provider, and the browser's state cookie. */
  async function startSignIn(returnTo: string) {
    const start = await t.app.inject({
      method: 'GET',
      url: `/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    });
    expect(start.statusCode).toBe(302);
    return { start, cookie: start.cookies.find((c) => c.name === 'klaxon_oidc_state') };
  }

  /** Starts at Klaxon, signs in at the provider as `login`, and returns the callback URL it sends back. */
  async function throughProvider(login: string, returnTo: string): Promise<string> {
    const { start, cookie } = await startSignIn(returnTo);
    stateCookie = cookie?.value;
    const next = new URL(String(start.headers.location));
    expect(next.origin).toBe(issuer);
    expect(next.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['code_challenge', 'state', 'nonce']) expect(next.searchParams.get(p)).toBeTruthy();
    expect(next.searchParams.get('redirect_uri')).toBe(`${KLAXON}/auth/oidc/callback`);
    return signInAtProvider(next, login);
  }

  /** The browser returning from the provider, with its state cookie (null: a browser without one). */
  const callback = (url: string, cookie: string | null = stateCookie ?? null) =>
    t.app.inject({
      method: 'GET',
      url: new URL(url).pathname + new URL(url).search,
      headers: cookie === null ? {} : { cookie: `klaxon_oidc_state=${cookie}` },
    });

  it('signs in the user whose email matches (any case) and returns to the page asked for', async () => {
    const url = await throughProvider('alice', '/incidents/5?tab=timeline');
    const res = await callback(url);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/incidents/5?tab=timeline');
    const cookie = res.cookies.find((c) => c.name === 'klaxon_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: `klaxon_session=${cookie!.value}` },
    });
    expect(session.json().user).toEqual({
      id: 'alice',
      name: 'Alice',
      role: 'responder',
      teams: ['platform'],
      via: 'oidc',
    });
    // The state is good for one callback only.
    const replay = await callback(url);
    expect(replay.headers.location).toBe('/login?error=oidc_failed');
    expect(await t.store.db.selectFrom('oidc_logins').selectAll().execute()).toEqual([]);
  });

  it('sends an email that matches no user to /login?error=unknown_user', async () => {
    const res = await callback(await throughProvider('stranger', '/'));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?error=unknown_user');
    // No session; only the finished sign-in's state cookie is cleared.
    expect(res.cookies.map((c) => [c.name, c.value])).toEqual([['klaxon_oidc_state', '']]);
  });

  it('never redirects off the site after sign-in', async () => {
    for (const returnTo of ['//evil.com', 'https://evil.com/x', '/\\evil.com']) {
      const res = await callback(await throughProvider('alice', returnTo));
      expect(res.headers.location, returnTo).toBe('/');
    }
  });

  it('refuses a forged or expired state, and a provider error', async () => {
    const url = new URL(await throughProvider('alice', '/'));
    const forged = new URL(url);
    forged.searchParams.set('state', 'forged-state');
    expect((await callback(forged.href)).headers.location).toBe('/login?error=oidc_failed');
    t.clock.advance(10 * 60_000);
    expect((await callback(url.href)).headers.location).toBe('/login?error=oidc_failed');
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/oidc/callback?error=access_denied' })).headers
        .location,
    ).toBe('/login?error=oidc_failed');
    expect(await t.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('refuses an email the provider does not say it verified (no email_verified claim), even for an admin', async () => {
    const res = await callback(await throughProvider('uma', '/'));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?error=email_unverified');
    expect(res.cookies.find((c) => c.name === 'klaxon_session')).toBeUndefined();
    expect(await t.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    // email_verified: true signs in.
    const alice = await callback(await throughProvider('alice', '/'));
    expect(alice.headers.location).toBe('/');
    expect(alice.cookies.find((c) => c.name === 'klaxon_session')).toBeDefined();
  });

  it('binds the state to the browser that started the sign-in (login CSRF)', async () => {
    const url = await throughProvider('alice', '/incidents/7');
    const { start, cookie } = await startSignIn('/');
    expect(start.cookies.find((c) => c.name === 'klaxon_oidc_state')).toBeDefined();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/auth/oidc' });
    expect(cookie!.maxAge).toBeGreaterThan(0);
    expect(cookie!.maxAge).toBeLessThanOrEqual(600);
    expect(cookie!.value).toBe(new URL(String(start.headers.location)).searchParams.get('state'));

    // A victim's browser sent to the attacker's callback URL: no cookie, or the cookie of its own sign-in.
    for (const other of [null, cookie!.value, '', 'x'.repeat(43)]) {
      const res = await callback(url, other);
      expect(res.headers.location, String(other)).toBe('/login?error=oidc_failed');
      expect(res.cookies.find((c) => c.name === 'klaxon_session')).toBeUndefined();
    }
    expect(await t.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);

    // The browser that started it signs in, and its state cookie is cleared.
    const ok = await callback(url);
    expect(ok.headers.location).toBe('/incidents/7');
    expect(ok.cookies.find((c) => c.name === 'klaxon_session')).toBeDefined();
    expect(ok.cookies.find((c) => c.name === 'klaxon_oidc_state')).toMatchObject({
      value: '',
      path: '/auth/oidc',
    });
  });

  it('names the provider for the sign-in page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(res.json()).toEqual({ password: false, oidc: { name: 'Example SSO' } });
  });
});

describe('OIDC misconfiguration', () => {
  it('sends people to /login?error=oidc_failed when the provider cannot be reached', async () => {
    const t = await buildTestApp('sqlite', {
      configYaml: config().replace(issuer, 'http://127.0.0.1:9'),
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/auth/oidc/login' });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/login?error=oidc_failed');
    } finally {
      await t.close();
    }
  });

  it('answers 404 when OIDC is not set up', async () => {
    const t = await buildTestApp('sqlite');
    try {
      const res = await t.app.inject({ method: 'GET', url: '/auth/oidc/login' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toContain('add auth.oidc');
    } finally {
      await t.close();
    }
  });
});

describe('OIDC with auth.oidc.trustEmail', () => {
  it('signs in an email without email_verified when the provider is trusted for email', async () => {
    const t = await buildTestApp('sqlite', { configYaml: config(', trustEmail: true') });
    try {
      const start = await t.app.inject({ method: 'GET', url: '/auth/oidc/login' });
      expect(start.statusCode).toBe(302);
      const state = start.cookies.find((c) => c.name === 'klaxon_oidc_state')?.value;
      const url = new URL(await signInAtProvider(new URL(String(start.headers.location)), 'uma'));
      const res = await t.app.inject({
        method: 'GET',
        url: url.pathname + url.search,
        headers: state ? { cookie: `klaxon_oidc_state=${state}` } : {},
      });
      expect(res.headers.location).toBe('/');
      const cookie = res.cookies.find((c) => c.name === 'klaxon_session');
      const session = await t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { cookie: `klaxon_session=${cookie!.value}` },
      });
      expect(session.json().user).toMatchObject({ id: 'uma', role: 'admin', via: 'oidc' });
    } finally {
      await t.close();
    }
  });
});
