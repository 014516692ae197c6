/**
 * Where the built web UI lives, for the engine to serve (`uiRoot`). `npm ci` builds it (the root
 * `prepare` script); `npm run build:web` rebuilds it after a change.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** packages/web/dist: index.html and its hashed assets. */
export const webRoot: string = fileURLToPath(new URL('./dist', import.meta.url));

/** Whether the UI has been built. */
export function isWebBuilt(): boolean {
  return existsSync(fileURLToPath(new URL('./dist/index.html', import.meta.url)));
}
