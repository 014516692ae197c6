/**
 * `klaxon import`: move in from another on-call tool. `klaxon import pagerduty` reads the PagerDuty REST
 * API v2, writes a Klaxon config (and its integration keys to `<out>.env`), and proves every schedule
 * against PagerDuty's own rendering. Exit codes: 0 written, 1 error (nothing written), 3 the proof found
 * differences (nothing written unless --allow-differences).
 */
import { Option, type Command } from 'commander';
import {
  emitConfig,
  ImportSourceError,
  importPagerDuty,
  MAX_VERIFY_WEEKS,
  summarizeDifferences,
  type PagerDutyImport,
} from '@klaxon/import';
import { CliError } from '../output.ts';
import { registerImportOnCall } from './import-oncall.ts';

export interface ImportPagerDutyFlags {
  token?: string;
  apiUrl?: string;
  out?: string;
  json?: boolean;
  verifyWeeks?: string;
  allowDifferences?: boolean;
}

export interface ImportDeps {
  now?: () => number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  pageSize?: number;
  write?: (text: string) => void;
}

function weeksOf(flag: string | undefined): number {
  const n = flag === undefined ? 8 : Number(flag);
  if (!Number.isInteger(n) || n < 0 || n > MAX_VERIFY_WEEKS)
    throw new CliError(`--verify-weeks must be a whole number from 0 to ${MAX_VERIFY_WEEKS}`);
  return n;
}

/** The human summary: counts, every change and skip with its reason, the proof, what to do next. */
export function summarizePagerDutyImport(r: PagerDutyImport, out: string, written: boolean): string {
  const c = r.report.counts();
  const lines = [
    `PagerDuty → ${out}: ${c.imported} imported, ${c.changed} imported with changes, ${c.skipped} not imported`,
  ];
  for (const e of r.report.entries.filter((x) => x.outcome !== 'imported')) {
    lines.push(`  ${e.outcome === 'changed' ? 'changed' : 'skipped'} ${e.kind} ${e.sourceId} (${e.name})`);
    for (const n of e.notes) lines.push(`      ${n}`);
  }
  for (const v of r.verification) {
    const verdict =
      v.differences.length === 0 ? 'same person on call' : `${v.differences.length} differences`;
    lines.push(`proof: schedule ${v.scheduleId}: ${v.instants} instants compared, ${verdict}`);
    for (const d of summarizeDifferences(v.differences).slice(0, 20))
      lines.push(
        `      ${d.from} … ${d.to}: PagerDuty ${d.source.join(', ') || 'nobody'}, Klaxon ${d.klaxon.join(', ') || 'nobody'}`,
      );
  }
  for (const p of r.reach) {
    const steps = p.steps.map(
      (s) =>
        `step ${s.step} ${s.klaxon.join(', ') || 'nobody'}${s.source.join() === s.klaxon.join() ? '' : ` (PagerDuty: ${s.source.join(', ') || 'nobody'})`}`,
    );
    lines.push(`proof: policy ${p.policyId} now: ${steps.join('; ')}${p.differs ? ' — DIFFERS' : ''}`);
  }
  const keys = r.input.secrets.size;
  if (written) {
    lines.push(`wrote ${out}${keys ? ` and ${out}.env (${keys} integration keys, mode 0600)` : ''}`);
    lines.push(
      `next: klaxon check-config ${out} (with ${out}.env loaded); then point Events v2 senders at <klaxon>/v2/enqueue`,
    );
  } else
    lines.push(
      `nothing written: the proof found differences; rerun with --allow-differences to write anyway`,
    );
  return `${lines.join('\n')}\n`;
}

/** Runs the PagerDuty import and prints the result; returns the exit code. */
export async function importPagerDutyCommand(
  flags: ImportPagerDutyFlags,
  deps: ImportDeps = {},
): Promise<number> {
  if (!flags.token) throw new CliError('--token is needed: a PagerDuty REST API key (read-only is enough)');
  if (!flags.out) throw new CliError('--out is needed: the Klaxon config file to write');
  const weeks = weeksOf(flags.verifyWeeks);
  let result: PagerDutyImport;
  try {
    result = await importPagerDuty({
      token: flags.token,
      ...(flags.apiUrl !== undefined ? { apiUrl: flags.apiUrl } : {}),
      now: (deps.now ?? (() => new Date().getTime()))(),
      verifyWeeks: weeks,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.pageSize ? { pageSize: deps.pageSize } : {}),
    });
  } catch (err) {
    if (err instanceof ImportSourceError) throw new CliError(`${err.message} (nothing written)`);
    throw err;
  }
  const differences =
    result.verification.reduce((n, v) => n + v.differences.length, 0) +
    result.reach.filter((p) => p.differs).length;
  const write = differences === 0 || flags.allowDifferences === true;
  if (write) await emitConfig(result.input, flags.out);
  const exitCode = differences > 0 && !flags.allowDifferences ? 3 : 0;
  const print = deps.write ?? ((t: string) => process.stdout.write(t));
  if (flags.json)
    print(
      `${JSON.stringify(
        {
          source: 'pagerduty',
          out: flags.out,
          written: write,
          exitCode,
          counts: result.report.counts(),
          entries: result.report.entries,
          verification: result.verification.map((v) => ({
            scheduleId: v.scheduleId,
            from: new Date(v.from).toISOString(),
            to: new Date(v.to).toISOString(),
            instants: v.instants,
            differences: v.differences,
          })),
          escalation: result.reach,
        },
        null,
        2,
      )}\n`,
    );
  else print(summarizePagerDutyImport(result, flags.out, write));
  return exitCode;
}

export function registerImport(program: Command): void {
  const group = program
    .command('import')
    .description('Import people, schedules, escalation policies and integrations from another on-call tool');
  group
    .command('pagerduty')
    .description(
      'Import from PagerDuty (REST API v2) and prove every schedule against PagerDuty’s own rendering',
    )
    .addOption(
      new Option(
        '--token <token>',
        'PagerDuty REST API key (read-only is enough); better from $PD_TOKEN, out of ps',
      )
        .env('PD_TOKEN')
        .makeOptionMandatory(),
    )
    .option(
      '--api-url <url>',
      'PagerDuty API URL (EU: https://api.eu.pagerduty.com)',
      'https://api.pagerduty.com',
    )
    .requiredOption('--out <file>', 'Klaxon config file to write (integration keys go to <file>.env)')
    .option('--json', 'print the report as JSON')
    .option('--verify-weeks <n>', 'weeks of the on-call proof (0: none)', '8')
    .option('--allow-differences', 'write the config even when the proof finds differences')
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 1 error (nothing written), 3 the proof found differences (nothing written unless --allow-differences).\n\nExample:\n  klaxon import pagerduty --token "$PD_TOKEN" --out klaxon.yaml',
    )
    .action(async (flags: ImportPagerDutyFlags) => {
      process.exitCode = await importPagerDutyCommand(flags);
    });
  registerImportOnCall(group);
}
