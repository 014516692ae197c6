/** @klaxon/cli's public entry: what other packages and tests may import. */
export { openApiDocument } from './commands/openapi.ts';
