/**
 * Golden signals for Node's `http` (and `https`) server: a wrapper of the request listener. Plain `node:http`
 * has no routes, so the caller says how to find a request's route template; without one every request is
 * recorded under `UNMATCHED_ROUTE`, never under its URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpServerMetrics, type GoldenSignalsOptions } from './semconv.ts';

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
  return (request, response) => {
    const start = now();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      http.record(request.method, options.route?.(request), response.statusCode, (now() - start) / 1000);
    };
    response.once('finish', record);
    response.once('close', record);
    listener(request, response);
  };
}
