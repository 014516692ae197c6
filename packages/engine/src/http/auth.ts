/**
 * Who is calling: integration keys (for ingest) and API tokens with a role (for the API), both from the
 * config. Keys are looked up by their SHA-256 so lookups take the same time whatever the guess.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type {
  ApiTokenConfig,
  IntegrationKeyConfig,
  IntegrationSource,
  KlaxonConfig,
  Role,
} from '../config/schema.ts';
import { ApiError } from './errors.ts';

const ROLE_RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

export interface Principal {
  name: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export class Credentials {
  readonly #keys: Map<string, IntegrationKeyConfig>;
  readonly #tokens: Map<string, ApiTokenConfig>;

  constructor(config: Pick<KlaxonConfig, 'integrationKeys' | 'apiTokens'>) {
    this.#keys = new Map(config.integrationKeys.map((k) => [digest(k.key), k]));
    this.#tokens = new Map(config.apiTokens.map((t) => [digest(t.token), t]));
  }

  /** The integration key for `source`, or an ApiError saying what is wrong with it. */
  integration(key: string | undefined, source: IntegrationSource): IntegrationKeyConfig {
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
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** A preHandler that requires an API token with at least `role`. */
export function requireRole(credentials: Credentials, role: Role): preHandlerAsyncHookHandler {
  return async (req) => {
    const raw = bearerToken(req);
    if (!raw)
      throw new ApiError(
        'missing_credentials',
        'Send Authorization: Bearer <API token> with a token from apiTokens in the config.',
      );
    const token = credentials.token(raw);
    if (!token)
      throw new ApiError(
        'invalid_credentials',
        'The API token is not in the config. Check for typos or a rotated token.',
      );
    if (ROLE_RANK[token.role] < ROLE_RANK[role]) {
      throw new ApiError(
        'forbidden',
        `This needs the ${role} role; token "${token.name}" has ${token.role}.`,
      );
    }
    req.principal = { name: token.name, role: token.role };
    return Promise.resolve();
  };
}
