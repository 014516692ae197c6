/**
 * Test helper: a real OpenTelemetry TracerProvider (sdk-trace 3.x) with an in-memory exporter and the
 * AsyncLocalStorage context manager installed globally, so `context.active()` carries the span a test starts.
 */
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface TestTracing {
  tracer: Tracer;
  /** A tracer whose spans are never sampled (valid ids, SAMPLED flag off). */
  unsampled: Tracer;
  exporter: InMemorySpanExporter;
  /** Runs `fn` inside a new active span, then ends it. */
  inSpan<T>(tracer: Tracer, fn: (span: Span) => T): T;
  stop(): Promise<void>;
}

export function startTestTracing(): TestTracing {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const off = new TracerProvider({ sampler: new AlwaysOffSampler() });
  return {
    tracer: provider.getTracer('klaxon-sdk-test'),
    unsampled: off.getTracer('klaxon-sdk-test'),
    exporter,
    inSpan(tracer, fn) {
      const span = tracer.startSpan('test');
      try {
        return context.with(trace.setSpan(context.active(), span), () => fn(span));
      } finally {
        span.end();
      }
    },
    async stop() {
      await provider.shutdown();
      await off.shutdown();
      context.disable();
    },
  };
}
