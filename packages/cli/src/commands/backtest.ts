/**
 * `klaxon backtest`: what a catalog would have paged over a range of Prometheus history, through
 * Alertmanager's routing and the engine's tiers, schedules and escalation; with `--baseline`, the change
 * against another catalog. Exit codes: 0 done, 1 error (nothing measured).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import {
  BacktestInputError,
  loadCompiled,
  parseDurationMs,
  parseTime,
  renderHtml,
  renderText,
  runBacktest,
  type BacktestProgress,
  type BacktestResult,
} from '@klaxon/backtest';
import { loadConfigFile } from '@klaxon/engine';
import { CliError } from '../output.ts';
import { parseHttpUrl } from './options.ts';

export interface BacktestFlags {
  prometheus: string;
  from: string;
  to: string;
  catalog?: string;
  engineConfig?: string;
  baseline?: string;
  json?: boolean;
  html?: string;
  evaluationInterval: string;
  ackAfter: string;
}

/** The progress line on a terminal: one line, rewritten; nothing when stderr is not a TTY or with --json. */
function progress(enabled: boolean): (p: BacktestProgress) => void {
  if (!enabled) return () => {};
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 200 && p.done < p.total) return;
    last = now;
    const what = {
      rules: 'evaluating rules',
      baseline: 'evaluating the baseline',
      alertmanager: 'routing',
      engine: 'replaying the engine',
    }[p.phase];
    process.stderr.write(`\r\x1b[K${what}: ${p.done}/${p.total} ${p.message}`.slice(0, 120));
    if (p.phase === 'engine' && p.done === p.total) process.stderr.write('\r\x1b[K');
  };
}

export async function backtest(
  flags: BacktestFlags,
  deps: { now?: () => number; write?: (t: string) => void; tty?: boolean } = {},
): Promise<BacktestResult> {
  const now = (deps.now ?? (() => new Date().getTime()))();
  const config = flags.engineConfig ?? (existsSync('klaxon.yaml') ? 'klaxon.yaml' : undefined);
  if (!config)
    throw new CliError(
      '--engine-config is needed: the engine config whose tiers, schedules and escalation decide who is paged (e.g. examples/klaxon.yaml); klaxon.yaml in this directory is used when present',
    );
  const interval = parseDurationMs(flags.evaluationInterval);
  if (interval === null || interval <= 0)
    throw new CliError(
      `--evaluation-interval "${flags.evaluationInterval}" is not a duration like 30s or 1m`,
    );
  const ack = flags.ackAfter === 'never' ? null : parseDurationMs(flags.ackAfter);
  if (ack === undefined || (flags.ackAfter !== 'never' && ack === null))
    throw new CliError(`--ack-after "${flags.ackAfter}" is not a duration like 2m, or never`);
  try {
    const result = await runBacktest({
      prometheusUrl: parseHttpUrl(flags.prometheus),
      fromMs: parseTime(flags.from, now, '--from'),
      toMs: parseTime(flags.to, now, '--to'),
      catalog: await loadCompiled(flags.catalog),
      baseline: flags.baseline ? await loadCompiled(flags.baseline) : undefined,
      engineConfig: loadConfigFile(config),
      engineConfigLabel: config,
      evaluationIntervalMs: interval,
      ackAfterMs: ack,
      onProgress: progress(deps.tty ?? (process.stderr.isTTY && !flags.json)),
    });
    const print = deps.write ?? ((t: string) => process.stdout.write(t));
    if (flags.html) writeFileSync(flags.html, renderHtml(result));
    print(flags.json ? `${JSON.stringify(result, null, 2)}\n` : renderText(result));
    return result;
  } catch (err) {
    if (err instanceof BacktestInputError) throw new CliError(`${err.message} [${err.code}]`);
    throw err;
  }
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description(
      'What a catalog would have paged over past Prometheus data: rules with for:, Alertmanager routing, grouping and inhibition, the engine’s tiers, schedules and escalation; naive alarms vs pages and wake-ups',
    )
    .requiredOption(
      '--prometheus <url>',
      'Prometheus base URL holding the history, e.g. http://prometheus:9090',
    )
    .option('--from <time>', 'start: RFC 3339 (2026-11-01T00:00:00Z), relative (-30d) or now', '-7d')
    .option('--to <time>', 'end: RFC 3339, relative or now', 'now')
    .option(
      '--catalog <dir|file>',
      'a klaxon build directory, or a catalog .ts file (default: the seed catalog)',
    )
    .option('--engine-config <file>', 'the engine config deciding who is paged (default: ./klaxon.yaml)')
    .option('--baseline <dir|file>', 'another catalog to compare with, rule by rule')
    .option('--json', 'print the whole result as one JSON object')
    .option('--html <file>', 'also write a self-contained HTML report')
    .addOption(
      new Option('--evaluation-interval <duration>', 'for rule groups without their own interval').default(
        '30s',
      ),
    )
    .addOption(
      new Option(
        '--ack-after <duration|never>',
        'the person paged acknowledges this long after their first page (never: nobody acknowledges)',
      ).default('2m'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  klaxon backtest --prometheus http://prometheus:9090 --from -30d --to now --engine-config klaxon.yaml\n  klaxon backtest --prometheus http://prometheus:9090 --from -30d --catalog catalog/klaxon.catalog.ts --baseline dist/catalog --html report.html',
    )
    .action(async (flags: BacktestFlags) => {
      await backtest(flags);
    });
}
