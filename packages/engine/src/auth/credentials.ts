/**
 * Who is calling: integration keys (for ingest), and for the API either an API token with a role from the
 * config or a signed-in person's session cookie. A person's role and teams are read from the config on
 * every request, so editing the config takes effect without signing out. Keys and tokens are looked up
 * by their SHA-256 so lookups take the same time whatever the guess.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ApiTokenConfig, AuthDirectory, AuthIntegrationKey, AuthUser, Role } from './config.ts';
import { passwordFingerprint, type SessionStore } from './sessions.ts';
import { hasRole, userPrincipal, type Principal } from './principal.ts';
import { ApiError } from '../errors/errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export const SESSION_COOKIE = 'klaxon_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `K` and `U` are the integration key and user types of the config it is built from, so callers get back
 * what they passed in (ingest reads a key's service and SNS options).
 */
export class Credentials<K extends AuthIntegrationKey = AuthIntegrationKey, U extends AuthUser = AuthUser> {
  readonly #config: AuthDirectory<K, U>;
  readonly #keys: Map<string, K>;
  readonly #tokens: Map<string, ApiTokenConfig>;
  readonly #users: Map<string, U>;
  readonly #byLogin: Map<string, U>;
  /** Browser sessions; without a store only API tokens authenticate. */
  readonly sessions: SessionStore | undefined;

  constructor(config: AuthDirectory<K, U>, sessions?: SessionStore) {
    this.#config = config;
    this.#keys = new Map(config.integrationKeys.map((k) => [digest(k.key), k]));
    this.#tokens = new Map(config.apiTokens.map((t) => [digest(t.token), t]));
    this.#users = new Map(config.users.map((u) => [u.id, u]));
    this.#byLogin = new Map(config.users.flatMap((u) => (u.email ? [[u.email.toLowerCase(), u]] : [])));
    for (const u of config.users) this.#byLogin.set(u.id, u);
    this.sessions = sessions;
  }

  /** The integration key for `source`, or an ApiError saying what is wrong with it. */
  integration(key: string | undefined, source: K['source']): K {
    if (!key) throw new ApiError('missing_credentials');
    const found = this.#keys.get(digest(key));
    if (!found)
      throw new ApiError(
        'invalid_credentials',
        'The integration key is not in the config. Check for typos or a rotated key.',
      );
    if (found.source !== source) {
      throw new ApiError(
        'wrong_integration_source',
        `Integration key "${found.name}" is for ${found.source}, not ${source}. Use a key whose source is ${source}.`,
      );
    }
    return found;
  }

  token(token: string | undefined): ApiTokenConfig | undefined {
    return token ? this.#tokens.get(digest(token)) : undefined;
  }

  /** The user a sign-in name (user id, or email in any case) names. */
  userByLogin(name: string): U | undefined {
    return this.#byLogin.get(name) ?? this.#byLogin.get(name.toLowerCase());
  }

  /** The user with this email (any case): how an OIDC sign-in is matched. */
  userByEmail(email: string): U | undefined {
    const user = this.#byLogin.get(email.toLowerCase());
    return user?.email?.toLowerCase() === email.toLowerCase() ? user : undefined;
  }

  user(id: string): U | undefined {
    return this.#users.get(id);
  }

  /** The person behind a session cookie, or an ApiError when it is unknown, expired or orphaned. */
  async sessionPrincipal(cookie: string): Promise<Principal> {
    const session = await this.sessions?.find(cookie);
    const user = session && this.user(session.userId);
    if (!session || !user)
      throw new ApiError('session_expired', 'Your session has expired or was ended. Sign in again.');
    // A password session lasts only as long as the password it was opened with.
    if (session.via === 'password') {
      const now = passwordFingerprint(user.passwordHash);
      if (!now || !session.passwordFingerprint || !sameSecret(now, session.passwordFingerprint))
        throw new ApiError(
          'session_expired',
          'Your password was changed (or removed) since you signed in. Sign in again.',
        );
    }
    await this.sessions!.touch(cookie, session);
    return userPrincipal(this.#config, user, session.via, session.csrfToken);
  }

  /** Who sent the request: a Bearer API token, else the session cookie. */
  async authenticate(req: FastifyRequest): Promise<Principal> {
    const raw = bearerToken(req);
    if (raw) return this.#tokenPrincipal(raw);
    const cookie = sessionCookie(req);
    if (!cookie || !this.sessions)
      throw new ApiError(
        'missing_credentials',
        'Sign in, or send Authorization: Bearer <API token> with a token from apiTokens in the config.',
      );
    const principal = await this.sessionPrincipal(cookie);
    if (!SAFE_METHODS.has(req.method)) checkCsrf(req, principal);
    return principal;
  }

  #tokenPrincipal(raw: string): Principal {
    const token = this.token(raw);
    if (!token)
      throw new ApiError(
        'invalid_credentials',
        'The API token is not in the config. Check for typos or a rotated token.',
      );
    return { name: token.name, role: token.role, kind: 'token', teams: token.teams ?? null, via: 'token' };
  }
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The session cookie's value, when the cookie plugin parsed one. */
export function sessionCookie(req: FastifyRequest): string | undefined {
  const cookies = req.cookies as Record<string, string | undefined> | undefined;
  const value = cookies?.[SESSION_COOKIE];
  return value ? value : undefined;
}

/**
 * A cookie is sent by the browser whoever made the page, so a cookie-authenticated change must also
 * carry the session's CSRF token, which only Klaxon's own pages can read.
 */
export function checkCsrf(req: FastifyRequest, principal: Principal): void {
  const sent = req.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken))
    throw new ApiError(
      'csrf_failed',
      'This change needs the X-CSRF-Token header with the csrfToken from sign-in or GET /api/v1/auth/session.',
    );
}

/** A preValidation hook that requires an API token or a signed-in person with at least `role`. */
export function requireRole(credentials: Credentials, role: Role): preHandlerAsyncHookHandler {
  return async (req) => {
    const principal = await credentials.authenticate(req);
    if (!hasRole(principal, role)) {
      const who = principal.kind === 'token' ? `token "${principal.name}"` : `user "${principal.name}"`;
      throw new ApiError('forbidden', `This needs the ${role} role; ${who} has ${principal.role}.`);
    }
    req.principal = principal;
  };
}
