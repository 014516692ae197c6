/**
 * `klaxon import grafana-oncall`: the Grafana OnCall importer behind the `klaxon import` command group.
 * Exit codes: 0 written, 1 error (nothing written), 3 the proof found differences (nothing written
 * unless --allow-differences).
 */
import { Option, type Command } from 'commander';
import {
  OnCallApiError,
  runOnCallImport,
  summarizeOnCallImport,
  type OnCallImportResult,
} from '@klaxon/import';
import { CliError } from '../output.ts';

export interface ImportOnCallFlags {
  token?: string;
  apiUrl?: string;
  out?: string;
  json?: boolean;
  verifyWeeks?: string;
  allowDifferences?: boolean;
  klaxonUrl?: string;
  grafanaUrl?: string;
}

/** The `--json` document: the report, the senders' new URLs and the proof. */
export function oncallImportJson(r: OnCallImportResult, out: string): unknown {
  return {
    source: 'grafana-oncall',
    out,
    written: r.written,
    exitCode: r.exitCode,
    counts: r.report.counts(),
    entries: r.report.entries,
    senders: r.senders,
    verification: r.verification.map((v) => ({
      scheduleId: v.scheduleId,
      oncallId: v.oncallId,
      from: new Date(v.from).toISOString(),
      to: new Date(v.to).toISOString(),
      instants: v.instants,
      differences: v.differences,
    })),
    escalation: r.escalation ? { ...r.escalation, at: new Date(r.escalation.at).toISOString() } : null,
  };
}

/** Runs the import with the system clock and prints the result; returns the exit code. */
export async function importOnCall(
  flags: ImportOnCallFlags,
  deps: { now?: () => number; sleep?: (ms: number) => Promise<void>; write?: (text: string) => void } = {},
): Promise<number> {
  if (!flags.token) throw new CliError('--token is needed: an OnCall API key (OnCall → Settings → API keys)');
  if (!flags.apiUrl) throw new CliError('--api-url is needed: the OnCall API URL shown in OnCall → Settings');
  if (!flags.out) throw new CliError('--out is needed: the Klaxon config file to write');
  const weeks = flags.verifyWeeks === undefined ? 8 : Number(flags.verifyWeeks);
  let result: OnCallImportResult;
  try {
    result = await runOnCallImport({
      apiUrl: flags.apiUrl,
      token: flags.token,
      out: flags.out,
      verifyWeeks: weeks,
      allowDifferences: flags.allowDifferences === true,
      ...(flags.klaxonUrl ? { klaxonUrl: flags.klaxonUrl } : {}),
      ...(flags.grafanaUrl ? { grafanaUrl: flags.grafanaUrl } : {}),
      now: deps.now ?? (() => new Date().getTime()),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  } catch (err) {
    if (err instanceof OnCallApiError) throw new CliError(`${err.message} (nothing written)`);
    if (err instanceof Error && err.name !== 'ConfigError' && /verify-weeks/.test(err.message))
      throw new CliError(err.message);
    throw err;
  }
  const print = deps.write ?? ((t: string) => process.stdout.write(t));
  if (flags.json) print(`${JSON.stringify(oncallImportJson(result, flags.out), null, 2)}\n`);
  else print(summarizeOnCallImport(result, flags.out));
  return result.exitCode;
}

/** Adds `grafana-oncall` to the `klaxon import` group. */
export function registerImportOnCall(group: Command): void {
  group
    .command('grafana-oncall')
    .description(
      'Import people, schedules, escalation chains and integrations from Grafana OnCall, and prove the schedules',
    )
    .addOption(
      new Option(
        '--token <token>',
        'OnCall API key (or a Grafana service account token with --grafana-url); better from $ONCALL_TOKEN, out of ps',
      )
        .env('ONCALL_TOKEN')
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--api-url <url>',
      'OnCall API URL (OnCall → Settings), e.g. https://oncall-prod-eu-west-0.grafana.net/oncall',
    )
    .requiredOption('--out <file>', 'Klaxon config file to write (keys go to <file>.env)')
    .option('--json', 'print the report as JSON')
    .option('--verify-weeks <n>', 'weeks of the on-call proof against OnCall final_shifts (0: none)', '8')
    .option('--allow-differences', 'write the config even when the proof finds differences')
    .option('--klaxon-url <url>', 'where senders will reach Klaxon, for the report', 'http://klaxon:8080')
    .option('--grafana-url <url>', 'Grafana stack URL, sent as X-Grafana-URL with a service account token')
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 1 error (nothing written), 3 the proof found differences (nothing written unless --allow-differences).\n\nExample:\n  klaxon import grafana-oncall --token "$ONCALL_TOKEN" --api-url https://oncall-prod-eu-west-0.grafana.net/oncall --out klaxon.yaml',
    )
    .action(async (flags: ImportOnCallFlags) => {
      process.exitCode = await importOnCall(flags);
    });
}
