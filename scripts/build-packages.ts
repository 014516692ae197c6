/**
 * The published packages' build (`npm run build`, after the web UI): nothing they ship needs tsx at run time.
 *
 * - @klaxon/cli → packages/cli/dist/klaxon.js. esbuild bundles src/main.ts with every @klaxon/* workspace
 *   module it reaches (those packages are private, never published) and keeps every third-party import
 *   external. The build fails when the bundle imports a package that packages/cli/package.json does not
 *   declare, declares one it does not import, or declares another range than the workspace package using it:
 *   the published CLI can neither miss a dependency nor drift from what the sources were tested with.
 * - Files a workspace module reads beside itself (`new URL('../../scenarios/', import.meta.url)`): in the
 *   bundle, each module's `import.meta.url` is mapped to the same place under dist/ (packages/sim/src/x.ts →
 *   dist/sim/src/x.ts), and the folders it reads are copied to the same relative place (ASSETS). So the
 *   sources need no bundle-only code path, and a module that uses import.meta without an ASSETS entry fails
 *   the build instead of failing at run time in someone's install.
 * - @klaxon/sdk → packages/sdk/dist: tsc (packages/sdk/tsconfig.build.json): .js, .d.ts and their maps.
 *
 * `tsx scripts/build-packages.ts [--cli] [--sdk]` (no flag: both). The web UI must be built first
 * (`npm run build:web`; `npm run build` does both).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGES = join(ROOT, 'packages');
const CLI = join(PACKAGES, 'cli');
const CLI_DIST = join(CLI, 'dist');
const SDK = join(PACKAGES, 'sdk');
/** The export condition that points in-repo consumers at a package's TypeScript sources. */
export const SOURCE_CONDITION = '@klaxon/source';

/**
 * Module (relative to packages/) → the folders (relative to packages/) it reads through import.meta.url.
 * Each folder is copied to the same relative place under packages/cli/dist/.
 */
const ASSETS: Record<string, string[]> = {
  // webRoot: the built UI that `klaxon serve` and the demo serve at `/`.
  'web/index.ts': ['web/dist'],
  // SCENARIOS_DIR: the demo's fault scenarios.
  'sim/src/scenarios/load.ts': ['sim/scenarios'],
};

class BuildError extends Error {}

/** The modules among `readsBeside` that ASSETS does not list. */
export function unlistedAssets(readsBeside: string[]): string[] {
  return readsBeside.filter((m) => !(m in ASSETS));
}

/** The package a bare import names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(packageName(spec));
const isBare = (spec: string) => !/^(\.|\/|[A-Za-z]:)/.test(spec);

/** Workspace code is bundled; every other bare import stays an import of an installed package. */
const externals: Plugin = {
  name: 'klaxon-externals',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || !isBare(args.path) || args.path.startsWith('@klaxon/')) return;
      return { path: args.path, external: true };
    });
  },
};

