import { defineConfig } from 'vitest/config';
import { sourceConditions } from './vitest.shared.ts';

/** The game days: every scenario against real Prometheus, Alertmanager, the engine and the simulator. */
export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['packages/demo/gameday/**/*.test.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    // Three stacks at a time on 2 cores: with four, a stack starting on the backfilled history could starve
    // another's scrapes long enough to reset its alerts' `for:` (seen once with the 17 scenarios of issue 21).
    maxConcurrency: 3,
  },
});
