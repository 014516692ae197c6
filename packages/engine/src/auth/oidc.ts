/**
 * Sign-in with an OpenID Connect provider (openid-client): the authorization code flow with PKCE (S256),
 * `state` and `nonce`. What a started sign-in must remember lives in the `oidc_logins` table, so the
 * callback can land on any replica; each row is used once and lapses after ten minutes. The `state` is
 * also bound to the browser that started the sign-in (a short-lived cookie the callback must bring), so
 * nobody can finish their own sign-in in someone else's browser (login CSRF).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/tables.ts';
import type { OidcConfig } from './config.ts';
import { sha256 } from './sessions.ts';

export const LOGIN_TTL_MS = 10 * 60_000;
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** Carries the `state` of the sign-in this browser started; sent only to /auth/oidc/*. */
export const OIDC_STATE_COOKIE = 'klaxon_oidc_state';
export const OIDC_COOKIE_PATH = '/auth/oidc';

export type OidcErrorCode = 'oidc_failed' | 'unknown_user' | 'email_unverified';

/** Why a sign-in failed, as the `/login?error=` code the web UI shows. */
export class OidcLoginError extends Error {
  readonly code: OidcErrorCode;
  constructor(code: OidcErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export interface OidcIdentity {
  email: string;
  returnTo: string;
}

const sameState = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * @example
 * const oidc = new OidcSignIn(config.auth.oidc, 'https://klaxon.example.com/auth/oidc/callback', db, clock);
 * const { url, state } = await oidc.start('/incidents/5');
 * // set the state cookie (OIDC_STATE_COOKIE) to `state`, then redirect to `url`; later, in the callback:
 * const { email, returnTo } = await oidc.finish(new URL(req.url, redirectUrl), req.cookies.klaxon_oidc_state);
 */
export class OidcSignIn {
  readonly #options: OidcConfig;
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  #discovered: Promise<client.Configuration> | undefined;
  readonly redirectUrl: string;

  constructor(options: OidcConfig, redirectUrl: string, db: Kysely<Database>, clock: Clock) {
    this.#options = options;
    this.redirectUrl = redirectUrl;
    this.#db = db;
    this.#clock = clock;
  }

  /** The provider's metadata, read once; a failed read is retried at the next sign-in. */
  #configuration(): Promise<client.Configuration> {
    this.#discovered ??= client
      .discovery(
        new URL(this.#options.issuer),
        this.#options.clientId,
        this.#options.clientSecret,
        undefined,
        this.#options.allowInsecureHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        this.#discovered = undefined;
        throw new OidcLoginError(
          'oidc_failed',
          `could not read the OIDC discovery document of ${this.#options.issuer}`,
          { cause: err },
        );
      });
    return this.#discovered;
  }

  /**
   * Records a new sign-in and returns the provider URL to send the browser to, and the `state` the
   * browser must keep (in the OIDC_STATE_COOKIE) to finish it.
   */
  async start(returnTo: string): Promise<{ url: URL; state: string }> {
    const config = await this.#configuration();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const now = this.#clock.now().getTime();
    await this.#db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
    await this.#db
      .insertInto('oidc_logins')
      .values({
        id: sha256(state),
        code_verifier: verifier,
        nonce,
        return_to: returnTo,
        created_at: now,
        expires_at: now + LOGIN_TTL_MS,
      })
      .execute();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUrl,
      scope: this.#options.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state };
  }

  /**
   * Finishes a sign-in from the callback URL and the state cookie of the browser that brought it:
   * exchanges the code and returns the verified email. A callback whose state is not the browser's own
   * is refused before the sign-in is looked up, so it stays usable by the browser that started it.
   */
  async finish(callbackUrl: URL, browserState: string | undefined): Promise<OidcIdentity> {
    const state = callbackUrl.searchParams.get('state');
    if (!state) throw new OidcLoginError('oidc_failed', 'the callback has no state parameter');
    if (!browserState || !sameState(state, browserState))
      throw new OidcLoginError(
        'oidc_failed',
        'the callback does not belong to a sign-in started in this browser (no matching state cookie)',
      );
    // Delete-and-return: a state is good for exactly one callback, even with two replicas racing.
    const login = await this.#db
      .deleteFrom('oidc_logins')
      .where('id', '=', sha256(state))
      .returningAll()
      .executeTakeFirst();
    if (!login || Number(login.expires_at) <= this.#clock.now().getTime())
      throw new OidcLoginError('oidc_failed', 'the sign-in is unknown, used or more than 10 minutes old');
    const providerError = callbackUrl.searchParams.get('error');
    if (providerError) throw new OidcLoginError('oidc_failed', `the provider answered ${providerError}`);
    const config = await this.#configuration();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new OidcLoginError('oidc_failed', 'the code exchange failed', { cause: err });
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcLoginError('oidc_failed', 'the provider sent no ID token');
    let email: unknown = claims.email;
    let verified: unknown = claims.email_verified;
    if (typeof email !== 'string') {
      // Some providers put the email only in userinfo unless asked for it in the ID token.
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => undefined);
      email = info?.email;
      verified = info?.email_verified;
    }
    if (typeof email !== 'string' || email === '')
      throw new OidcLoginError('unknown_user', 'the provider sent no email claim; add the email scope');
    // An address the provider has not said it verified could belong to anyone, an admin's included:
    // only `email_verified: true` counts, unless the provider is trusted for email (auth.oidc.trustEmail).
    if (verified === false || (verified !== true && !this.#options.trustEmail))
      throw new OidcLoginError(
        'email_unverified',
        `the provider has not verified ${email} (email_verified is ${verified === false ? 'false' : 'absent'}); set auth.oidc.trustEmail only if it sends verified addresses alone`,
      );
    return { email, returnTo: login.return_to };
  }
}
