#!/usr/bin/env node
// The klaxon command. Installed from the package (no src/), it runs the bundle that `npm run build` wrote
// (dist/klaxon.js: plain JavaScript, no tsx). In a checkout of the repository (src/ is there) it runs the
// TypeScript sources through tsx, with the `@klaxon/source` export condition so that workspace packages
// resolve to their sources too: no build step while developing.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { URL } from 'node:url';

const sources = new URL('../src/main.ts', import.meta.url);

if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  // Registered after tsx, so it runs first and hands tsx the extra condition.
  const hook = `export function resolve(specifier, context, next) {
    return next(specifier, { ...context, conditions: [...context.conditions, '@klaxon/source'] });
  }`;
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`);
  await import(sources.href);
} else {
  await import('../dist/klaxon.js');
}
