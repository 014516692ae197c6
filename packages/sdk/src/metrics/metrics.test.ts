import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, prometheusOutput, type MetricDefinition } from '../index.ts';
import { only, samples, seriesKey } from '../../test/prom.ts';

const JOBS: MetricDefinition<{ queue: 'high' | 'low'; tenant: string }> = {
  name: 'jobs_total',
  otelName: 'jobs',
  help: 'Jobs.',
  unit: '{job}',
  labels: { queue: 'queue', tenant: 'tenant' },
};

describe('createMetrics', () => {
  it('keeps the first maxValues distinct values of a label and collapses the rest to "other"', async () => {
    const registry = new Registry();
    const jobs = createMetrics({ output: prometheusOutput(registry), limits: { maxValues: 2 } }).counter(
      JOBS,
    );
    for (const tenant of ['a', 'b', 'c', 'a', 'd']) jobs.inc({ queue: 'high', tenant });

    const s = await samples(registry);
    expect(only(s, 'jobs_total')).toEqual({
      [seriesKey('jobs_total', { queue: 'high', tenant: 'a' })]: 2,
      [seriesKey('jobs_total', { queue: 'high', tenant: 'b' })]: 1,
      [seriesKey('jobs_total', { queue: 'high', tenant: 'other' })]: 2,
    });
    expect(only(s, 'klaxon_sdk_label_overflow_total')).toEqual({
      [seriesKey('klaxon_sdk_label_overflow_total', { metric: 'jobs_total', label: 'tenant' })]: 2,
    });
  });

  it('accepts only declared values when a label has a rule, and refuses free text by length', async () => {
    const registry = new Registry();
    const metrics = createMetrics({
      output: prometheusOutput(registry),
      limits: { maxLength: 20, labels: { queue: { values: ['high'] } } },
    });
    const jobs = metrics.counter(JOBS);
    jobs.inc({ queue: 'low', tenant: 'acme' });
    jobs.inc({ queue: 'high', tenant: 'Write me a story about a dragon who loses his hoard' });

    const s = await samples(registry);
    expect(only(s, 'jobs_total')).toEqual({
      [seriesKey('jobs_total', { queue: 'other', tenant: 'acme' })]: 1,
      [seriesKey('jobs_total', { queue: 'high', tenant: 'other' })]: 1,
    });
    expect(s[seriesKey('klaxon_sdk_label_overflow_total', { metric: 'jobs_total', label: 'queue' })]).toBe(1);
    expect(s[seriesKey('klaxon_sdk_label_overflow_total', { metric: 'jobs_total', label: 'tenant' })]).toBe(
      1,
    );
  });

  it('bounds each metric separately and does not change the caller’s label object', async () => {
    const registry = new Registry();
    const metrics = createMetrics({ output: prometheusOutput(registry), limits: { maxValues: 1 } });
    const jobs = metrics.counter(JOBS);
    const other = metrics.counter({ ...JOBS, name: 'other_jobs_total' });
    const labels = { queue: 'low' as const, tenant: 'x' };
    jobs.inc({ queue: 'low', tenant: 'first' });
    jobs.inc(labels);
    other.inc(labels);
    expect(labels).toEqual({ queue: 'low', tenant: 'x' });
    const s = await samples(registry);
    expect(s[seriesKey('jobs_total', { queue: 'low', tenant: 'other' })]).toBe(1);
    expect(s[seriesKey('other_jobs_total', { queue: 'low', tenant: 'x' })]).toBe(1);
  });

  it('returns the same instrument for the same name and refuses a second kind', () => {
    const metrics = createMetrics({ output: prometheusOutput(new Registry()) });
    expect(() => metrics.counter(JOBS)).not.toThrow();
    expect(() => metrics.counter(JOBS)).not.toThrow();
    expect(() => metrics.histogram(JOBS)).toThrow(/already a counter/);
  });

  it('type-checks label names and values (compile time; tsc runs over the tests)', () => {
    const jobs = createMetrics({ output: prometheusOutput(new Registry()) }).counter(JOBS);
    const neverCalled = () => {
      // @ts-expect-error: 'urgent' is not a queue
      jobs.inc({ queue: 'urgent', tenant: 'a' });
      // @ts-expect-error: user_id is not a label of jobs_total
      jobs.inc({ queue: 'high', tenant: 'a', user_id: '42' });
      // @ts-expect-error: a definition must map every label
      const incomplete: MetricDefinition<{ a: string; b: string }> = { ...JOBS, labels: { a: 'a' } };
      return incomplete;
    };
    expect(neverCalled).toBeTypeOf('function');
  });

  it('writes to several outputs at once', async () => {
    const r1 = new Registry();
    const r2 = new Registry();
    createMetrics({ output: [prometheusOutput(r1), prometheusOutput(r2)] })
      .counter(JOBS)
      .inc({ queue: 'high', tenant: 't' }, 3);
    const key = seriesKey('jobs_total', { queue: 'high', tenant: 't' });
    expect((await samples(r1))[key]).toBe(3);
    expect((await samples(r2))[key]).toBe(3);
  });
});
