/**
 * The auth slice of the config file: roles, API tokens and web sign-in (`auth`, with optional OIDC), and
 * the narrow views of users, teams, services and integration keys that authentication reads. Those are
 * defined by higher slices (org, ingest); the whole config satisfies these views structurally.
 */
import { z } from 'zod';
import { id, secret } from '../validation/zod.ts';

export const ROLES = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const apiTokenSchema = z.strictObject({
  name: z.string().min(1).describe('Recorded as the actor of every change made with this token.'),
  token: z.string().min(16, 'use at least 16 characters; generate one with `openssl rand -hex 24`'),
  role: z.enum(ROLES).default('viewer'),
  teams: z
    .array(id)
    .optional()
    .describe(
      "Team ids whose services' incidents, deployments and maintenance this token sees. Absent: all teams.",
    ),
});

const oidcSchema = z
  .strictObject({
    name: z.string().min(1).default('Single sign-on').describe('Label of the sign-in button.'),
    issuer: z
      .url()
      .describe('Issuer URL; its /.well-known/openid-configuration is read at the first sign-in.'),
    clientId: z.string().min(1),
    clientSecret: secret.describe('Use ${ENV}.'),
    redirectUrl: z
      .url()
      .optional()
      .describe('Registered at the provider. Default: server.publicUrl + /auth/oidc/callback.'),
    scopes: z
      .string()
      .regex(/(^|\s)openid(\s|$)/, 'include the openid scope, e.g. "openid email profile"')
      .default('openid email profile'),
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe('Allow an http:// issuer (tests and local development only).'),
    trustEmail: z
      .boolean()
      .default(false)
      .describe(
        'Accept the email claim without email_verified: true. Only for a provider that sends verified addresses alone (e.g. your own directory) but omits the claim; an explicit email_verified: false is always refused.',
      ),
  })
  .superRefine((o, ctx) => {
    if (o.issuer.startsWith('http:') && !o.allowInsecureHttp)
      ctx.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: 'the issuer must use https; for a local test provider set allowInsecureHttp: true',
      });
  })
  .describe(
    'Sign-in with an OpenID Connect provider; people are matched by the email claim to users[].email.',
  );

export const authSchema = z
  .strictObject({
    sessionHours: z
      .number()
      .positive()
      .max(24 * 90)
      .default(12)
      .describe('A web sign-in lasts this long, then the person signs in again.'),
    cookieSecure: z
      .boolean()
      .default(true)
      .describe('Mark the session cookie Secure (HTTPS only). Set false only for plain-http local use.'),
    loginAttemptsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe(
        'Password sign-in attempts allowed per client address per minute (per engine process). Behind a proxy, list it in server.trustedProxies.',
      ),
    loginAttemptsPerUserPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe(
        'Failed password sign-ins allowed per user name per minute, from any address (per engine process); then that name is refused for the rest of the minute.',
      ),
    oidc: oidcSchema.optional(),
  })
  .default({
    sessionHours: 12,
    cookieSecure: true,
    loginAttemptsPerMinute: 10,
    loginAttemptsPerUserPerMinute: 10,
  })
  .describe('Web sign-in: sessions, and optional OpenID Connect.');

export type ApiTokenConfig = z.output<typeof apiTokenSchema>;
export type AuthConfig = z.output<typeof authSchema>;
export type OidcConfig = NonNullable<AuthConfig['oidc']>;

/** A person as sign-in sees them (`users[]`, defined by the org slice). */
export interface AuthUser {
  id: string;
  name: string;
  email?: string | undefined;
  role: Role;
  passwordHash?: string | undefined;
}

/** A team as scoping sees it: who belongs to it (`teams[]`, defined by the org slice). */
export interface AuthTeam {
  id: string;
  members: readonly string[];
  lead?: string | undefined;
}

/** A service as scoping sees it: its owning team (`services[]`, defined by the org slice). */
export interface AuthService {
  id: string;
  team: string;
}

/** The config's teams, as team scoping reads them. */
export interface TeamsView {
  teams: readonly AuthTeam[];
}

/** The config's services, as service scoping reads them. */
export interface ServicesView {
  services: readonly AuthService[];
}

/** What the sign-in routes read from the config. */
export interface AuthRoutesConfig extends TeamsView {
  auth: AuthConfig;
  server: { publicUrl?: string | undefined };
  users: readonly AuthUser[];
}

/** An integration key as authentication sees it (`integrationKeys[]`, defined by the ingest slice). */
export interface AuthIntegrationKey {
  key: string;
  name: string;
  source: string;
}

/** What `Credentials` reads from the config; the key and user types are those of the caller's config. */
export interface AuthDirectory<
  K extends AuthIntegrationKey = AuthIntegrationKey,
  U extends AuthUser = AuthUser,
> {
  integrationKeys: readonly K[];
  apiTokens: readonly ApiTokenConfig[];
  users: readonly U[];
  teams: readonly AuthTeam[];
}
