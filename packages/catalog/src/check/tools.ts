/** Runs the real tools over a build: promtool and amtool. Each result keeps the tool's own output. */
import { spawnSync } from 'node:child_process';
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

/** Runs promtool test files from their own folder, so their relative rule_files resolve. */
export function promtoolTest(files: string[]): ToolRun[] {
  const byDir = new Map<string, string[]>();
  for (const f of files) byDir.set(dirname(f), [...(byDir.get(dirname(f)) ?? []), basename(f)]);
  return [...byDir.entries()].map(([dir, names]) => run('promtool', ['test', 'rules', ...names], dir));
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
