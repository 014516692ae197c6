/**
 * `klaxon import pagerduty`, as a function: read the account, map it, build and validate the config,
 * and prove that every imported schedule has the same person on call as PagerDuty's own rendering.
 * Writing the file is the caller's decision (emitConfig), once it has seen the proof.
 */
import { buildConfig, type EmitInput, type EmittedConfig, type NodeComment } from '../emit.ts';
import { ImportReport } from '../report.ts';
import { verifySchedule, type ScheduleVerification } from '../verify.ts';
import { PdClient } from './client.ts';
import { mapTeams, mapUsers, type Mapped } from './people.ts';
import { mapMaintenance, mapPolicies, mapServices } from './policies.ts';
import { policyReachNow, type PolicyReach } from './reach.ts';
import { readPagerDuty } from './read.ts';
import { mapSchedules } from './schedules.ts';

export interface PagerDutyImportOptions {
  token: string;
  apiUrl?: string;
  /** The import's "now" (epoch ms): the CLI passes the system clock. */
  now: number;
  /** Weeks of the proof of equivalence (default 8). */
  verifyWeeks?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  pageSize?: number;
}

export interface PagerDutyImport {
  report: ImportReport;
  input: EmitInput;
  emitted: EmittedConfig;
  verification: ScheduleVerification[];
  /** For each imported policy, whom each step reaches now, in both tools. */
  reach: PolicyReach[];
}

function section<T>(name: string, items: readonly Mapped<T>[], comments: NodeComment[]): T[] {
  items.forEach((m, i) => comments.push({ path: [name, i], text: m.comment }));
  return items.map((m) => m.value);
}

export async function importPagerDuty(opts: PagerDutyImportOptions): Promise<PagerDutyImport> {
  const verifyWeeks = opts.verifyWeeks ?? 8;
  const client = new PdClient({
    token: opts.token,
    ...(opts.apiUrl !== undefined ? { apiUrl: opts.apiUrl } : {}),
    ...(opts.fetch !== undefined ? { fetch: opts.fetch } : {}),
    ...(opts.sleep !== undefined ? { sleep: opts.sleep } : {}),
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
  });
  const snap = await readPagerDuty(client, { now: opts.now, verifyWeeks });
  const report = new ImportReport();
  const userIds = new Map<string, string>();
  const teamIds = new Map<string, string>();
  const scheduleIds = new Map<string, string>();
  const policyIds = new Map<string, string>();
  const serviceIds = new Map<string, string>();

  const users = mapUsers(snap.users, report, userIds);
  const teams = mapTeams(snap.teams, snap.teamMembers, userIds, report, teamIds);
  const { schedules, renderings } = mapSchedules({
    schedules: snap.schedules,
    overrides: snap.overrides,
    now: snap.now,
    userIds,
    teamIds,
    report,
    ids: scheduleIds,
  });
  const policies = mapPolicies({ policies: snap.policies, userIds, scheduleIds, report, ids: policyIds });
  const services = mapServices({
    services: snap.services,
    policyIds,
    teamIds,
    reservedTeamIds: teams.map((t) => t.value.id),
    report,
    ids: serviceIds,
  });
  const maintenance = mapMaintenance(snap.maintenanceWindows, serviceIds, report);
  if (services.services.length === 0)
    throw new Error('no PagerDuty service could be imported, and a Klaxon config needs at least one');

  const comments: NodeComment[] = [];
  const teamList = section('teams', teams, comments);
  if (services.fallbackTeam)
    teamList.push({ id: services.fallbackTeam, name: 'PagerDuty services without a team', members: [] });
  const policy = services.tierPolicy ? { escalationPolicy: services.tierPolicy } : {};
  const config: Record<string, unknown> = {
    tiers: {
      T1: { name: 'Critical', urgency: 'high', pages: true, ...policy },
      T2: { name: 'Warning', urgency: 'low', pages: true, ...policy },
      T3: { name: 'Advisory', urgency: 'none', pages: false },
    },
    users: section('users', users, comments),
    teams: teamList,
    services: section('services', services.services, comments),
    schedules: section('schedules', schedules, comments),
    escalationPolicies: section('escalationPolicies', policies, comments),
    maintenance: section('maintenance', maintenance, comments),
    integrationKeys: section('integrationKeys', services.keys, comments),
  };
  const apiUrl = opts.apiUrl ?? 'https://api.pagerduty.com';
  const input: EmitInput = {
    config,
    header: [
      `Imported from PagerDuty (${apiUrl}) by \`klaxon import pagerduty\` at ${new Date(snap.now).toISOString()}.`,
      'Each object names its PagerDuty id; the import report lists what changed and what was not imported.',
      ...(services.secrets.size > 0
        ? ['Integration keys are read from the environment: load the .env file written next to this one.']
        : []),
    ],
    comments,
    secrets: services.secrets,
  };
  const emitted = buildConfig(input);
  const verification =
    verifyWeeks > 0
      ? [...renderings].map(([scheduleId, source]) =>
          verifySchedule({
            config: emitted.config,
            scheduleId,
            source,
            from: snap.since,
            weeks: verifyWeeks,
          }),
        )
      : [];
  const reach = policyReachNow({
    config: emitted.config,
    policies: snap.policies,
    policyIds,
    userIds,
    scheduleIds,
    renderings,
    now: snap.now,
  });
  return { report, input, emitted, verification, reach };
}
