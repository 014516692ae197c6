/** The documentation stays true: every error code is documented and docs/openapi.json is current. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@klaxon/engine';
import { openApiDocument } from './commands/openapi.ts';

const docs = (name: string) => readFileSync(resolve(import.meta.dirname, '../../../docs', name), 'utf8');

describe('documentation', () => {
  it('documents every API error code in docs/api.md', () => {
    const api = docs('api.md');
    const missing = Object.keys(ERROR_CODES).filter((code) => !api.includes(`\`${code}\``));
    expect(missing, 'add these codes to the error table in docs/api.md').toEqual([]);
  });

  it('keeps docs/openapi.json in step with the routes', async () => {
    const committed = JSON.parse(docs('openapi.json')) as unknown;
    expect(committed, 'docs/openapi.json is stale: run `npx klaxon openapi > docs/openapi.json`').toEqual(
      await openApiDocument(),
    );
  });
});
