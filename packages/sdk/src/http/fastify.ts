/**
 * Golden signals and server spans for Fastify: an `onRequest` hook notes the start and opens the request's
 * SERVER span (the route template, `request.routeOptions.url`, is known by then), an `onResponse` hook records
 * the method, route, status and duration and ends the span. The rest of the request (body parsing, hooks, the
 * handler) continues from `onRequest`'s `done` in the span's context, so the handler's work, a Bedrock call for
 * one, becomes the span's child (a test checks it with a body that arrives late).
 * Registered without encapsulation, so it sees every route of the instance.
 */
import { context } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { exemplarOf, sdkTracer } from '../tracing/tracing.ts';
import { httpServerMetrics, type GoldenSignalsOptions } from './semconv.ts';
import { endServerSpan, startServerSpan, type ServerSpan } from './span.ts';

// The slice of Fastify's types this module needs (Fastify is not a dependency of the SDK).
interface RequestLike {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  protocol?: 'http' | 'https';
  routeOptions?: { url?: string };
}
interface ReplyLike {
  statusCode: number;
}
type Hook = (request: RequestLike, reply: ReplyLike, done: () => void) => void;

export interface FastifyLike {
  addHook(name: 'onRequest' | 'onResponse', hook: Hook): unknown;
}

function plugin(app: FastifyLike, options: GoldenSignalsOptions, done: (err?: Error) => void): void {
  const http = httpServerMetrics(options);
  const now = options.now ?? (() => performance.now());
  const tracer = sdkTracer(options.tracerProvider);
  const started = new WeakMap<RequestLike, number>();
  const spans = new WeakMap<RequestLike, ServerSpan>();
  app.addHook('onRequest', (request, _reply, next) => {
    started.set(request, now());
    const server = startServerSpan(tracer, request, request.routeOptions?.url, request.protocol);
    spans.set(request, server);
    context.with(server.context, next);
  });
  app.addHook('onResponse', (request, reply, next) => {
    const start = started.get(request);
    const server = spans.get(request);
    const route = request.routeOptions?.url;
    if (start !== undefined) {
      http.record(request.method, route, reply.statusCode, (now() - start) / 1000, exemplarOf(server?.span));
    }
    if (server) endServerSpan(server.span, request.method, route, reply.statusCode);
    next();
  });
  done();
}

/**
 * The Fastify plugin.
 *
 * @example
 * await app.register(fastifyGoldenSignals, { metrics, serviceName: 'story-api' });
 */
export const fastifyGoldenSignals = Object.assign(plugin, {
  // What fastify-plugin sets: no encapsulation, and a name in Fastify's plugin tree.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'klaxon-golden-signals',
});
