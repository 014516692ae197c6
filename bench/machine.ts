/** What the benchmark ran on, for the header of docs/benchmarks.md. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const version = (cmd: string, args: string[]) => {
    try {
      return (
        execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
          .split('\n')[0]
          ?.trim() ?? '?'
      );
    } catch {
      return 'not installed';
    }
  };
  return [
    `- Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- Node.js ${process.version}; ${version('psql', ['--version'])}; Alertmanager ${version('prometheus-alertmanager', ['--version']).replace(/^alertmanager, /, '')}`,
  ].join('\n');
}
