import { defineConfig } from 'vitest/config';
import { sourceConditions } from './vitest.shared.ts';

/** The web UI in a real browser: Playwright (playwright-core) driving Debian's Chromium against the engine. */
export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['packages/web/e2e/**/*.test.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
