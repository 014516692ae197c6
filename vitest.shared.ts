/** What every vitest config shares. */
import { defaultServerConditions } from 'vite';

/**
 * Tests import a published package (@klaxon/sdk, @klaxon/cli) from its TypeScript sources: the `@klaxon/source`
 * export condition first, then Vite's server defaults (setting `conditions` replaces them) without `module`:
 * with it, packages such as the AWS SDK resolve to their bundler-only builds (imports without file
 * extensions), which Node cannot load.
 */
export const sourceConditions = {
  ssr: {
    resolve: {
      conditions: ['@klaxon/source', ...defaultServerConditions.filter((c) => c !== 'module')],
    },
  },
};
