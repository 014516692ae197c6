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
      claims: () => ({ sub, email: EMAILS[sub] ?? `${sub}@example.com`, email_verified: true, name: sub }),
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

describe('OIDC sign-in', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeEach(async () => {
    t = await buildTestApp('sqlite', { configYaml: config() });
  });
  afterEach(async () => {
    await t.close();
  });

  /** Starts at Klaxon, signs in at the provider as `login`, and returns the callback URL it sends back. */
  async function throughProvider(login: string, returnTo: string): Promise<string> {
    const start = await t.app.inject({
      method: 'GET',
      url: `/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
    });
    expect(start.statusCode).toBe(302);
    let next = new URL(String(start.headers.location));
    expect(next.origin).toBe(issuer);
    expect(next.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['code_challenge', 'state', 'nonce']) expect(next.searchParams.get(p)).toBeTruthy();
    expect(next.searchParams.get('redirect_uri')).toBe(`${KLAXON}/auth/oidc/callback`);
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

  const callback = (url: string) =>
    t.app.inject({ method: 'GET', url: new URL(url).pathname + new URL(url).search });

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
    expect(res.headers['set-cookie']).toBeUndefined();
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
