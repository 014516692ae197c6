/**
 * `klaxon demo`: the whole system on one machine. Backfills 8 days of simulated history, starts real
 * Prometheus and Alertmanager, the engine and the simulator, runs a scenario and shows every step live:
 * fault → alert pending/firing → routed → incident → page → escalation → ack.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_SEED,
  DEMO_SIGN_INS,
  DEMO_TIME_FACTOR,
  describeFailures,
  killAll,
  liveProcesses,
  loadPlans,
  MissingBinaryError,
  prepareHistory,
  runScenario,
  startStack,
  backtestStack,
  type FeedEvent,
  type ScenarioResult,
  type Stack,
} from '@klaxon/demo';
import { systemClock } from '@klaxon/engine';
import { renderText, type BacktestResult } from '@klaxon/backtest';
import { CliError, printJson } from '../output.ts';

interface DemoOpts {
  scenario: string;
  list?: boolean;
  config: string;
  workDir: string;
  seed: number;
  factor: number;
  once?: boolean;
  json?: boolean;
  backtest?: boolean;
}

const DEFAULT_SCENARIO = 'demo';

const LABEL: Record<FeedEvent['kind'], string> = {
  fault: 'FAULT',
  action: 'ACTION',
  pending: 'PENDING',
  firing: 'FIRING',
  cleared: 'CLEARED',
  routed: 'ROUTED',
  incident: 'INCIDENT',
  page: 'PAGE',
  escalation: 'ESCALATE',
  message: 'MESSAGE',
  ack: 'ACK',
  resolved: 'RESOLVED',
};

const COLOR: Partial<Record<string, string>> = { T1: '\x1b[31m', T2: '\x1b[33m', T3: '\x1b[36m' };

function positiveInt(what: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--${what} "${v}" must be a whole number ≥ 1`, 2);
    return n;
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the whole system on this machine (real Prometheus and Alertmanager, the engine, a simulated AI gaming platform) and play a fault scenario.',
    )
    .option('-s, --scenario <name>', 'scenario to play (see --list)', DEFAULT_SCENARIO)
    .option('--list', 'list the scenarios and exit')
    .option('-c, --config <file>', 'engine configuration the demo starts from', 'examples/klaxon.yaml')
    .option('--work-dir <dir>', 'where the demo keeps its data (replaced on every run)', '.tmp/demo')
    .option('--seed <n>', 'simulation seed (same seed, same platform)', positiveInt('seed'), DEFAULT_SEED)
    .option(
      '--factor <n>',
      'time compression: every for:, wait and escalation delay is divided by it',
      positiveInt('factor'),
      DEMO_TIME_FACTOR,
    )
    .option('--once', 'stop everything and exit when the scenario ends (default: keep running until Ctrl-C)')
    .option('--json', 'print the scenario result as JSON (implies --once)')
    .option(
      '--backtest',
      'when the scenario ends, backtest its window (the same rules, routing and engine config, over the stack’s Prometheus) and print the per-rule table',
    )
    .addHelpText(
      'after',
      `
Needs the Debian packages prometheus and prometheus-alertmanager (scripts/install-deps.sh).
Notifications go to <work-dir>/outbox.jsonl, since no Slack or Twilio is configured.
Ctrl-C stops every process the demo started.`,
    )
    .action(async (opts: DemoOpts) => {
      const plans = loadPlans();
      if (opts.list) {
        if (opts.json)
          return printJson(plans.map((p) => ({ name: p.name, title: p.title, description: p.description })));
        for (const p of plans) process.stdout.write(`${p.name.padEnd(24)} ${p.title}\n`);
        return;
      }
      const plan = plans.find((p) => p.name === opts.scenario);
      if (!plan)
        throw new CliError(
          `there is no scenario "${opts.scenario}"; choose one of: ${plans.map((p) => p.name).join(', ')}`,
          2,
        );
      const once = opts.once || opts.json;
      const log = (m: string) => process.stderr.write(`${m}\n`);
      const now = () => systemClock.now().getTime();
      const workDir = resolve(opts.workDir);
      let stack: Stack | null = null;
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log('\nstopping everything the demo started …');
        await stack?.stop();
        log(
          liveProcesses() === 0
            ? 'stopped; no process left behind.'
            : `${liveProcesses()} processes still running!`,
        );
        process.exit(code);
      };
      // The first signal stops everything in order; a second one (or a closed terminal) kills at once.
      const onSignal = (code: number) => () => {
        if (!stopping) return void stopAll(code);
        killAll();
        process.exit(code);
      };
      process.on('SIGINT', onSignal(130));
      process.on('SIGTERM', onSignal(143));
      process.on('SIGHUP', () => {
        killAll();
        process.exit(129);
      });
      const t0 = now();
      const since = () => `${((now() - t0) / 1000).toFixed(1).padStart(6)}s`;
      const progress = (m: string) => log(`${since()}  ${m}`);
      try {
        progress(`preparing: 8 days of history for seed ${opts.seed}`);
        const history = await prepareHistory({
          workDir: resolve(workDir, 'base'),
          seed: opts.seed,
          onProgress: progress,
        });
        stack = await startStack({
          workDir: resolve(workDir, 'run'),
          configFile: resolve(opts.config),
          history,
          factor: opts.factor,
          onProgress: progress,
        });
      } catch (err) {
        if (err instanceof MissingBinaryError) throw new CliError(err.message, 3);
        await stack?.stop();
        throw err;
      }
      log(`
  Prometheus    ${stack.urls.prometheus}/alerts
  Alertmanager  ${stack.urls.alertmanager}
  Web UI        ${stack.urls.ui}/   (sign in: ${DEMO_SIGN_INS.map((s) => `${s.user} / ${s.password} (${s.role})`).join(', ')})
  Klaxon API    ${stack.urls.engine}/api/v1/incidents   (viewer token: ${stack.tokens.viewer})
  Simulator     ${stack.urls.sim}
  Outbox        ${stack.outbox}   (tail -f it: every call, SMS, push and Slack message)

  Scenario "${plan.name}": ${plan.title}
  ${plan.description}
  Time runs ${opts.factor}× faster for waits: for: 5m → ${300 / opts.factor}s, escalation 5 min → ${300 / opts.factor}s.
`);
      const tty = process.stdout.isTTY;
      const runStart = now();
      const onEvent = (e: FeedEvent) => {
        if (opts.json) return;
        const color = tty && e.tier ? (COLOR[e.tier] ?? '') : '';
        const reset = color ? '\x1b[0m' : '';
        process.stdout.write(
          `${((e.at - runStart) / 1000).toFixed(1).padStart(6)}s  ${color}${LABEL[e.kind].padEnd(9)}${reset} ${e.text}\n`,
        );
      };
      let result: ScenarioResult;
      try {
        result = await runScenario(stack, plan, { now, onEvent });
      } catch (err) {
        await stack.stop();
        throw err;
      }
      let backtest: BacktestResult | null = null;
      if (opts.backtest) {
        // Prometheus evaluates a step or two behind: let it catch up before reading the window.
        await new Promise((r) => setTimeout(r, 3 * stack.interval * 1000));
        progress('backtesting the scenario’s window');
        backtest = await backtestStack(stack, { fromMs: runStart, toMs: now() - stack.interval * 1000 });
      }
      if (opts.json) printJson({ ...result, urls: stack.urls, outbox: stack.outbox, backtest });
      else {
        process.stdout.write(
          `\n${result.passed ? 'Every expected outcome happened:' : describeFailures(result)}\n`,
        );
        if (result.passed)
          for (const c of result.checks) process.stdout.write(`  ✓ ${c.expected}: ${c.actual}\n`);
        if (result.detection.latencyMs !== null)
          process.stdout.write(
            `  detection ${(result.detection.latencyMs / 1000).toFixed(1)} s (floor ${((result.detection.floorMs ?? 0) / 1000).toFixed(1)} s); pages ${result.klaxonPages}, an every-alert-pages setup would have sent ${result.naivePages}\n`,
          );
      }
      if (backtest && !opts.json)
        process.stdout.write(
          `\nBacktest of the scenario (what the catalog and engine config page over this window, from Prometheus's data):\n${renderText(backtest)}`,
        );
      if (once) return stopAll(result.passed ? 0 : 1);
      log('\nStill running: explore the URLs above. Ctrl-C stops everything.');
    });
}
