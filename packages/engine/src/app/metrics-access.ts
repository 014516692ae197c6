/**
 * Who may read GET /metrics: it shows per-service incident counts, per-person off-hours pages and
 * refusal reasons, so it needs `Authorization: Bearer` with any API token of the config or the scrape
 * token (`server.metrics.token` or `tokenFile`), unless `server.metrics.public: true`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/** A preHandler for /metrics; undefined when it is public. */
export function metricsGuard(
  metrics: ServerConfig['metrics'],
  credentials: Pick<Credentials, 'token'>,
): ((req: FastifyRequest) => Promise<void>) | undefined {
  if (metrics.public) return undefined;
  const token = scrapeToken(metrics);
  const expected = token === undefined ? undefined : digest(token);
  const check = (req: FastifyRequest) => {
    const raw = bearerToken(req);
    if (!raw)
      throw new ApiError(
        'missing_credentials',
        'GET /metrics needs Authorization: Bearer <token> with an API token from apiTokens or the scrape token (server.metrics.token); or set server.metrics.public: true.',
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