/** Maps each workspace module's import.meta.url into dist/ and records which modules use import.meta. */
function importMetaPlugin(used: Set<string>): Plugin {
  return {
    name: 'klaxon-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, (args) => {
        const rel = relative(PACKAGES, args.path).split(sep).join('/');
        if (rel.startsWith('..') || rel.includes('/node_modules/')) return;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta')) return;
        used.add(rel);
        if (/import\.meta\.(dirname|filename|resolve)\b/.test(text))
          throw new BuildError(
            `packages/${rel}: uses import.meta.dirname/filename/resolve, which the bundle cannot map; use new URL('…', import.meta.url)`,
          );
        const mapped = `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', mapped), loader: 'ts' };
      });
    },
  };
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** The third-party packages the bundle imports (not node builtins), from esbuild's metafile. */
export function externalPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const imp of output.imports)
      if (imp.external && isBare(imp.path) && !isBuiltin(imp.path)) names.add(packageName(imp.path));
  return [...names].sort();
}

/** The workspace packages whose modules went into the bundle (folder names under packages/). */
function bundledWorkspaces(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^packages\/([^/]+)\//.exec(input);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** Every problem between what the bundle imports and what packages/cli/package.json declares. */
export function dependencyProblems(
  imported: string[],
  declared: Record<string, string>,
  wanted: Map<string, { range: string; by: string }>,
): string[] {
  const problems: string[] = [];
  for (const name of imported) {
    const want = wanted.get(name);
    if (!(name in declared))
      problems.push(
        `the bundle imports "${name}" but packages/cli/package.json does not declare it: add "${name}": "${want?.range ?? '<range>'}" to its dependencies`,
      );
    else if (want && declared[name] !== want.range)
      problems.push(
        `packages/cli/package.json: dependencies.${name} is "${declared[name]}" but ${want.by} wants "${want.range}": make them the same`,
      );
  }
  for (const name of Object.keys(declared))
    if (!imported.includes(name))
      problems.push(
        `packages/cli/package.json declares "${name}" but the bundle never imports it: remove it from dependencies`,
      );
  return problems;
}

/** The range each third-party package has in the bundled workspace packages that declare it. */
function wantedRanges(workspaces: string[]): Map<string, { range: string; by: string }> {
  const wanted = new Map<string, { range: string; by: string }>();
  for (const ws of workspaces) {
    if (ws === 'cli') continue;
    const file = `packages/${ws}/package.json`;
    for (const [name, range] of Object.entries(readJson(join(ROOT, file)).dependencies ?? {}))
      if (!name.startsWith('@klaxon/') && !wanted.has(name)) wanted.set(name, { range, by: file });
  }
  return wanted;
}

/** Copies what the bundled modules read beside themselves; fails for a module with no ASSETS entry. */
function copyAssets(used: string[]): void {
  const unlisted = unlistedAssets(used);
  if (unlisted.length)
    throw new BuildError(
      `${unlisted.map((m) => `packages/${m}`).join(', ')}: reads files beside itself (import.meta); list what it reads in ASSETS in scripts/build-packages.ts so the bundle ships it`,
    );
  for (const module of used)
    for (const folder of ASSETS[module]!) {
      const from = join(PACKAGES, folder);
      if (!existsSync(from))
        throw new BuildError(
          `packages/${folder} is missing (read by packages/${module}): ${folder === 'web/dist' ? 'run `npm run build:web` first, or `npm run build`' : 'restore it'}`,
        );
      cpSync(from, join(CLI_DIST, folder), { recursive: true });
    }
}

/** Fails when a built file names this checkout: an installed package must not point back into it. */
function assertNoRepoPaths(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    if (!statSync(file).isFile() || !/\.(js|map|ts|json|html)$/.test(file)) continue;
    if (readFileSync(file, 'utf8').includes(ROOT))
      throw new BuildError(`${relative(ROOT, file)} contains the path of this checkout (${ROOT})`);
  }
}

/**
 * Bundles the CLI (to packages/cli/dist/klaxon.js when `write`) and reports what it found: the third-party
 * packages it imports, every problem with packages/cli/package.json's dependencies, and the workspace modules
 * that read files beside themselves.
 */
export async function bundleCli(write: boolean) {
  const used = new Set<string>();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['packages/cli/src/main.ts'],
    outfile: 'packages/cli/dist/klaxon.js',
    write,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: [SOURCE_CONDITION],
    sourcemap: 'linked',
    sourcesContent: false,
    // Error classes and handlers keep their own names in messages and logs.
    keepNames: true,
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: '// @klaxon/cli: bundled by scripts/build-packages.ts; the sources are in the Klaxon repository.',
    },
    plugins: [externals, importMetaPlugin(used)],
  });
  const imported = externalPackages(result.metafile);
  const declared = readJson(join(CLI, 'package.json')).dependencies ?? {};
  const wanted = wantedRanges(bundledWorkspaces(result.metafile));
  return {
    metafile: result.metafile,
    imported,
    wanted,
    problems: dependencyProblems(imported, declared, wanted),
    readsBeside: [...used].sort(),
  };
}

async function buildCli(): Promise<void> {
  rmSync(CLI_DIST, { recursive: true, force: true });
  const bundle = await bundleCli(true);
  if (bundle.problems.length) throw new BuildError(bundle.problems.join('\n'));
  copyAssets(bundle.readsBeside);
  assertNoRepoPaths(CLI_DIST);
  const size = statSync(join(CLI_DIST, 'klaxon.js')).size;
  console.log(
    `@klaxon/cli: dist/klaxon.js ${(size / 1024).toFixed(0)} KiB from ${Object.keys(bundle.metafile.inputs).length} modules; ${bundle.imported.length} external packages; assets: ${bundle.readsBeside.flatMap((m) => ASSETS[m]!).join(', ')}`,
  );
}

function buildSdk(): void {
  rmSync(join(SDK, 'dist'), { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(SDK, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new BuildError('@klaxon/sdk: tsc failed (see above)');
  assertNoRepoPaths(join(SDK, 'dist'));
  console.log('@klaxon/sdk: dist/ (.js, .d.ts and maps)');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const all = !args.includes('--cli') && !args.includes('--sdk');
  try {
    if (all || args.includes('--cli')) await buildCli();
    if (all || args.includes('--sdk')) buildSdk();
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`build-packages: ${err.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) await main();
