/**
 * HTTP plumbing, with no domain in it: the Fastify instance and its limits, zod validation and the
 * OpenAPI document, the session cookie parser, the sign-in rate limiter, security headers, the one
 * error mapping (ApiError bodies), and the web UI with its deep-link fallback. The composition root
 * (app/) creates it and each domain registers its own routes on it.
 */
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiError, toApiError } from '../errors/errors.ts';
import { isUiPath, registerUi } from './ui.ts';
import { zodToOpenApi, zodValidatorCompiler } from '../validation/http.ts';

export interface HttpOptions {
  logger?: FastifyServerOptions['logger'];
  bodyLimitBytes: number;
  /** The API version in the OpenAPI document. */
  apiVersion: string;
  /** The built web UI to serve at `/`; absent: no UI, `/` says how to build it. */
  uiRoot?: string;
}

export async function createHttp(opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(cookie);
  // Only routes that ask for it (sign-in) are limited; the limit is per client address and per process.
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
  await app.register(helmet, {
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
    // The UI is also served over plain http on localhost (the demo): HSTS would only confuse that.
    strictTransportSecurity: false,
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
