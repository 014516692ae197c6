/**
 * HTTP server spans (stable OpenTelemetry HTTP semconv): name `{method} {route}` (`{method}` when no route
 * matched), kind SERVER, `http.request.method`, `url.path`, `url.scheme`, `http.route`,
 * `http.response.status_code`, and `error.type` with status ERROR on a 5xx. The parent comes from the request's
 * headers through the API's propagator, which is a no-op unless the application registered one (its OTel SDK
 * does, W3C `traceparent` by default).
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { normalizeMethod } from './semconv.ts';

export interface ServerSpan {
  span: Span;
  /** The span's context: run the handler in it so its work (a Bedrock call) becomes the span's children. */
  context: Context;
}

/** The path of a request target, without its query (which may hold secrets). */
function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q >= 0 ? target.slice(0, q) : target;
}

/** Starts the server span of a request whose route may already be known (Fastify) or not yet (`node:http`). */
export function startServerSpan(
  tracer: Tracer,
  request: { method?: string; url?: string; headers: IncomingHttpHeaders },
  route: string | undefined,
  scheme: 'http' | 'https' = 'http',
): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const method = normalizeMethod(request.method);
  const span = tracer.startSpan(
    route ? `${method} ${route}` : method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.path': pathOf(request.url),
        'url.scheme': scheme,
        ...(route ? { 'http.route': route } : {}),
        ...(method === '_OTHER' && request.method
          ? { 'http.request.method_original': request.method.slice(0, 32) }
          : {}),
      },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends the span with the response status, naming it after the route when it became known late. */
export function endServerSpan(
  span: Span,
  method: string | undefined,
  route: string | undefined,
  status: number,
): void {
  if (route) {
    span.setAttribute('http.route', route);
    span.updateName(`${normalizeMethod(method)} ${route}`);
  }
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
