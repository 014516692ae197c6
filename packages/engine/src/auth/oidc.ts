/**
 * Sign-in with an OpenID Connect provider (openid-client): the authorization code flow with PKCE (S256),
 * `state` and `nonce`. What a started sign-in must remember lives in the `oidc_logins` table, so the
 * callback can land on any replica; each row is used once and lapses after ten minutes.
 */
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/tables.ts';
import type { OidcConfig } from './config.ts';
import { sha256 } from './sessions.ts';

const LOGIN_TTL_MS = 10 * 60_000;
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

/** Why a sign-in failed, as the `/login?error=` code the web UI shows. */
export class OidcLoginError extends Error {
  readonly code: 'oidc_failed' | 'unknown_user';
  constructor(code: 'oidc_failed' | 'unknown_user', message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export interface OidcIdentity {
  email: string;
  returnTo: string;
}

/**
 * @example
 * const oidc = new OidcSignIn(config.auth.oidc, 'https://klaxon.example.com/auth/oidc/callback', db, clock);
 * reply.redirect((await oidc.start('/incidents/5')).href);
 * // …later, in the callback:
 * const { email, returnTo } = await oidc.finish(new URL(req.url, redirectUrl));
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

  /** Records a new sign-in and returns the provider URL to send the browser to. */
  async start(returnTo: string): Promise<URL> {
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
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUrl,
      scope: this.#options.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /** Finishes a sign-in from the callback URL: exchanges the code and returns the verified email. */
  async finish(callbackUrl: URL): Promise<OidcIdentity> {
    const state = callbackUrl.searchParams.get('state');
    if (!state) throw new OidcLoginError('oidc_failed', 'the callback has no state parameter');
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
    // An address the provider says it has not verified could belong to anyone.
    if (verified === false) throw new OidcLoginError('oidc_failed', `the provider has not verified ${email}`);
    return { email, returnTo: login.return_to };
  }
}
