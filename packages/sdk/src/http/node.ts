/**
 * Golden signals and server spans for Node's `http` (and `https`) server: a wrapper of the request listener.
 * Plain `node:http` has no routes, so the caller says how to find a request's route template; without one every
 * request is recorded under `UNMATCHED_ROUTE`, never under its URL. The listener runs in the request's SERVER
 * span's context, so its work (a Bedrock call) becomes the span's child.
 */
import { context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exemplarOf, sdkTracer } from '../tracing/tracing.ts';
import { httpServerMetrics, type GoldenSignalsOptions } from './semconv.ts';
import { endServerSpan, startServerSpan } from './span.ts';

export interface NodeGoldenSignalsOptions<Req extends IncomingMessage> extends GoldenSignalsOptions {
  /** The route template of a request (e.g. `/stories/:id`), called when the response ends. */
  route?: (request: Req) => string | undefined;
}

type Listener<Req extends IncomingMessage, Res extends ServerResponse> = (
  request: Req,
  response: Res,
) => void;

/**
 * Wraps a request listener so each response is recorded when it finishes (or the connection closes first).
 *
 * @example
 * const server = createServer(instrumentRequestListener(app, { metrics, serviceName: 'game-api', route: routeOf }));
 */
export function instrumentRequestListener<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(listener: Listener<Req, Res>, options: NodeGoldenSignalsOptions<Req>): Listener<Req, Res> {
  const http = httpServerMetrics(options);
  const now = options.now ?? (() => performance.now());
  const tracer = sdkTracer(options.tracerProvider);
  return (request, response) => {
    const start = now();
    const scheme = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const server = startServerSpan(tracer, request, undefined, scheme);
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const route = options.route?.(request);
      const seconds = (now() - start) / 1000;
      http.record(request.method, route, response.statusCode, seconds, exemplarOf(server.span));
      endServerSpan(server.span, request.method, route, response.statusCode);
    };
    response.once('finish', record);
    response.once('close', record);
    context.with(server.context, () => listener(request, response));
  };
}
