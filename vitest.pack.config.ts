import { defineConfig } from 'vitest/config';
import { sourceConditions } from './vitest.shared.ts';

/**
 * The published packages: `npm pack` of @klaxon/cli and @klaxon/sdk, installed into an empty project outside
 * the repository (from the npm registry; better-sqlite3 builds from source), then run.
 */
export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['packages/cli/test/pack/**/*.test.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 1_200_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
