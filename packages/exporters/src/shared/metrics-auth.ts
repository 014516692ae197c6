/**
 * Who may read an exporter's /metrics, and over what: `Authorization: Bearer <token>` (the scrape token,
 * compared in constant time) or basic auth against the bcrypt hashes of a web configuration file
 * (`basic_auth_users`), HTTPS and client certificates from its `tls_server_config`. The file is
 * Prometheus's own `--web.config.file` format (parsed by @klaxon/config-file), so one file serves both.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import {
  basicAuthVerifier,
  clientCertificateAccepted,
  splitAuthorization,
  type WebConfig,
} from '@klaxon/config-file';

/** A token shorter than this is refused: it could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface MetricsAuthOptions {
  /** Bearer tokens that may scrape (`--metrics-token-file`, `KLAXON_METRICS_TOKEN`). */
  tokens?: readonly string[];
  /** A parsed web configuration file (`--web.config.file`). */
  web?: WebConfig;
}

/** Decides each request to /metrics. */
export interface MetricsAuth {
  /** False when no credential of any kind is configured: anyone who can connect may scrape. */
  readonly required: boolean;
  /** The `WWW-Authenticate` challenges a 401 carries. */
  readonly challenges: readonly string[];
  /** Resolves whether `req` may read /metrics. */
  allows(req: IncomingMessage): Promise<boolean>;
}

/**
 * Builds the check for /metrics. A verified client certificate (`RequireAndVerifyClientCert`) counts as
 * a credential; with tokens or users configured as well, those are needed on top, as in exporter-toolkit.
 *
 * @example
 * const auth = createMetricsAuth({ tokens: [readTokenFile('/var/run/secrets/klaxon/token')] });
 * if (!(await auth.allows(req))) res.writeHead(401, { 'www-authenticate': auth.challenges }).end();
 */
export function createMetricsAuth(opts: MetricsAuthOptions): MetricsAuth {
  const tokens = (opts.tokens ?? []).map(digest);
  const basic = basicAuthVerifier(opts.web?.basic_auth_users);
  const clientAuth = opts.web?.tls_server_config?.client_auth_type ?? 'NoClientCert';
  const challenges = [
    ...(tokens.length > 0 ? ['Bearer realm="metrics"'] : []),
    ...(basic ? ['Basic realm="metrics"'] : []),
  ];
  const bearer = (raw: string) => {
    const got = digest(raw);
    // Every token is compared, so the time taken does not say which one matched.
    return tokens.reduce((ok, t) => timingSafeEqual(got, t) || ok, false);
  };
  return {
    required: challenges.length > 0 || clientAuth === 'RequireAndVerifyClientCert',
    challenges,
    async allows(req) {
      if (!clientCertificateAccepted(req.socket, clientAuth)) return false;
      if (challenges.length === 0) return true;
      const { scheme, credential } = splitAuthorization(req.headers.authorization);
      if (/^bearer$/i.test(scheme) && tokens.length > 0) return bearer(credential);
      if (/^basic$/i.test(scheme) && basic) return basic(credential);
      return false;
    },
  };
}

/**
 * The scrape token in `file` (trimmed), or an error that names the file and the fix; never the token.
 *
 * @example
 * const token = readTokenFile('/var/run/secrets/klaxon-metrics/token');
 */
export function readTokenFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `cannot read the metrics token file ${file} (${(err as Error).message}); point --metrics-token-file at a readable file holding the token`,
      { cause: err },
    );
  }
  return checkToken(text, `the metrics token file ${file}`);
}

/** `token` when it is long enough; `where` names its source in the error. */
export function checkToken(token: string, where: string): string {
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(
      `${where} holds ${token.length === 0 ? 'nothing' : `fewer than ${MIN_TOKEN_LENGTH} characters`}; use a token of at least ${MIN_TOKEN_LENGTH} characters (\`openssl rand -hex 24\`)`,
    );
  return token;
}
