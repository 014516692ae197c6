/**
 * The published packages as a platform team gets them (issue 16): `npm pack` of @klaxon/cli and @klaxon/sdk
 * (their prepack builds them), `npm install` of the two tarballs into an empty project in the system's temp
 * folder, outside this repository, then the installed `klaxon` serves the example config (probes, the web UI,
 * one alert in and out of the API) and the installed SDK records a metric, from JavaScript and TypeScript.
 * Run by `npm run test:pack` (vitest.pack.config.ts): it installs from the npm registry and builds
 * better-sqlite3, minutes rather than seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@klaxon/testing';
import {
  bytesUnder,
  cleanEnv,
  emptyProject,
  exampleDefault,
  filesContaining,
  MiB,
  packPublished,
  ROOT,
  run,
  type Packed,
} from './project.ts';

const EXAMPLE = readFileSync(join(ROOT, 'examples/klaxon.yaml'), 'utf8');
const TYPES_NODE = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies['@types/node']!;

let work: string;
let project: string;
let packed: Packed[];
let installMs: number;
let engine: ChildProcess | undefined;
let engineLog = '';
let url: string;

const modules = (...p: string[]) => join(project, 'node_modules', ...p);
const tarball = (name: string) => packed.find((p) => p.name === name)!;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'klaxon-pack-'));
  expect(work.startsWith(ROOT)).toBe(false);
  const started = Date.now();
  ({ packed } = await packPublished(join(work, 'tarballs')));
  // The prepack scripts built what was packed, now.
  expect(lstatSync(join(ROOT, 'packages/cli/dist/klaxon.js')).mtimeMs).toBeGreaterThanOrEqual(started - 1000);

  project = join(work, 'project');
  emptyProject(project);
  const install = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(work, 'tarballs', tarball('@klaxon/cli').filename),
      join(work, 'tarballs', tarball('@klaxon/sdk').filename),
      `@types/node@${TYPES_NODE}`,
    ],
    // better-sqlite3 has no prebuilt binary to download here: build it at once, without trying.
    { cwd: project, env: cleanEnv({ npm_config_build_from_source: 'true' }), timeoutMs: 900_000 },
  );
  if (install.code !== 0)
    throw new Error(`npm install failed (${install.code}):\n${install.stdout}\n${install.stderr}`);
  installMs = install.ms;
});

afterAll(async () => {
  if (engine && engine.exitCode === null) {
    const gone = new Promise((r) => engine!.once('exit', r));
    engine.kill('SIGTERM');
    await gone;
  }
  if (packed) {
    const cli = tarball('@klaxon/cli');
    const sdk = tarball('@klaxon/sdk');
    console.log(
      `[pack] @klaxon/cli ${MiB(cli.size)} packed, ${MiB(cli.unpackedSize)} unpacked, ${cli.files.length} files; ` +
        `@klaxon/sdk ${MiB(sdk.size)} packed, ${MiB(sdk.unpackedSize)} unpacked, ${sdk.files.length} files; ` +
        `npm install of both ${(installMs / 1000).toFixed(1)} s, node_modules ${MiB(bytesUnder(join(project, 'node_modules')))}`,
    );
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('hold the built JavaScript, the UI and the READMEs, and no TypeScript to run', () => {
    const cli = tarball('@klaxon/cli').files;
    expect(cli).toEqual(
      expect.arrayContaining([
        'bin/klaxon.js',
        'dist/klaxon.js',
        'dist/web/dist/index.html',
        'README.md',
        'package.json',
      ]),
    );
    expect(cli).toContain('dist/sim/scenarios/demo.yaml');
    expect(cli.filter((f) => f.endsWith('.ts'))).toEqual([]);
    const sdk = tarball('@klaxon/sdk').files;
    expect(sdk).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md']));
    expect(sdk.filter((f) => f.includes('.test.'))).toEqual([]);
  });

  it('install as real copies with no path into this repository and without tsx', () => {
    for (const name of ['cli', 'sdk']) {
      expect(lstatSync(modules('@klaxon', name)).isSymbolicLink()).toBe(false);
      expect(filesContaining(modules('@klaxon', name), ROOT)).toEqual([]);
    }
    expect(existsSync(modules('tsx'))).toBe(false);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: object };
    expect(
      Object.keys(lock.packages).filter((p) =>
        /(^|\/)node_modules\/(tsx|@klaxon\/(engine|catalog|web|demo))$/.test(p),
      ),
    ).toEqual([]);
  });
});

describe('the installed klaxon command', () => {
  it('answers --help through npx', async () => {
    const help = await run('npx', ['--no', '--', 'klaxon', '--help'], { cwd: project });
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: klaxon/);
    for (const command of ['serve', 'check-config', 'build', 'demo']) expect(help.stdout).toContain(command);
  });

  it('checks the example config', async () => {
    copyFileSync(join(ROOT, 'examples/klaxon.yaml'), join(project, 'klaxon.yaml'));
    const check = await run(modules('.bin', 'klaxon'), ['check-config', 'klaxon.yaml', '--json'], {
      cwd: project,
    });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ valid: true, problems: [] });
  });

  it('serves the example config: probes, the web UI, and an alert in and out of the API', async () => {
    copyFileSync(join(ROOT, 'examples/klaxon.yaml'), join(project, 'klaxon.yaml'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const args = [
      'serve',
      '--config',
      'klaxon.yaml',
      '--port',
      String(port),
      '--db',
      join(project, 'data/klaxon.db'),
      '--log-level',
      'warn',
    ];
    engine = spawn(modules('.bin', 'klaxon'), args, {
      cwd: project,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    engine.stdout!.on('data', (d: Buffer) => (engineLog += d.toString()));
    engine.stderr!.on('data', (d: Buffer) => (engineLog += d.toString()));
    await waitFor(
      `the installed engine on ${url} (log: ${engineLog})`,
      async () => (await fetch(`${url}/readyz`)).ok,
      60_000,
    );

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    expect((await fetch(`${url}${script}`)).status).toBe(200);

    const ingest = await fetch(`${url}/api/v1/ingest/alertmanager`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${exampleDefault(EXAMPLE, 'KLAXON_AM_KEY')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="KafkaConsumerLag"}',
        status: 'firing',
        receiver: 'klaxon',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'KafkaConsumerLag', service: 'kafka', tier: 'T1' },
            annotations: { summary: 'match-events lag above 10k (pack test)' },
            fingerprint: 'a1b2c3',
          },
        ],
      }),
    });
    expect(ingest.status, await ingest.clone().text()).toBe(200);
    expect(await ingest.json()).toMatchObject({ accepted: 1 });

    const list = await fetch(`${url}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${exampleDefault(EXAMPLE, 'KLAXON_VIEWER_TOKEN')}` },
    });
    expect(list.status).toBe(200);
    const { incidents } = (await list.json()) as {
      incidents: { service: string; tier: string; state: string; title: string }[];
    };
    expect(incidents).toEqual([
      expect.objectContaining({ service: 'kafka', tier: 'T1', state: 'triggered' }),
    ]);
    expect(engineLog).not.toMatch(/"level":(50|60)/);
  });
});

describe('the installed @klaxon/sdk', () => {
  it('records a metric from plain JavaScript (ESM)', async () => {
    writeFileSync(
      join(project, 'record.mjs'),
      `import { Registry } from 'prom-client';
import { createMetrics, gameMetrics, prometheusOutput } from '@klaxon/sdk';
const registry = new Registry();
const metrics = createMetrics({ output: prometheusOutput(registry) });
metrics.counter({ name: 'pack_checks_total', otelName: 'pack.checks', help: 'Checks.', unit: '1', labels: { outcome: 'outcome' } }).inc({ outcome: 'ok' }, 3);
gameMetrics(metrics).recordConnection('eu-west-1', false);
process.stdout.write(await registry.metrics());
`,
    );
    const out = await run(process.execPath, ['record.mjs'], { cwd: project });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('pack_checks_total{outcome="ok"} 3');
    expect(out.stdout).toContain('game_server_connection_failures_total{region="eu-west-1"} 1');
  });

  it("type-checks against the package's declarations (nodenext), which are real types, not any", async () => {
    mkdirSync(join(project, 'ts'), { recursive: true });
    writeFileSync(
      join(project, 'ts', 'check.ts'),
      `import { Registry } from 'prom-client';
import { createMetrics, gameMetrics, prometheusOutput, type MetricDefinition } from '@klaxon/sdk';
const CHECKS: MetricDefinition<{ outcome: 'ok' | 'failed' }> = { name: 'checks_total', otelName: 'checks', help: 'Checks.', unit: '1', labels: { outcome: 'outcome' } };
const metrics = createMetrics({ output: prometheusOutput(new Registry()) });
metrics.counter(CHECKS).inc({ outcome: 'ok' });
// @ts-expect-error: 'lost' is not an outcome of CHECKS
metrics.counter(CHECKS).inc({ outcome: 'lost' });
// @ts-expect-error: the region was declared as 'eu-west-1'
gameMetrics<'eu-west-1'>(metrics).recordConnection('us-east-1', true);
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: ['node'],
          skipLibCheck: false,
        },
        include: ['ts'],
      }),
    );
    const tsc = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: project },
    );
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.code).toBe(0);
  });
});
