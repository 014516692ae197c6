/**
 * The SDK's link to OpenTelemetry tracing: which tracer it uses, the exemplar of a span, and the content-capture
 * switch. Everything goes through `@opentelemetry/api`, so nothing is traced (and nothing costs more than a no-op
 * call) until the application registers its own SDK and exporter.
 */
import {
  TraceFlags,
  isSpanContextValid,
  trace,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { Exemplar } from '../metrics/types.ts';

/** The instrumentation scope name of every span this SDK creates. */
export const TRACER_NAME = '@klaxon/sdk';
/** The instrumentation scope version: this package's version (a test keeps it equal to package.json's). */
export const SDK_VERSION = '0.1.0';

/** The SDK's tracer from `provider`, or from the global provider (a no-op until the application registers one). */
export function sdkTracer(provider?: TracerProvider): Tracer {
  return (provider ?? trace.getTracerProvider()).getTracer(TRACER_NAME, SDK_VERSION);
}

/** The span's ids as a metric exemplar, when the span is valid and sampled; otherwise undefined. */
export function exemplarOf(span: Span | undefined): Exemplar | undefined {
  if (!span) return undefined;
  const sc = span.spanContext();
  if (!isSpanContextValid(sc) || (sc.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { traceId: sc.traceId, spanId: sc.spanId };
}

/** The OpenTelemetry convention's switch for recording prompts and completions. */
export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** `explicit` when given, else whether the environment variable is `true` (case-insensitive). */
export function captureContentEnabled(
  explicit: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (explicit !== undefined) return explicit;
  return env[CAPTURE_CONTENT_ENV]?.trim().toLowerCase() === 'true';
}
