/**
 * Loads the catalog a command works on: the seed, plus a user file (TypeScript) whose default export is
 * a list of alert definitions to add, or a function from the seed catalog to a new one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AlertDefinition, Catalog } from './model/alert.ts';
import { seedCatalog } from './seed/index.ts';

export type CatalogExtension = AlertDefinition[] | ((seed: Catalog) => Catalog);

export async function loadCatalog(file?: string): Promise<Catalog> {
  const seed = seedCatalog();
  if (!file) return seed;
  const path = resolve(file);
  if (!existsSync(path))
    throw new Error(
      `${file}: no such catalog file; pass a .ts file whose default export is an array of alerts`,
    );
  let mod: { default?: CatalogExtension };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: CatalogExtension };
  } catch (err) {
    throw new Error(
      `${file}: could not load it (${(err as Error).message.split('\n')[0]}); keep catalog files inside your repository so @klaxon/catalog resolves`,
      { cause: err },
    );
  }
  const ext = mod.default;
  const mark = (c: Catalog): Catalog => ({
    ...c,
    alerts: c.alerts.map((a) => (seed.alerts.includes(a) ? a : { ...a, source: a.source ?? file })),
  });
  if (Array.isArray(ext)) return mark({ ...seed, alerts: [...seed.alerts, ...ext] });
  if (typeof ext === 'function') return mark(ext(seed));
  throw new Error(
    `${file}: the default export must be an array of alert definitions or a function (seed) => catalog`,
  );
}
