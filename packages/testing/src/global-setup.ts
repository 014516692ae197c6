/**
 * Starts a throwaway PostgreSQL server for the store tests (unless KLAXON_TEST_PG_URL points at one) and
 * hands its URL to the tests. Under CI=true a missing PostgreSQL fails the run instead of skipping.
 */
import type { TestProject } from 'vitest/node';
import { findPgBin, startTempPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.KLAXON_TEST_PG_URL) {
    project.provide('pgUrl', process.env.KLAXON_TEST_PG_URL);
    return undefined;
  }
  if (!findPgBin()) {
    if (process.env.CI === 'true') {
      throw new Error(
        'PostgreSQL is not installed, and CI=true forbids skipping its tests. Run scripts/install-deps.sh.',
      );
    }
    console.warn(
      '[klaxon tests] PostgreSQL not found: PostgreSQL store tests are SKIPPED. Run scripts/install-deps.sh.',
    );
    project.provide('pgUrl', null);
    return undefined;
  }
  const pg = await startTempPostgres({ durable: false });
  project.provide('pgUrl', pg.url);
  return () => pg.stop();
}
