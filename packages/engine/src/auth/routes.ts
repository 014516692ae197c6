/**
 * Signing in and out of the web UI: password sign-in, the session, sign-out, and OpenID Connect. A
 * session is an HttpOnly cookie; changes made with it also need its CSRF token (see http/auth.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { SessionVia } from '../db/tables.ts';
import { ROLES, type AuthRoutesConfig, type AuthUser, type TeamsView } from './config.ts';
import { checkCsrf, SESSION_COOKIE, sessionCookie, type Credentials } from './credentials.ts';
import { teamsOf } from './principal.ts';
import { ApiError } from '../errors/errors.ts';
import { OIDC_CALLBACK_PATH, OidcLoginError, OidcSignIn } from './oidc.ts';
import { verifyPassword } from './password.ts';

export interface AuthRouteDeps {
  config: AuthRoutesConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
}

const meSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  teams: z.array(z.string()).describe('Team ids; for admins, every team.'),
  via: z.enum(['password', 'oidc']),
});
const sessionAnswer = z.object({
  user: meSchema,
  csrfToken: z.string().describe('Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE.'),
});
const loginBody = z.strictObject({
  username: z.string().trim().min(1, 'enter a user id or email').max(254),
  password: z.string().min(1, 'enter the password').max(1024),
});
const oidcLoginQuery = z.strictObject({
  returnTo: z.string().max(2048).optional().describe('Where to go after sign-in: a path on this site.'),
});

export type Me = z.output<typeof meSchema>;

/** What the web UI shows for the signed-in person. */
export function meOf(config: TeamsView, user: AuthUser, via: SessionVia): Me {
  const teams = user.role === 'admin' ? config.teams.map((t) => t.id) : teamsOf(config, user.id);
  return { id: user.id, name: user.name, role: user.role, teams, via };
}

/**
 * A path on this site to go to after sign-in; anything else (another origin, `//host`, `/\host`,
 * control characters) becomes `/`, so the sign-in cannot be used to send people elsewhere.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!/^\/(?![/\\])/.test(value) || /[^\x21-\x7e]/.test(value) || value.includes('\\')) return '/';
  const base = 'http://klaxon.invalid';
  try {
    const url = new URL(value, base);
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Browsers drop a Secure cookie set over plain http (except on localhost), and the sign-in would seem to
 * do nothing: refuse it with the fix instead.
 */
export function requireSecureTransport(req: FastifyRequest, config: Pick<AuthRoutesConfig, 'auth'>): void {
  if (!config.auth.cookieSecure || req.protocol === 'https') return;
  const forwarded = req.headers['x-forwarded-proto'];
  if (typeof forwarded === 'string' && forwarded.split(',')[0]!.trim().toLowerCase() === 'https') return;
  const remote = req.socket.remoteAddress ?? '';
  if (LOOPBACK.test(remote)) return;
  throw new ApiError(
    'insecure_transport',
    `This sign-in came over plain http from ${remote || 'another host'}, so the browser would drop the Secure session cookie. Serve Klaxon over HTTPS (or behind a proxy that sends X-Forwarded-Proto: https), or set auth.cookieSecure: false in the config on a trusted network.`,
  );
}

