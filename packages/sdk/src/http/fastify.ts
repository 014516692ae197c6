/**
 * Golden signals for Fastify: an `onRequest` hook notes the start, an `onResponse` hook records the route
 * template (`request.routeOptions.url`), method, status and duration. Registered without encapsulation, so it
 * sees every route of the instance it is registered on.
 */
import { httpServerMetrics, type GoldenSignalsOptions } from './semconv.ts';

// The slice of Fastify's types this module needs (Fastify is not a dependency of the SDK).
interface RequestLike {
  method: string;
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
  const started = new WeakMap<RequestLike, number>();
  app.addHook('onRequest', (request, _reply, next) => {
    started.set(request, now());
    next();
  });
  app.addHook('onResponse', (request, reply, next) => {
    const start = started.get(request);
    if (start !== undefined) {
      http.record(request.method, request.routeOptions?.url, reply.statusCode, (now() - start) / 1000);
    }
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
