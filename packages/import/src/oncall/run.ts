/**
 * `klaxon import grafana-oncall`: reads the OnCall public API, maps it, validates the config with the
 * engine's parseConfig, proves each imported schedule against OnCall's own `final_shifts` rendering over
 * the coming weeks, and only then writes the file (and its `.env` of keys) atomically.
 */
import { DateTime } from 'luxon';
import { buildConfig, writeAtomically, type EmittedConfig } from '../emit.ts';
import { ImportReport } from '../report.ts';
import {
  MAX_VERIFY_WEEKS,
  summarizeDifferences,
  verifySchedule,
  type ScheduleVerification,
  type SourceEntry,
} from '../verify.ts';
import { OnCallClient, type OnCallClientOptions } from './client.ts';
import { mapOnCall, type OnCallData, type SenderChange } from './map.ts';
import { verifyEscalation, type EscalationVerification } from './escalation-check.ts';
import { readFinalShift } from './types.ts';

export interface OnCallImportOptions extends Omit<OnCallClientOptions, 'apiUrl' | 'token'> {
  apiUrl: string;
  token: string;
  out: string;
  /** Weeks of the proof (default 8; 0 skips it). */
  verifyWeeks?: number;
  allowDifferences?: boolean;
  /** Where senders will post, for the report (default http://klaxon:8080). */
  klaxonUrl?: string;
  now: () => number;
}

export interface OnCallImportResult {
  /** 0: written; 3: differences and not allowed (nothing written). */
  exitCode: 0 | 3;
  written: boolean;
  report: ImportReport;
  senders: SenderChange[];
  verification: (ScheduleVerification & { oncallId: string })[];
  /** Who each imported policy's steps reach at the start of the proof, both sides (absent: no proof). */
  escalation?: EscalationVerification;
  emitted: EmittedConfig;
  /** OnCall user id → Klaxon user id. */
  userIds: ReadonlyMap<string, string>;
}

/** The lists, in the order the importer reads them. */
export const ONCALL_LISTS = [
  ['users', 'api/v1/users/'],
  ['rules', 'api/v1/personal_notification_rules/'],
  ['teams', 'api/v1/teams/'],
  ['schedules', 'api/v1/schedules/'],
  ['shifts', 'api/v1/on_call_shifts/'],
  ['chains', 'api/v1/escalation_chains/'],
  ['policies', 'api/v1/escalation_policies/'],
  ['integrations', 'api/v1/integrations/'],
  ['routes', 'api/v1/routes/'],
  ['webhooks', 'api/v1/webhooks/'],
] as const;

export async function readOnCall(client: OnCallClient): Promise<OnCallData> {
  const data: Partial<OnCallData> = {};
  for (const [key, path] of ONCALL_LISTS) data[key] = await client.list(path);
  return data as OnCallData;
}

async function finalShifts(
  client: OnCallClient,
  id: string,
  from: number,
  weeks: number,
  userIds: ReadonlyMap<string, string>,
): Promise<SourceEntry[]> {
  const start = DateTime.fromMillis(from, { zone: 'UTC' });
  const query = { start_date: start.toISODate()!, end_date: start.plus({ weeks, days: 1 }).toISODate()! };
  const rows = await client.list(`api/v1/schedules/${encodeURIComponent(id)}/final_shifts`, query);
  const out: SourceEntry[] = [];
  for (const r of rows) {
    const f = readFinalShift(r);
    if (typeof f === 'string') throw new Error(`final_shifts of ${id}: ${f}`);
    out.push({
      start: f.shift_start,
      end: f.shift_end,
      userIds: [userIds.get(f.user_pk) ?? `oncall:${f.user_pk}`],
    });
  }
  return out;
}

