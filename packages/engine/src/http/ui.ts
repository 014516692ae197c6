/**
 * Serves the built web UI (packages/web/dist) at `/`: hashed assets cached for a year, index.html never
 * cached, and every other browser path answered with index.html so deep links (an incident URL in an
 * SMS) open the single-page app. API paths keep their JSON 404.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the API, never to the UI. */
export const API_PREFIXES = ['/api/', '/auth/', '/metrics', '/healthz', '/readyz'];

export function isUiPath(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0]!;
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))
  );
}

/** Registers the UI; returns the fallback the not-found handler calls, or null without a built UI. */
export async function registerUi(
  app: FastifyInstance,
  root: string | undefined,
): Promise<((req: FastifyRequest, reply: FastifyReply) => FastifyReply) | null> {
  if (!root || !existsSync(join(root, 'index.html'))) return null;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // A wildcard route rather than one route per file found at start-up: a rebuilt UI's new hashed
    // assets are served without a restart. A path with no file falls through to the not-found handler,
    // which answers index.html to browsers and JSON to API clients.
    wildcard: true,
    index: false,
    setHeaders(res, path) {
      res.setHeader(
        'cache-control',
        path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const index = (_req: FastifyRequest, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, index);
  return index;
}
