/**
 * The HTTP side every exporter shares: `GET /metrics` serves one exporter's registry, behind the
 * credentials of metrics-auth.ts (a bearer token, basic auth, HTTPS with client certificates) when any
 * are configured; `GET /healthz` says the process is up, to anyone. A scrape only serialises what is
 * already in the registry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { httpsOptions, webHeaders } from '@klaxon/config-file';
import { createMetricsAuth, type MetricsAuthOptions } from './metrics-auth.ts';

export interface MetricsServerOptions {
  registry: Registry;
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  /** Who may scrape, and whether over HTTPS; default: anyone, over HTTP. */
  auth?: MetricsAuthOptions;
}

export interface MetricsServer {
  /** `http://host:port` (`https://` with `tls_server_config`), without a trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `registry` on `/metrics` until closed.
 *
 * @example
 * const server = await startMetricsServer({
 *   registry: prober.registry,
 *   port: 9470,
 *   auth: { tokens: [readTokenFile('/var/run/secrets/klaxon-metrics/token')] },
 * });
 * // curl -H "Authorization: Bearer $(cat …/token)" http://127.0.0.1:9470/metrics
 * await server.close();
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const { registry } = opts;
  const auth = createMetricsAuth(opts.auth ?? {});
  const headers = webHeaders(opts.auth?.web);
  const tls = opts.auth?.web?.tls_server_config;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      auth.allows(req).then(
        (allowed) => (allowed ? serveMetrics(registry, res) : unauthorized(res, auth.challenges)),
        () => unauthorized(res, auth.challenges),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
    }
  };
  const server: Server | HttpsServer = tls
    ? createHttpsServer(httpsOptions(tls), handle)
    : createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  return {
    url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function serveMetrics(registry: Registry, res: ServerResponse): void {
  registry.metrics().then(
    (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
    (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
  );
}

/** 401 with the challenges; a TLS client-certificate refusal has none and says so. */
function unauthorized(res: ServerResponse, challenges: readonly string[]): void {
  res
    .writeHead(401, {
      'content-type': 'text/plain',
      ...(challenges.length > 0 ? { 'www-authenticate': [...challenges] } : {}),
    })
    .end(
      challenges.length > 0
        ? 'Unauthorized: /metrics needs Authorization: Bearer <token> or basic auth\n'
        : 'Unauthorized: /metrics needs a client certificate\n',
    );
}
