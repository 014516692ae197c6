/**
 * The CLI bundle's guards (scripts/build-packages.ts), on the real bundle of today's sources (esbuild, nothing
 * written): the published package declares exactly the third-party packages the bundle imports, at the ranges
 * the workspace packages were tested with, and every file a bundled module reads beside itself is shipped.
 * A dependency added to the engine and not to packages/cli/package.json fails here, before any `npm pack`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundleCli,
  dependencyProblems,
  packageName,
  unlistedAssets,
} from '../../../scripts/build-packages.ts';

const CLI_PACKAGE = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let bundle: Awaited<ReturnType<typeof bundleCli>>;

beforeAll(async () => {
  bundle = await bundleCli(false);
});

describe('the CLI bundle', () => {
  it('imports exactly the dependencies packages/cli/package.json declares, at the workspace ranges', () => {
    expect(bundle.problems).toEqual([]);
    expect(bundle.imported).toEqual(Object.keys(CLI_PACKAGE.dependencies).sort());
    expect(bundle.imported).toEqual(
      expect.arrayContaining(['better-sqlite3', 'fastify', 'kysely', 'commander']),
    );
  });

  it('bundles the workspace packages and tsx is not among what it imports', () => {
    expect(bundle.imported.filter((p) => p.startsWith('@klaxon/') || p === 'tsx')).toEqual([]);
    const workspaces = new Set(
      Object.keys(bundle.metafile.inputs).map((i) => /^packages\/([^/]+)\//.exec(i)?.[1]),
    );
    for (const ws of ['cli', 'engine', 'catalog', 'exporters', 'demo', 'web', 'sim', 'config-file'])
      expect(workspaces).toContain(ws);
    for (const name of Object.keys(CLI_PACKAGE.devDependencies).filter((n) => n.startsWith('@klaxon/')))
      expect(workspaces).toContain(name.slice('@klaxon/'.length));
  });

  it('refuses a missing, an unused or a drifted dependency, saying what to change', () => {
    const declared = { ...CLI_PACKAGE.dependencies };
    delete declared.fastify;
    declared['left-pad'] = '^1.3.0';
    declared.kysely = '^0.1.0';
    const problems = dependencyProblems(bundle.imported, declared, bundle.wanted);
    expect(problems).toEqual(
      expect.arrayContaining([
        `the bundle imports "fastify" but packages/cli/package.json does not declare it: add "fastify": "${CLI_PACKAGE.dependencies.fastify}" to its dependencies`,
        'packages/cli/package.json declares "left-pad" but the bundle never imports it: remove it from dependencies',
        expect.stringMatching(
          /^packages\/cli\/package.json: dependencies.kysely is "\^0.1.0" but packages\/\w+\/package.json wants/,
        ),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('ships what its modules read beside themselves: the web UI and the demo scenarios', () => {
    expect(bundle.readsBeside).toEqual(expect.arrayContaining(['web/index.ts', 'sim/src/scenarios/load.ts']));
    expect(unlistedAssets(bundle.readsBeside)).toEqual([]);
    expect(unlistedAssets(['engine/src/new-reader.ts'])).toEqual(['engine/src/new-reader.ts']);
  });

  it('names the package of a bare import', () => {
    expect(packageName('kysely/helpers/postgres')).toBe('kysely');
    expect(packageName('@fastify/static')).toBe('@fastify/static');
    expect(packageName('@aws-sdk/client-budgets/dist-es/x.js')).toBe('@aws-sdk/client-budgets');
  });
});
