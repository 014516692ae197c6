import { configDefaults, defineConfig } from 'vitest/config';
import { sourceConditions } from './vitest.shared.ts';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The game days run on their own: `npm run test:gameday` (vitest.gameday.config.ts), and so does the
    // packaging test: `npm run test:pack` (vitest.pack.config.ts).
    exclude: [...configDefaults.exclude, 'packages/cli/test/pack/**'],
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
