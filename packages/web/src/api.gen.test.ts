import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../../scripts/gen-api.ts';

describe('api.gen.ts', () => {
  it('is what docs/openapi.json generates now', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    const fresh = await generateApiTypes();
    expect(
      committed,
      'packages/web/src/api.gen.ts is stale or hand-edited: run `npm run gen:api` to regenerate it from docs/openapi.json',
    ).toBe(fresh);
  });
});
