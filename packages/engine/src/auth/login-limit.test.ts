/**
 * The sign-in rate limits (finding 10): per client address, where the address is the one behind a
 * trusted proxy (server.trustedProxies) and never what an untrusted peer claims, and per user name,
 * whatever address the attempts come from.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '@klaxon/testing';
import { hashPassword } from './password.ts';

const PASSWORD = 'correct horse battery staple';
let hash: string;
beforeAll(async () => {
  // Cheap scrypt: these tests make dozens of attempts.
  hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
});

const yaml = (extra: string) => `
users:
  - { id: alice, name: Alice, email: alice@example.com, passwordHash: '${hash}' }
  - { id: bob, name: Bob, passwordHash: '${hash}' }
teams: [{ id: platform, name: Platform, members: [alice, bob] }]
services: [{ id: kafka, name: Kafka, team: platform, defaultTier: T2 }]
${extra}`;

type App = Awaited<ReturnType<typeof buildTestApp>>;
let t: App | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const login = (
  app: App,
  o: { username?: string; password?: string; remoteAddress: string; forwardedFor?: string },
) =>
  app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: o.remoteAddress,
    headers: {
      'x-forwarded-proto': 'https',
      ...(o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {}),
    },
    payload: { username: o.username ?? 'alice', password: o.password ?? 'a guess' },
  });

describe('sign-in limits behind a proxy', () => {
  it('limits two clients behind a trusted proxy separately', async () => {
    t = await buildTestApp('sqlite', {
      configYaml: yaml(
        "server: { trustedProxies: ['10.0.0.1'] }\nauth: { loginAttemptsPerUserPerMinute: 1000 }\n",
      ),
    });
    const app = t;
    const viaProxy = (client: string) => login(app, { remoteAddress: '10.0.0.1', forwardedFor: client });
    for (let i = 0; i < 10; i++) expect((await viaProxy('198.51.100.1')).statusCode).toBe(401);
    const limited = await viaProxy('198.51.100.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_attempts');
    expect((await viaProxy('198.51.100.2')).statusCode, 'another client behind the proxy').toBe(401);
    // A client may prepend anything; only the address the trusted proxy saw counts.
    expect((await viaProxy('192.0.2.50, 198.51.100.1')).statusCode).toBe(429);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    t = await buildTestApp('sqlite', {
      configYaml: yaml(
        "server: { trustedProxies: ['10.0.0.1'] }\nauth: { loginAttemptsPerUserPerMinute: 1000 }\n",
      ),
    });
    for (let i = 0; i < 10; i++) {
      const res = await login(t, { remoteAddress: '203.0.113.7', forwardedFor: `198.51.100.${i + 1}` });
      expect(res.statusCode).toBe(401);
    }
    const res = await login(t, { remoteAddress: '203.0.113.7', forwardedFor: '198.51.100.99' });
    expect(res.statusCode, 'a fresh X-Forwarded-For does not reset the limit').toBe(429);
  });

  it('trusts no proxy by default', async () => {
    t = await buildTestApp('sqlite', { configYaml: yaml('auth: { loginAttemptsPerUserPerMinute: 1000 }\n') });
    for (let i = 0; i < 10; i++)
      await login(t, { remoteAddress: '10.0.0.1', forwardedFor: `198.51.100.${i + 1}` });
    expect((await login(t, { remoteAddress: '10.0.0.1', forwardedFor: '198.51.100.77' })).statusCode).toBe(
      429,
    );
  });
});

describe('sign-in limit per user name', () => {
  it('locks only the user that 10 bad attempts from many addresses went to', async () => {
    t = await buildTestApp('sqlite', { configYaml: yaml('') });
    for (let i = 0; i < 10; i++) {
      const res = await login(t, { remoteAddress: `198.51.100.${i + 1}` });
      expect(res.statusCode).toBe(401);
    }
    const locked = await login(t, { remoteAddress: '198.51.100.200', password: PASSWORD });
    expect(locked.statusCode, 'even the right password, from a new address').toBe(429);
    expect(locked.json().error).toMatchObject({
      code: 'too_many_attempts',
      message: expect.stringContaining('auth.loginAttemptsPerUserPerMinute'),
    });
    // The email names the same person.
    expect(
      (await login(t, { remoteAddress: '198.51.100.201', username: 'ALICE@example.com' })).statusCode,
    ).toBe(429);
    const bob = await login(t, { remoteAddress: '198.51.100.202', username: 'bob', password: PASSWORD });
    expect(bob.statusCode, 'another user is not locked').toBe(200);

    t.clock.advance(60_000);
    const later = await login(t, { remoteAddress: '198.51.100.203', password: PASSWORD });
    expect(later.statusCode, 'a minute later alice can sign in again').toBe(200);
  });

  it('does not count successful sign-ins against the user', async () => {
    t = await buildTestApp('sqlite', {
      configYaml: yaml('auth: { loginAttemptsPerMinute: 1000, loginAttemptsPerUserPerMinute: 3 }\n'),
    });
    for (let i = 0; i < 5; i++)
      expect((await login(t, { remoteAddress: '198.51.100.1', password: PASSWORD })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await login(t, { remoteAddress: '198.51.100.1' })).statusCode).toBe(401);
    expect((await login(t, { remoteAddress: '198.51.100.1', password: PASSWORD })).statusCode).toBe(429);
  });

  it('limits unknown names the same way, so a 429 does not tell whether a user exists', async () => {
    t = await buildTestApp('sqlite', { configYaml: yaml('') });
    for (let i = 0; i < 10; i++)
      expect((await login(t, { remoteAddress: `198.51.100.${i + 1}`, username: 'mallory' })).statusCode).toBe(
        401,
      );
    expect((await login(t, { remoteAddress: '198.51.100.99', username: 'Mallory' })).statusCode).toBe(429);
  });
});
