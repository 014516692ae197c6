/**
 * HTTP server golden signals as the stable OpenTelemetry HTTP semconv: `http.server.request.duration`,
 * exported to Prometheus as `http_server_request_duration_seconds{service_name,http_request_method,http_route,
 * http_response_status_code}`. Its `_count` is traffic, its 5xx share errors, its buckets latency.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { Metrics } from '../metrics/metrics.ts';
import type { Exemplar, MetricDefinition } from '../metrics/types.ts';

/** `http_route` of a request no route matched: the raw URL is never a label. */
export const UNMATCHED_ROUTE = 'unmatched';

/** `http.server.request.duration` advisory boundaries, seconds. */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

export type HttpServerLabels = {
  service_name: string;
  http_request_method: string;
  http_route: string;
  http_response_status_code: string;
};

export const HTTP_SERVER_DURATION: MetricDefinition<HttpServerLabels> = {
  name: 'http_server_request_duration_seconds',
  otelName: 'http.server.request.duration',
  help: 'Duration of HTTP server requests.',
  unit: 's',
  labels: {
    service_name: 'service.name',
    http_request_method: 'http.request.method',
    http_route: 'http.route',
    http_response_status_code: 'http.response.status_code',
  },
  buckets: HTTP_DURATION_BUCKETS,
};

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/** The semconv method: one of the known methods, else `_OTHER` (a client can send any token). */
export function normalizeMethod(method: string | undefined): string {
  const m = method?.toUpperCase() ?? '';
  return KNOWN_METHODS.has(m) ? m : '_OTHER';
}

export interface GoldenSignalsOptions {
  metrics: Metrics;
  /** The `service_name` label. */
  serviceName: string;
  /** Monotonic milliseconds; `performance.now` unless a test injects a clock. */
  now?: () => number;
  /** Where the SERVER spans go; the global provider (a no-op until the application registers one) unless given. */
  tracerProvider?: TracerProvider;
}

export interface HttpServerMetrics {
  /**
   * Records one finished request; `route` is the route template, or undefined when none matched; `exemplar`
   * the request's span (see `exemplarOf`).
   */
  record(
    method: string | undefined,
    route: string | undefined,
    statusCode: number,
    seconds: number,
    exemplar?: Exemplar,
  ): void;
}

/**
 * The golden-signals histogram for one service, for servers other than Fastify and `node:http`.
 *
 * @example
 * const http = httpServerMetrics({ metrics, serviceName: 'story-api' });
 * http.record('GET', '/stories/:id', 200, 0.012);
 */
export function httpServerMetrics(
  options: Pick<GoldenSignalsOptions, 'metrics' | 'serviceName'>,
): HttpServerMetrics {
  const duration = options.metrics.histogram(HTTP_SERVER_DURATION);
  return {
    record(method, route, statusCode, seconds, exemplar) {
      duration.observe(
        {
          service_name: options.serviceName,
          http_request_method: normalizeMethod(method),
          http_route: route || UNMATCHED_ROUTE,
          http_response_status_code: String(statusCode),
        },
        seconds,
        exemplar,
      );
    },
  };
}
