/**
 * Exemplar labels for the prom-client output: the OpenMetrics `trace_id` and `span_id` of the trace an
 * observation belongs to, from the caller's explicit `Exemplar` or else the active OpenTelemetry span (only
 * when valid and sampled: an unsampled trace is never exported, so linking to it would lead nowhere). The label
 * object of the last span is kept, so a call that records several points allocates it once.
 */
import {
  ROOT_CONTEXT,
  TraceFlags,
  context,
  isSpanContextValid,
  isValidSpanId,
  isValidTraceId,
  trace,
  type SpanContext,
} from '@opentelemetry/api';
import type { Exemplar } from './types.ts';

export type ExemplarLabels = Readonly<{ trace_id: string; span_id: string }>;

/** What prom-client takes for "no exemplar": an empty set leaves the bucket's last exemplar as it was. */
export const NO_EXEMPLAR: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Whether any OpenTelemetry context is active (false with no context manager or outside every span): the
 * cheap first question, so an untraced service never looks further.
 */
export function inActiveContext(): boolean {
  return context.active() !== ROOT_CONTEXT;
}

/**
 * The active span's context when it is sampled, else undefined. Cheap (no validation, no allocation), so the
 * caller can ask whether an exemplar is due before making one.
 */
export function sampledSpanContext(): SpanContext | undefined {
  const sc = trace.getSpanContext(context.active());
  return sc !== undefined && (sc.traceFlags & TraceFlags.SAMPLED) !== 0 ? sc : undefined;
}

let lastContext: SpanContext | undefined;
let lastLabels: ExemplarLabels | undefined;

/** A span context's exemplar labels, or undefined when its ids are not valid. */
export function spanExemplar(sc: SpanContext): ExemplarLabels | undefined {
  if (sc === lastContext) return lastLabels;
  lastContext = sc;
  lastLabels = isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : undefined;
  return lastLabels;
}

let lastTraceId = '';
let lastSpanId = '';
let lastExplicitLabels: ExemplarLabels | undefined;

/**
 * The labels of a caller's exemplar. Ids that are not valid W3C trace context ids (hex of the right length,
 * not all zeros) are dropped with the exemplar, so free text never reaches the exposition.
 */
export function explicitExemplar(exemplar: Exemplar): ExemplarLabels | undefined {
  const { traceId, spanId } = exemplar;
  if (traceId === lastTraceId && spanId === lastSpanId) return lastExplicitLabels;
  const labels =
    isValidTraceId(traceId) && isValidSpanId(spanId) ? { trace_id: traceId, span_id: spanId } : undefined;
  lastTraceId = traceId;
  lastSpanId = spanId;
  lastExplicitLabels = labels;
  return labels;
}