export async function runOnCallImport(opts: OnCallImportOptions): Promise<OnCallImportResult> {
  const weeks = opts.verifyWeeks ?? 8;
  if (!(Number.isInteger(weeks) && weeks >= 0 && weeks <= MAX_VERIFY_WEEKS))
    throw new Error(`--verify-weeks must be a whole number from 0 to ${MAX_VERIFY_WEEKS}`);
  const client = new OnCallClient(opts, opts.now);
  const data = await readOnCall(client);
  const now = opts.now();
  const report = new ImportReport();
  const mapped = mapOnCall(data, { now, klaxonUrl: opts.klaxonUrl ?? 'http://klaxon:8080' }, report);
  const header = [
    `Imported from Grafana OnCall ${new URL(opts.apiUrl).origin} at ${new Date(now).toISOString()} by \`klaxon import grafana-oncall\`.`,
    'Integration keys are ${ENV} references: their values are in the .env file written next to this one.',
    'Check with `klaxon check-config`; the import report lists what changed and what was not imported.',
  ];
  const input = { config: mapped.config, header, comments: mapped.comments, secrets: mapped.secrets };
  const emitted = buildConfig(input);
  const verification: OnCallImportResult['verification'] = [];
  let escalation: EscalationVerification | undefined;
  if (weeks > 0) {
    const from = Math.floor(now / 3_600_000) * 3_600_000;
    const rendered = new Map<string, SourceEntry[]>();
    for (const [oncallId, scheduleId] of mapped.scheduleIds) {
      const source = await finalShifts(client, oncallId, from, weeks, mapped.userIds);
      rendered.set(oncallId, source);
      verification.push({
        oncallId,
        ...verifySchedule({ config: emitted.config, scheduleId, source, from, weeks }),
      });
    }
    const onCallNow = (id: string) =>
      rendered
        .get(id)
        ?.filter((e) => Date.parse(String(e.start)) <= from && from < Date.parse(String(e.end)))
        .flatMap((e) => [...e.userIds]) ?? null;
    escalation = verifyEscalation({
      data,
      config: emitted.config,
      chainIds: mapped.chainIds,
      userIds: mapped.userIds,
      onCallNow,
      at: from,
    });
  }
  const differs =
    verification.some((v) => v.differences.length > 0) || (escalation?.differences.length ?? 0) > 0;
  const write = !differs || opts.allowDifferences === true;
  if (write) {
    const files: { path: string; text: string; mode?: number }[] = [{ path: opts.out, text: emitted.text }];
    if (emitted.envText) files.push({ path: `${opts.out}.env`, text: emitted.envText, mode: 0o600 });
    await writeAtomically(files);
  }
  return {
    exitCode: differs && !opts.allowDifferences ? 3 : 0,
    written: write,
    report,
    senders: mapped.senders,
    verification,
    emitted,
    userIds: mapped.userIds,
    ...(escalation ? { escalation } : {}),
  };
}

/** The human summary: counts, what each sender must change, what was not imported, the proof. */
export function summarizeOnCallImport(r: OnCallImportResult, out: string): string {
  const c = r.report.counts();
  const lines = [
    `Grafana OnCall → ${out}: ${c.imported} imported, ${c.changed} imported with changes, ${c.skipped} not imported.`,
  ];
  if (!r.written)
    lines.push(`Nothing written: the proof found differences (use --allow-differences to write it anyway).`);
  if (r.senders.length > 0) lines.push('', 'Senders must change their URL:');
  for (const s of r.senders)
    lines.push(
      `  ${s.name} (${s.type}, ${s.integration}): ${s.oncallUrl ?? '?'} → ${s.klaxonUrl} with ${s.header}${s.note ? `; ${s.note}` : ''}`,
    );
  const noted = r.report.entries.filter((e) => e.outcome !== 'imported');
  if (noted.length > 0) lines.push('', 'Changed or not imported:');
  for (const e of noted)
    lines.push(
      `  ${e.outcome === 'changed' ? '~' : '-'} ${e.kind} ${e.sourceId} ${e.name}: ${e.notes.join('; ')}`,
    );
  if (r.verification.length > 0) lines.push('', 'Proof against OnCall final_shifts:');
  for (const v of r.verification) {
    lines.push(
      `  ${v.scheduleId} (${v.oncallId}): ${v.instants} instants compared, ${v.differences.length} differ`,
    );
    for (const d of summarizeDifferences(v.differences).slice(0, 20))
      lines.push(
        `    ${d.from}…${d.to}: OnCall [${d.source.join(', ')}], Klaxon [${d.klaxon.join(', ')}] (${d.instants} instants)`,
      );
  }
  if (r.escalation) {
    const e = r.escalation;
    lines.push(
      `  escalation at ${new Date(e.at).toISOString()}: ${e.policies} policies, ${e.steps} steps compared, ${e.differences.length} differ`,
    );
    for (const d of e.differences)
      lines.push(
        `    ${d.policy} step ${d.step + 1}: OnCall [${d.source.join(', ')}], Klaxon [${d.klaxon.join(', ')}]`,
      );
  }
  return `${lines.join('\n')}\n`;
}
