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
import {
  LOGIN_TTL_MS,
  OIDC_CALLBACK_PATH,
  OIDC_COOKIE_PATH,
  OIDC_STATE_COOKIE,
  OidcLoginError,
  OidcSignIn,
} from './oidc.ts';
import { verifyPassword } from './password.ts';
import { LoginAttempts } from './login-limit.ts';
import { passwordFingerprint } from './sessions.ts';

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

const RETURN_TO_BASE = 'http://klaxon.invalid';
const MAX_RETURN_TO = 2048;

/** One normalising pass: the path as the URL parser resolves it, or `/` for anything not a local path. */
function normaliseReturnTo(value: string): string {
  if (value.length > MAX_RETURN_TO) return '/';
  // A path: one slash then not another slash or backslash, printable ASCII only, no backslash anywhere.
  if (!/^\/(?![/\\])/.test(value) || /[^\x21-\x7e]/.test(value) || value.includes('\\')) return '/';
  try {
    const url = new URL(value, RETURN_TO_BASE);
    return url.origin === RETURN_TO_BASE ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}

/**
 * A path on this site to go to after sign-in; anything else (another origin, `//host`, `/\host`,
 * control characters, a path that only becomes `//host` once dot segments are resolved, like `/.//host`)
 * becomes `/`, so the sign-in cannot be used to send people elsewhere. The result is always a
 * same-origin path and a fixed point: safeReturnTo(safeReturnTo(x)) === safeReturnTo(x).
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string') return '/';
  const once = normaliseReturnTo(value);
  // Whatever one pass produced must pass again unchanged (it checks `//host` after normalising, and
  // percent-encoding cannot push it past the length limit); otherwise it is not a plain local path.
  return normaliseReturnTo(once) === once ? once : '/';
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
    // A password session remembers which password it was opened with (it ends when that changes).
    const fingerprint = via === 'password' ? passwordFingerprint(user.passwordHash) : null;
    const { cookie, session } = await sessions.create(user.id, via, fingerprint);
    void reply.setCookie(SESSION_COOKIE, cookie, {
      ...cookieOptions,
      maxAge: Math.floor(sessions.ttlMs / 1000),
    });
    return { user: meOf(config, user, via), csrfToken: session.csrfToken };
  };
  const tags = ['auth'];
  const attempts = new LoginAttempts(config.auth.loginAttemptsPerUserPerMinute, deps.clock);

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
      // Password guessing: auth.loginAttemptsPerMinute per client address (req.ip: the client behind a
      // trusted proxy, server.trustedProxies), and auth.loginAttemptsPerUserPerMinute per user name.
      config: { rateLimit: { max: config.auth.loginAttemptsPerMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      requireSecureTransport(req, config);
      const { username, password } = req.body as z.output<typeof loginBody>;
      const user = credentials.userByLogin(username);
      const wait = attempts.attempt(user?.id ?? username, user !== undefined);
      if (wait !== null)
        throw new ApiError(
          'too_many_attempts',
          `Too many failed sign-ins for this user name: at most ${config.auth.loginAttemptsPerUserPerMinute} a minute (auth.loginAttemptsPerUserPerMinute). Try again in ${Math.ceil(wait / 1000)} s.`,
        );
      // verifyPassword does the same work when there is no user or no hash.
      const ok = await verifyPassword(password, user?.passwordHash);
      if (!user || !ok) throw new ApiError('invalid_credentials', 'The username or password is wrong.');
      attempts.succeeded(user.id);
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
  // Binds a started sign-in to this browser: HttpOnly, SameSite=Lax (sent on the provider's top-level
  // redirect back), only to /auth/oidc/*, for as long as the sign-in itself.
  const stateCookie = {
    path: OIDC_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.auth.cookieSecure,
  };
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
        const { url, state } = await oidc.start(safeReturnTo(returnTo));
        void reply.setCookie(OIDC_STATE_COOKIE, state, {
          ...stateCookie,
          maxAge: Math.floor(LOGIN_TTL_MS / 1000),
        });
        return reply.redirect(url.href);
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
      const cookies = req.cookies as Record<string, string | undefined> | undefined;
      const browserState = cookies?.[OIDC_STATE_COOKIE];
      // Whatever happens, this browser's started sign-in is over.
      if (browserState !== undefined) void reply.clearCookie(OIDC_STATE_COOKIE, stateCookie);
      try {
        // The URL the provider redirected to, as registered (the engine may sit behind a proxy).
        const callback = new URL(oidc.redirectUrl);
        callback.search = new URL(req.url, 'http://callback.invalid').search;
        const { email, returnTo } = await oidc.finish(callback, browserState);
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
