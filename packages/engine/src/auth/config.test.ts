/** The config's sign-in settings: roles, password hashes, token and schedule teams, OIDC. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config/load.ts';

const BASE = `
users:
  - { id: alice, name: Alice, email: alice@example.com }
teams: [{ id: platform, name: Platform, members: [alice] }]
services: [{ id: kafka, name: Kafka, team: platform }]
`;
const HASH = `scrypt$1024$8$1$${'A'.repeat(22)}==$${'B'.repeat(43)}=`;

function problems(text: string) {
  try {
    parseConfig(text, 'klaxon.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('auth config', () => {
  it('defaults: responders, 12-hour Secure sessions, no OIDC, unscoped tokens', () => {
    const config = parseConfig(`${BASE}apiTokens: [{ name: t, token: 0123456789abcdef }]\n`);
    expect(config.users[0]).toMatchObject({ role: 'responder' });
    expect(config.users[0]!.passwordHash).toBeUndefined();
    expect(config.auth).toEqual({
      sessionHours: 12,
      cookieSecure: true,
      loginAttemptsPerMinute: 10,
      loginAttemptsPerUserPerMinute: 10,
    });
    expect(config.apiTokens[0]!.teams).toBeUndefined();
  });

  it('fills in the OIDC defaults', () => {
    const config = parseConfig(
      `${BASE}server: { publicUrl: 'https://klaxon.example.com' }\nauth: { oidc: { issuer: 'https://id.example.com', clientId: k, clientSecret: s } }\n`,
    );
    expect(config.auth.oidc).toEqual({
      name: 'Single sign-on',
      issuer: 'https://id.example.com',
      clientId: 'k',
      clientSecret: 's',
      scopes: 'openid email profile',
      allowInsecureHttp: false,
      trustEmail: false,
    });
  });

  it('says how to fix a malformed password hash', () => {
    expect(
      problems(BASE.replace('alice@example.com }', `alice@example.com, passwordHash: hunter2 }`)),
    ).toEqual([
      'users[0].passwordHash: not a password hash; use the output of `klaxon hash-password` (scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>)',
    ]);
    expect(
      problems(BASE.replace('alice@example.com }', `alice@example.com, passwordHash: '${HASH}' }`)),
    ).toEqual([]);
  });

  it('checks token and schedule teams, and unique sign-in names', () => {
    const found =
      problems(`${BASE.replace('users:\n', 'users:\n  - { id: bob, name: Bob, email: ALICE@example.com }\n')}
apiTokens: [{ name: t, token: 0123456789abcdef, teams: [platfrom] }]
schedules:
  - { id: s, name: S, timezone: UTC, team: games, layers: [{ name: l, users: [alice], rotation: { type: weekly, start: '2026-03-02' } }] }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^apiTokens\[0\]\.teams\[0\]: unknown team "platfrom"; define it under teams/),
        expect.stringMatching(/^schedules\[0\]\.team: unknown team "games"/),
        'users[1].email: alice@example.com is also the id or email of users[0]; sign-in names must be unique (any case)',
      ]),
    );
  });

  it('needs a callback URL and https for OIDC', () => {
    expect(
      problems(
        `${BASE}auth: { oidc: { issuer: 'http://127.0.0.1:4000', clientId: k, clientSecret: s, scopes: 'email' } }\n`,
      ),
    ).toEqual(
      expect.arrayContaining([
        'auth.oidc.issuer: the issuer must use https; for a local test provider set allowInsecureHttp: true',
        'auth.oidc.scopes: include the openid scope, e.g. "openid email profile"',
        'auth.oidc.redirectUrl: OIDC needs a callback URL: set server.publicUrl (the callback is <publicUrl>/auth/oidc/callback) or auth.oidc.redirectUrl',
      ]),
    );
  });
});