export function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const { config, credentials } = deps;
  const sessions = credentials.sessions;
  if (!sessions) throw new Error('authRoutes needs Credentials with a SessionStore');
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.auth.cookieSecure,
  };
  const startSession = async (reply: FastifyReply, user: AuthUser, via: SessionVia) => {
    const { cookie, session } = await sessions.create(user.id, via);
    void reply.setCookie(SESSION_COOKIE, cookie, {
      ...cookieOptions,
      maxAge: Math.floor(sessions.ttlMs / 1000),
    });
    return { user: meOf(config, user, via), csrfToken: session.csrfToken };
  };
  const tags = ['auth'];

  app.get(
    '/api/v1/auth/providers',
    {
      schema: {
        summary: 'How people can sign in (no credentials needed)',
        tags,
        response: {
          200: z.object({
            password: z.boolean().describe('Some user has a passwordHash.'),
            oidc: z.object({ name: z.string() }).nullable(),
          }),
        },
      },
    },
    () => ({
      password: config.users.some((u) => u.passwordHash !== undefined),
      oidc: config.auth.oidc ? { name: config.auth.oidc.name } : null,
    }),
  );

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        summary: 'Sign in with a user id or email and a password; sets the klaxon_session cookie',
        tags,
        body: loginBody,
        response: { 200: sessionAnswer },
      },
      // Password guessing: auth.loginAttemptsPerMinute per client address.
      config: { rateLimit: { max: config.auth.loginAttemptsPerMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      requireSecureTransport(req, config);
      const { username, password } = req.body as z.output<typeof loginBody>;
      const user = credentials.userByLogin(username);
      // verifyPassword does the same work when there is no user or no hash.
      const ok = await verifyPassword(password, user?.passwordHash);
      if (!user || !ok) throw new ApiError('invalid_credentials', 'The username or password is wrong.');
      const previous = sessionCookie(req);
      if (previous) await sessions.delete(previous);
      return reply.send(await startSession(reply, user, 'password'));
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      schema: {
        summary: 'The signed-in person and the CSRF token, from the session cookie',
        tags,
        response: { 200: sessionAnswer },
      },
    },
    async (req) => {
      const cookie = sessionCookie(req);
      if (!cookie) throw new ApiError('missing_credentials', 'Not signed in. Sign in first.');
      const principal = await credentials.sessionPrincipal(cookie);
      const user = credentials.user(principal.userId!)!;
      return { user: meOf(config, user, principal.via as SessionVia), csrfToken: principal.csrfToken! };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        summary: 'Sign out: ends the session and clears the cookie (needs X-CSRF-Token)',
        tags,
        response: { 204: z.null().describe('Signed out') },
      },
    },
    async (req, reply) => {
      const cookie = sessionCookie(req);
      if (cookie) {
        const principal = await credentials.sessionPrincipal(cookie).catch(() => undefined);
        // Without the CSRF check another site could sign people out.
        if (principal) checkCsrf(req, principal);
        await sessions.delete(cookie);
      }
      void reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send();
    },
  );

  oidcRoutes(app, deps, startSession);
}

function oidcRoutes(
  app: FastifyInstance,
  deps: AuthRouteDeps,
  startSession: (reply: FastifyReply, user: AuthUser, via: SessionVia) => Promise<unknown>,
): void {
  const { config, store, clock, credentials } = deps;
  const options = config.auth.oidc;
  const redirectUrl =
    options?.redirectUrl ?? `${(config.server.publicUrl ?? '').replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`;
  const oidc = options ? new OidcSignIn(options, redirectUrl, store.db, clock) : undefined;
  const notSetUp = () =>
    new ApiError(
      'not_found',
      'OIDC sign-in is not set up; add auth.oidc to the config (docs/configuration.md).',
    );
  const fail = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    req.log.warn({ err }, 'OIDC sign-in failed');
    const code = err instanceof OidcLoginError ? err.code : 'oidc_failed';
    return reply.redirect(`/login?error=${code}`);
  };

  app.get(
    '/auth/oidc/login',
    {
      schema: {
        summary: 'Start an OIDC sign-in: redirects to the provider',
        tags: ['auth'],
        querystring: oidcLoginQuery,
      },
    },
    async (req, reply) => {
      if (!oidc) throw notSetUp();
      requireSecureTransport(req, config);
      const { returnTo } = req.query as z.output<typeof oidcLoginQuery>;
      try {
        return reply.redirect((await oidc.start(safeReturnTo(returnTo))).href);
      } catch (err) {
        return fail(req, reply, err);
      }
    },
  );

  app.get(
    OIDC_CALLBACK_PATH,
    {
      schema: {
        summary: 'Where the OIDC provider returns: signs in and redirects to returnTo, or to /login?error=',
        tags: ['auth'],
      },
    },
    async (req, reply) => {
      if (!oidc) throw notSetUp();
      try {
        // The URL the provider redirected to, as registered (the engine may sit behind a proxy).
        const callback = new URL(oidc.redirectUrl);
        callback.search = new URL(req.url, 'http://callback.invalid').search;
        const { email, returnTo } = await oidc.finish(callback);
        const user = credentials.userByEmail(email);
        if (!user) throw new OidcLoginError('unknown_user', `no user has the email ${email}`);
        await startSession(reply, user, 'oidc');
        return reply.redirect(safeReturnTo(returnTo));
      } catch (err) {
        return fail(req, reply, err);
      }
    },
  );
}
