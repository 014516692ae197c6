/**
 * Generates the web UI's API types, packages/web/src/api.gen.ts, from the engine's OpenAPI document
 * (docs/openapi.json) with openapi-typescript, formatted with prettier and the repo's config.
 *
 *   npm run gen:api
 *
 * packages/web/src/api.gen.test.ts calls generateApiTypes() and fails while the committed file differs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const root = new URL('../', import.meta.url);

/** The engine's OpenAPI document: the source. */
export const OPENAPI_DOC: string = fileURLToPath(new URL('docs/openapi.json', root));

/** The generated module the web UI imports its API types from. */
export const API_TYPES_FILE: string = fileURLToPath(new URL('packages/web/src/api.gen.ts', root));

const HEADER = `/**
 * DO NOT EDIT: generated from docs/openapi.json by openapi-typescript (scripts/gen-api.ts).
 * Regenerate with \`npm run gen:api\`; packages/web/src/api.gen.test.ts fails while this file is stale.
 */
`;

/** The content api.gen.ts should have, given docs/openapi.json as it is now. */
export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(OPENAPI_DOC), { silent: true });
  const source = HEADER + '\n' + astToString(ast);
  const config = await prettier.resolveConfig(API_TYPES_FILE, { editorconfig: true });
  return prettier.format(source, { ...config, filepath: API_TYPES_FILE });
}

/** (Re)writes api.gen.ts; true when its content changed. */
export async function writeApiTypes(): Promise<boolean> {
  const next = await generateApiTypes();
  const current = await readFile(API_TYPES_FILE, 'utf8').catch(() => null);
  if (current === next) return false;
  await writeFile(API_TYPES_FILE, next);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const changed = await writeApiTypes();
  console.log(`${changed ? 'Wrote' : 'Up to date:'} ${API_TYPES_FILE}`);
}
