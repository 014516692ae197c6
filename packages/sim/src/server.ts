/**
 * Serves the platform's targets over HTTP: `GET /targets/<job>/metrics` for each job (advancing the
 * platform to `now()` first), behind `Authorization: Bearer <token>` when a token is given, as a secured
 * exporter would be; `GET /` listing them and `GET /healthz`, always open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Platform } from './platform/platform.ts';

export interface SimServerOptions {
  platform: Platform;
  /** Epoch ms; the platform is advanced to this before every scrape. */
  now: () => number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** When set, every target answers 401 unless the scrape sends `Authorization: Bearer <token>`. */
  token?: string;
}

export interface SimServer {
  url: string;
  targets: { job: string; path: string }[];
  close(): Promise<void>;
}

const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether `req` carries the bearer token (compared in constant time); true when there is none to ask. */
function authorized(req: IncomingMessage, token: Buffer | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), token);
}

/**
 * @example
 * const sim = await startSimServer({ platform, now: () => Date.now(), token: 'scrape-token-…' });
 * // scrape `${sim.url}${sim.targets[0].path}` with Authorization: Bearer scrape-token-…
 * await sim.close();
 */
export async function startSimServer(o: SimServerOptions): Promise<SimServer> {
  const targets = o.platform.targets().map((job) => ({ job, path: `/targets/${job}/metrics` }));
  const byPath = new Map(targets.map((t) => [t.path, t.job]));
  const token = o.token === undefined ? undefined : digest(o.token);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ targets }));
      return;
    }
    const job = byPath.get(path);
    if (!job) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no target at ${path}; see GET /\n`);
      return;
    }
    if (!authorized(req, token)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
        .end('Unauthorized: send Authorization: Bearer <token>\n');
      return;
    }
    try {
      o.platform.advanceTo(o.now());
      res.writeHead(200, { 'content-type': TEXT_FORMAT }).end(o.platform.exposition(job));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    targets,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
