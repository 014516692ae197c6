/** Runs the real tools over a build: promtool and amtool. Each result keeps the tool's own output. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface ToolRun {
  tool: string;
  args: string[];
  ok: boolean;
  output: string;
  /** The promtool test file this run proves (promtool test rules). */
  file?: string;
  /** A pass remembered from an earlier run of the same file, rules and promtool: not run again. */
  cached?: boolean;
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
