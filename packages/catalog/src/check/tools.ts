/** Runs the real tools over a build: promtool and amtool. Each result keeps the tool's own output. */
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface ToolRun {
  tool: string;
  args: string[];
  ok: boolean;
  output: string;
}

export function findTool(names: string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(':'))
    for (const n of names) if (existsSync(`${dir}/${n}`)) return `${dir}/${n}`;
  return null;
}

function run(tool: string, args: string[], cwd?: string): ToolRun {
  const r = spawnSync(tool, args, { encoding: 'utf8', cwd });
  if (r.error)
    return {
      tool,
      args,
      ok: false,
      output: `${tool} could not run: ${r.error.message}. Install the Debian package (prometheus for promtool, prometheus-alertmanager for amtool).`,
    };
  return { tool, args, ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

export const promtoolCheckRules = (files: string[]) => run('promtool', ['check', 'rules', ...files]);

export const amtoolCheckConfig = (file: string) => run('amtool', ['check-config', file]);

/** Runs each promtool test file from its own folder (relative rule_files resolve), several at once. */
export async function promtoolTest(files: string[]): Promise<ToolRun[]> {
  const runOne = (file: string) =>
    new Promise<ToolRun>((resolve) => {
      const args = ['test', 'rules', basename(file)];
      const child = spawn('promtool', args, { cwd: dirname(file) });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', (err) =>
        resolve({
          tool: 'promtool',
          args,
          ok: false,
          output: `promtool could not run: ${err.message}. Install the Debian package prometheus.`,
        }),
      );
      child.on('close', (code) => resolve({ tool: 'promtool', args, ok: code === 0, output: output.trim() }));
    });
  const results: ToolRun[] = [];
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) results.push(await runOne(f));
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(availableParallelism(), files.length)) }, worker),
  );
  return results.sort((a, b) => a.args[2]!.localeCompare(b.args[2]!));
}

/** `amtool config routes test` for each expectation: exactly these receivers, no others. */
export function amtoolRouteTests(configFile: string, expectationsFile: string): ToolRun[] {
  const cases = JSON.parse(readFileSync(expectationsFile, 'utf8')) as {
    labels: Record<string, string>;
    receivers: string[];
  }[];
  return cases.map((c) =>
    run('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      `--verify.receivers=${c.receivers.join(',')}`,
      ...Object.entries(c.labels).map(([k, v]) => `${k}=${v}`),
    ]),
  );
}
