/**
 * HTTP plumbing, with no domain in it: the Fastify instance and its limits (body size, timeouts,
 * connection cap, trusted proxies), zod validation and the OpenAPI document, the session cookie parser,
 * the sign-in rate limiter, security headers (HSTS over HTTPS), request logs without query-string
 * secrets, the one error mapping (ApiError bodies), and the web UI with its deep-link fallback. The
 * composition root (app/) creates it and each domain registers its own routes on it.
 */
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import { pino, type DestinationStream } from 'pino';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { ApiError, toApiError } from '../errors/errors.ts';
import { isUiPath, registerUi } from './ui.ts';
import { helmetHeaders } from './security-headers.ts';
import { zodToOpenApi, zodValidatorCompiler } from '../validation/http.ts';

/** How long a connection may take, and how many there may be (`server.*` in the config). */
export interface HttpLimits {
  /** The whole request (headers and body) must have arrived this long after it began. */
  requestTimeoutMs: number;
  /** The headers must have arrived this long after the request began; at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic either way is closed after this long. */
  idleTimeoutMs: number;
  maxConnections: number;
}

export interface HttpOptions {
  logger?: FastifyServerOptions['logger'];
  /** One logger for several instances (config generations); takes the place of `logger`. */
  loggerInstance?: FastifyBaseLogger | undefined;
  /**
   * A socket shared by several instances (one per config generation, see app/gateway.ts): the instance
   * never listens on it or closes it, and the server's own limits (createNodeServer) apply, not `limits`.
   */
  server?: Server | undefined;
  bodyLimitBytes: number;
  limits: HttpLimits;
  /** Proxies whose X-Forwarded-For/-Proto are believed (addresses, CIDR ranges); empty: none. */
  trustedProxies: readonly string[];
  /** Strict-Transport-Security: undefined, over HTTPS only; true, always; false, never. */
  hsts?: boolean | undefined;
  /** The API version in the OpenAPI document. */
  apiVersion: string;
  /** The built web UI to serve at `/`; absent: no UI, `/` says how to build it. */
  uiRoot?: string;
}

/** The Strict-Transport-Security value: a year, this host only (sibling subdomains are not ours to pin). */
export const HSTS_VALUE = 'max-age=31536000';

/** Query parameters whose values never reach a log: feed tokens, SNS keys, signatures, OAuth codes. */
const SECRET_PARAM = /token|secret|key|signature|password|passwd|credential|^sig$|^code$|^state$|^auth/i;

/** `url` with the value of every secret-looking query parameter replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return part;
      const rawName = part.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the raw name.
      }
      return SECRET_PARAM.test(name) ? `${rawName}=[redacted]` : part;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** Fastify's request log value (the same fields as its own), with the URL's secrets redacted. */
function requestLogValue(req: FastifyRequest) {
  const version = req.headers['accept-version'];
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: typeof version === 'string' ? version : undefined,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

function loggerOptions(logger: HttpOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return { ...base, serializers: { ...base.serializers, req: requestLogValue } };
}

/** A logger as Fastify makes it from `logger`, with the same redacting request serializer; none when off. */
export function createLogger(logger: HttpOptions['logger']): FastifyBaseLogger | undefined {
  const options = loggerOptions(logger);
  if (!options) return undefined;
  const { stream, file, ...rest } = options as Exclude<typeof options, boolean | undefined> & {
    stream?: DestinationStream;
    file?: string;
  };
  return pino({ level: 'info', ...rest }, stream ?? (file ? pino.destination(file) : undefined));
}

/** Node's server Fastify creates for `limits`, for a socket shared by several instances. */
export function createNodeServer(l: HttpLimits, tls?: HttpsServerOptions): Server {
  const options = {
    requestTimeout: l.requestTimeoutMs,
    headersTimeout: l.headersTimeoutMs,
    // Node checks both timeouts on this interval (default 30 s): a quarter of the shorter one.
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(30_000, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4)),
    ),
  };
  // HTTPS only where the config asks for it (the metrics port's web config file); else plain HTTP.
  const server: Server = tls ? createHttpsServer({ ...tls, ...options }) : createServer(options);
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  server.setTimeout(l.idleTimeoutMs);
  // Connections beyond the cap are closed by Node as they arrive; the earlier ones go on being served.
  server.maxConnections = l.maxConnections;
  return server;
}

export async function createHttp(opts: HttpOptions): Promise<FastifyInstance> {
  const l = opts.limits;
  const shared = opts.server;
  const app = Fastify({
    ...(opts.loggerInstance
      ? { loggerInstance: opts.loggerInstance }
      : { logger: loggerOptions(opts.logger) }),
    ...(shared ? { serverFactory: () => shared } : {}),
    bodyLimit: opts.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // req.ip and req.protocol come from X-Forwarded-For/-Proto only when a trusted proxy sent them.
    trustProxy: opts.trustedProxies.length > 0 ? [...opts.trustedProxies] : false,
    // Stalled and trickled requests are closed (Fastify's own defaults never time them out).
    requestTimeout: l.requestTimeoutMs,
    connectionTimeout: l.idleTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    http: {
      requestTimeout: l.requestTimeoutMs,
      headersTimeout: l.headersTimeoutMs,
      // Node checks both timeouts on this interval (default 30 s): a quarter of the shorter one.
      connectionsCheckingInterval: Math.max(
        100,
        Math.min(30_000, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 4)),
      ),
    },
  });
  // Connections beyond the cap are closed by Node as they arrive; the earlier ones go on being served.
  if (!shared) app.server.maxConnections = l.maxConnections;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(cookie);
  // Only routes that ask for it (sign-in) are limited; the limit is per client address (req.ip: the
  // client behind a trusted proxy) and per process. Sign-in adds its own per-user-name limit.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(
        'too_many_attempts',
        `Too many sign-in attempts from this address: at most ${ctx.max} a minute. Try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
      ),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Klaxon engine API',
        version: opts.apiVersion,
        description:
          'Alert ingest, incidents and on-call. Errors are `{ error: { code, message, details? } }`; see docs/api.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: zodToOpenApi,
  });

  // Security headers for the UI and the API: the UI loads only its own scripts and talks only to this
  // origin; no framing (clickjacking on the acknowledge button).
  const security = await helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Sent below only over HTTPS: the UI is also served over plain http on localhost (the demo).
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of security) reply.raw.setHeader(name, value);
    done();
  });
  if (opts.hsts !== false)
    app.addHook('onRequest', (req, reply, done) => {
      if (opts.hsts === true || req.protocol === 'https')
        void reply.header('strict-transport-security', HSTS_VALUE);
      done();
    });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(apiError.status).send(apiError.toBody());
  });
  const ui = await registerUi(app, opts.uiRoot);
  app.setNotFoundHandler((req, reply) => {
    if (ui && isUiPath(req) && (req.headers.accept ?? '').includes('text/html')) return ui(req, reply);
    if (!ui && req.url === '/')
      return reply
        .code(404)
        .send(
          new ApiError(
            'route_not_found',
            'The web UI is not built or not served by this process: run `npm run build:web` and start the engine with `klaxon serve` (or `klaxon demo`).',
          ).toBody(),
        );
    const e = new ApiError(
      'route_not_found',
      `No endpoint ${req.method} ${req.url.split('?')[0]}. See /api/v1/openapi.json for the API.`,
    );
    return reply.code(404).send(e.toBody());
  });

  return app;
}
