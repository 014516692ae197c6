import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The game days run on their own: `npm run test:gameday` (vitest.gameday.config.ts).
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['./packages/testing/src/global-setup.ts'],
    // The web UI's calendar tests lay shifts out on local days: make "local" the same everywhere.
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
