/**
 * Who may read GET /metrics: it shows per-service incident counts, per-person off-hours pages and
 * refusal reasons, so it needs `Authorization: Bearer` with any API token of the config or the scrape
 * token (`server.metrics.token` or `tokenFile`), or basic auth as a user of `server.metrics.webConfigFile`
 * (Prometheus's web.yml), unless `server.metrics.public: true`. That file's `tls_server_config` puts the
 * metrics port on HTTPS (metricsHttps); its client-certificate rules apply to every request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpsOptions } from 'node:https';
import {
  basicAuthVerifier,
  clientCertificateAccepted,
  ConfigFileError,
  httpsOptions,
  loadWebConfig,
  splitAuthorization,
  type WebConfig,
} from '@klaxon/config-file';
import type { FastifyRequest } from 'fastify';
import { bearerToken, type Credentials } from '../auth/credentials.ts';
import type { ServerConfig } from '../config/config.ts';
import { ApiError } from '../errors/errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The scrape token from the config, reading `tokenFile` (trimmed) when that is how it is given. */
export function scrapeToken(metrics: ServerConfig['metrics']): string | undefined {
  if (metrics.token) return metrics.token;
  if (!metrics.tokenFile) return undefined;
  let text: string;
  try {
    text = readFileSync(metrics.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `server.metrics.tokenFile: cannot read ${metrics.tokenFile} (${(err as Error).message}); point it at a readable file holding the scrape token`,
      { cause: err },
    );
  }
  if (text.length < 16)
    throw new Error(
      `server.metrics.tokenFile: ${metrics.tokenFile} holds ${text.length === 0 ? 'nothing' : 'fewer than 16 characters'}; put a token of at least 16 characters in it (\`openssl rand -hex 24\`)`,
    );
  return text;
}

/** `server.metrics.webConfigFile`, read and checked; a bad file stops the start (or fails the reload). */
export function metricsWebConfig(metrics: ServerConfig['metrics']): WebConfig | undefined {
  if (!metrics.webConfigFile) return undefined;
  try {
    return loadWebConfig(metrics.webConfigFile);
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    throw new Error(`server.metrics.webConfigFile is invalid:\n  ${err.message.split('\n').join('\n  ')}`, {
      cause: err,
    });
  }
}

/** The metrics port's HTTPS options, when its web config file has `tls_server_config`. */
export function metricsHttps(metrics: ServerConfig['metrics']): HttpsOptions | undefined {
  const tls = metricsWebConfig(metrics)?.tls_server_config;
  if (!tls) return undefined;
  try {
    return httpsOptions(tls);
  } catch (err) {
    throw new Error(`server.metrics.webConfigFile ${metrics.webConfigFile}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** A preHandler for /metrics; undefined when it is public (and no client certificate rule applies). */
export function metricsGuard(
  metrics: ServerConfig['metrics'],
  credentials: Pick<Credentials, 'token'>,
): ((req: FastifyRequest) => Promise<void>) | undefined {
  const web = metricsWebConfig(metrics);
  const clientAuth = web?.tls_server_config?.client_auth_type ?? 'NoClientCert';
  const certificate = (req: FastifyRequest) => {
    if (!clientCertificateAccepted(req.raw.socket, clientAuth))
      throw new ApiError(
        'invalid_credentials',
        `GET /metrics needs a valid client certificate (client_auth_type ${clientAuth} in server.metrics.webConfigFile).`,
      );
  };
  if (metrics.public)
    return clientAuth === 'NoClientCert'
      ? undefined
      : (req) => Promise.resolve().then(() => certificate(req));
  const token = scrapeToken(metrics);
  const expected = token === undefined ? undefined : digest(token);
  const basic = basicAuthVerifier(web?.basic_auth_users);
  const check = async (req: FastifyRequest) => {
    certificate(req);
    const { scheme, credential } = splitAuthorization(req.headers.authorization);
    if (basic && /^basic$/i.test(scheme)) {
      if (await basic(credential)) return;
      throw new ApiError(
        'invalid_credentials',
        'The user or password is not one of basic_auth_users in server.metrics.webConfigFile.',
      );
    }
    const raw = bearerToken(req);
    if (!raw)
      throw new ApiError(
        'missing_credentials',
        `GET /metrics needs Authorization: Bearer <token> with an API token from apiTokens or the scrape token (server.metrics.token)${basic ? ', or basic auth as a user of server.metrics.webConfigFile' : ''}; or set server.metrics.public: true.`,
      );
    if (expected && timingSafeEqual(digest(raw), expected)) return;
    if (credentials.token(raw)) return;
    throw new ApiError(
      'invalid_credentials',
      'The token is neither an API token from apiTokens nor the scrape token (server.metrics.token). Check for typos or a rotated token.',
    );
  };
  return (req) => Promise.resolve().then(() => check(req));
}
