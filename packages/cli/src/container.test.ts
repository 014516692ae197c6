/**
 * The engine's container image (Dockerfile at the repository root, issue 16). The file is checked here
 * on every run; building and running it needs a container engine with a Node base image, which the
 * test looks for and, when missing, names in its skip message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

const steps = instructions(DOCKERFILE);
const all = (op: string) => steps.filter((s) => s.op === op).map((s) => s.args);
const stages = (): { op: string; args: string }[][] => {
  const out: { op: string; args: string }[][] = [];
  for (const s of steps) {
    if (s.op === 'FROM') out.push([]);
    out.at(-1)?.push(s);
  }
  return out;
};

describe('Dockerfile', () => {
  it('is multi-stage on a current Node LTS slim base (22 or 24)', () => {
    const version = /^ARG NODE_VERSION=(\d+)$/m.exec(DOCKERFILE)?.[1];
    expect(['22', '24']).toContain(version);
    const froms = all('FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^node:\$\{NODE_VERSION\}-\w+-slim\b/);
  });

  it('runs the final stage as a numeric non-root user, with a data volume and no build tools', () => {
    const final = stages().at(-1)!;
    const user = final.filter((s) => s.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(final.some((s) => s.op === 'VOLUME' && s.args.includes('/var/lib/klaxon'))).toBe(true);
    expect(
      final
        .filter((s) => s.op === 'RUN')
        .map((s) => s.args)
        .join(' '),
    ).not.toMatch(/g\+\+|make|python3/);
  });

  it('checks health on /readyz and stops with SIGTERM', () => {
    expect(all('HEALTHCHECK').join(' ')).toContain('/readyz');
    expect(all('STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('starts the installed CLI’s own bin, with options `klaxon serve` has', () => {
    const cli = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
      name: string;
      bin: Record<string, string>;
    };
    const bin = cli.bin.klaxon!.replace(/^\.\//, '');
    expect(all('ENTRYPOINT')[0]).toContain(`/opt/klaxon/node_modules/${cli.name}/${bin}`);
    const cmd = JSON.parse(all('CMD').at(-1)!) as string[];
    expect(cmd[0]).toBe('serve');
    const help = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/klaxon.js'), 'serve', '--help'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    for (const flag of cmd.filter((a) => a.startsWith('--'))) expect(help.stdout).toContain(flag);
    expect(cmd.join(' ')).toContain('--host 0.0.0.0');
  }, 90_000);
});

/** Why the image cannot be built and run here, or null when it can. */
function containerEngineProblem(): { engine: string; problem: string | null } {
  for (const engine of ['podman', 'docker']) {
    const version = spawnSync(engine, ['version'], { encoding: 'utf8', timeout: 20_000 });
    if (version.error) continue;
    const info = spawnSync(engine, ['info'], { encoding: 'utf8', timeout: 20_000 });
    if (info.status !== 0)
      return {
        engine,
        problem: `${engine} is installed but cannot reach a daemon (${(info.stderr || info.stdout).trim().split('\n').at(-1)})`,
      };
    const base = `node:${/^ARG NODE_VERSION=(\d+)$/m.exec(DOCKERFILE)?.[1]}-bookworm-slim`;
    const image = spawnSync(engine, ['image', 'inspect', base], { encoding: 'utf8', timeout: 20_000 });
    if (image.status !== 0)
      return {
        engine,
        problem: `${engine} has no ${base} image and this machine cannot pull one (the network reaches only npm and Debian)`,
      };
    return { engine, problem: null };
  }
  return { engine: 'docker', problem: 'neither podman nor docker is installed' };
}

const runtime = containerEngineProblem();
// Not a silent skip: the reason is printed with the run's output, not only in the test's name.
if (runtime.problem) console.warn(`container image not built or run here: ${runtime.problem}`);

describe('the container image', () => {
  it.skipIf(runtime.problem !== null)(
    `builds, runs read-only as non-root, turns healthy and stops on SIGTERM${runtime.problem ? ` (skipped: ${runtime.problem})` : ''}`,
    () => {
      const sh = (args: string[]) => {
        const r = spawnSync(runtime.engine, args, { cwd: ROOT, encoding: 'utf8', timeout: 900_000 });
        expect(r.status, `${runtime.engine} ${args.join(' ')}\n${r.stderr}`).toBe(0);
        return r.stdout.trim();
      };
      sh(['build', '-t', 'klaxon:test', '.']);
      const dir = mkdtempSync(join(tmpdir(), 'klaxon-image-'));
      writeFileSync(join(dir, 'klaxon.yaml'), readFileSync(join(ROOT, 'examples/klaxon.yaml')));
      const id = sh([
        'run',
        '-d',
        '--read-only',
        '--tmpfs',
        '/tmp',
        '-v',
        `${dir}:/etc/klaxon:ro`,
        'klaxon:test',
        'serve',
        '--config',
        '/etc/klaxon/klaxon.yaml',
        '--db',
        '/var/lib/klaxon/klaxon.db',
      ]);
      try {
        expect(sh(['exec', id, 'id', '-u'])).toBe('10001');
        let health = '';
        for (let i = 0; i < 60 && health !== 'healthy'; i++) {
          spawnSync('sleep', ['1']);
          health = sh(['inspect', '-f', '{{.State.Health.Status}}', id]);
        }
        expect(health).toBe('healthy');
        sh(['stop', '-t', '30', id]);
        expect(sh(['inspect', '-f', '{{.State.ExitCode}}', id])).toBe('0');
      } finally {
        spawnSync(runtime.engine, ['rm', '-f', id]);
      }
    },
    1_200_000,
  );
});
