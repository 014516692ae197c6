/**
 * The whole OnCall → Klaxon mapping: people, schedules (web and calendar; iCal-URL ones are reported),
 * escalation chains, and integrations (alertmanager, grafana_alerting, webhook) as services with
 * integration keys, plus the tier policies. Every source object gets one report entry.
 */
import { randomBytes } from 'node:crypto';
import type { NodeComment } from '../emit.ts';
import type { ImportReport } from '../report.ts';
import { IdMaker } from './ids.ts';
import { mapEscalation } from './map-escalation.ts';
import { mapPeople, sourceIdOf } from './map-people.ts';
import { mapSchedules } from './map-schedules.ts';
import { readIntegration, readRoute, readWebhook } from './types.ts';

export interface OnCallData {
  users: unknown[];
  rules: unknown[];
  teams: unknown[];
  schedules: unknown[];
  shifts: unknown[];
  chains: unknown[];
  policies: unknown[];
  integrations: unknown[];
  routes: unknown[];
  webhooks: unknown[];
}

/** Where a sender that posted to OnCall must post now. */
export interface SenderChange {
  integration: string;
  name: string;
  type: string;
  oncallUrl: string | null;
  klaxonUrl: string;
  header: string;
  env: string;
  note?: string;
}

export interface Mapped {
  config: Record<string, unknown>;
  comments: NodeComment[];
  secrets: Map<string, string>;
  senders: SenderChange[];
  /** Imported schedules: OnCall id → Klaxon id. */
  scheduleIds: Map<string, string>;
  userIds: Map<string, string>;
  /** Imported escalation chains: OnCall id → Klaxon policy id. */
  chainIds: Map<string, string>;
}

const KEY = /^[A-Za-z0-9_-]{16,128}$/;
const SOURCES: Record<
  string,
  { source: 'alertmanager' | 'grafana' | 'pagerduty'; path: string; note?: string }
> = {
  alertmanager: { source: 'alertmanager', path: '/api/v1/ingest/alertmanager' },
  grafana_alerting: { source: 'grafana', path: '/api/v1/ingest/grafana' },
  grafana: { source: 'grafana', path: '/api/v1/ingest/grafana' },
  webhook: {
    source: 'pagerduty',
    path: '/v2/enqueue',
    note: "Klaxon has no free-form JSON webhook: the sender must post PagerDuty Events v2 (routing_key = this key) instead of OnCall's webhook payload",
  },
};

/** Maps everything; `klaxonUrl` is where senders will post (for the report). */
export function mapOnCall(
  data: OnCallData,
  opts: { now: number; klaxonUrl: string },
  report: ImportReport,
): Mapped {
  const people = mapPeople(data, { users: new IdMaker(), teams: new IdMaker() }, report);
  const sched = mapSchedules(data, people.userIds, people.teamIds, opts.now, report);
  const esc = mapEscalation(data, { ...people, scheduleIds: sched.scheduleIds }, new IdMaker(), report);
  const services: Record<string, unknown>[] = [];
  const serviceSources: string[] = [];
  const keys: Record<string, unknown>[] = [];
  const keySources: string[] = [];
  const secrets = new Map<string, string>();
  const senders: SenderChange[] = [];
  const serviceIds = new IdMaker();
  const chainUse = new Map<string, number>();
  const teams = [...people.teams];
  let fallbackTeam: string | undefined;
  const routesByIntegration = new Map<string, unknown[]>();
  for (const r of data.routes) {
    const route = readRoute(r);
    const owner = typeof route === 'string' ? '' : route.integration_id;
    routesByIntegration.set(owner, [...(routesByIntegration.get(owner) ?? []), r]);
  }
  for (const r of data.integrations) {
    const it = readIntegration(r);
    if (typeof it === 'string') {
      report.skipped('integration', sourceIdOf(r), '', [it]);
      continue;
    }
    const kind = Object.hasOwn(SOURCES, it.type) ? SOURCES[it.type]! : undefined;
    const routes = routesByIntegration.get(it.id) ?? [];
    routesByIntegration.delete(it.id);
    if (!kind) {
      report.add({
        kind: 'integration',
        sourceId: it.id,
        name: it.name,
        outcome: 'skipped',
        notes: [
          `integration type ${it.type}: Klaxon takes Alertmanager, Grafana alerting, PagerDuty Events v2 and Amazon SNS; point the sender at one of those by hand`,
        ],
      });
      for (const rr of routes)
        report.skipped('route', sourceIdOf(rr), it.name, ['its integration was not imported']);
      continue;
    }
    let team = it.team_id ? people.teamIds.get(it.team_id) : undefined;
    if (!team) {
      if (!fallbackTeam) {
        fallbackTeam = teams.some((t) => t.id === 'oncall-import') ? 'oncall-import-2' : 'oncall-import';
        teams.push({ id: fallbackTeam, name: 'Imported from OnCall (no team)', members: [] });
      }
      team = fallbackTeam;
    }
    const service = serviceIds.make(it.name, it.id);
    services.push({ id: service, name: it.name, team, defaultTier: 'T2' });
    serviceSources.push(it.id);
    const token = it.link?.replace(/\/+$/, '').split('/').pop() ?? '';
    const key = KEY.test(token) ? token : randomBytes(24).toString('hex');
    const env = `KLAXON_ONCALL_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_KEY`;
    secrets.set(env, key);
    keys.push({ key: `\${${env}}`, name: service, service, source: kind.source });
    keySources.push(it.id);
    const klaxonUrl = `${opts.klaxonUrl.replace(/\/+$/, '')}${kind.path}`;
    const header = kind.source === 'pagerduty' ? `routing_key: $${env}` : `Authorization: Bearer $${env}`;
    senders.push({
      integration: it.id,
      name: it.name,
      type: it.type,
      oncallUrl: it.link,
      klaxonUrl,
      header,
      env,
      ...(kind.note ? { note: kind.note } : {}),
    });
    const notes = [`senders post to ${klaxonUrl} with ${header} instead of ${it.link ?? 'the OnCall URL'}`];
    if (kind.note) notes.push(kind.note);
    if (KEY.test(token))
      notes.push(`the key is the OnCall integration's own token, in ${env} (file <out>.env)`);
    for (const rr of routes) {
      const route = readRoute(rr);
      if (typeof route === 'string') {
        report.skipped('route', sourceIdOf(rr), it.name, [route]);
        continue;
      }
      const chain = route.escalation_chain_id ? esc.chainIds.get(route.escalation_chain_id) : undefined;
      if (chain) chainUse.set(chain, (chainUse.get(chain) ?? 0) + (route.is_the_last_route ? 2 : 1));
      const routeNotes = route.is_the_last_route
        ? []
        : [
            `routing regex ${route.routing_regex}: Klaxon routes by service and tier (alert labels tier/severity), not by regex; alerts it matched follow the tiers' policies`,
          ];
      if (!chain)
        routeNotes.push(`escalation chain ${route.escalation_chain_id ?? '(none)'} was not imported`);
      report.add({
        kind: 'route',
        sourceId: route.id,
        name: `${it.name} #${route.position}`,
        outcome: routeNotes.length > 0 ? 'changed' : 'imported',
        klaxonId: chain ?? service,
        notes: routeNotes,
      });
    }
    report.add({
      kind: 'integration',
      sourceId: it.id,
      name: it.name,
      outcome: kind.note ? 'changed' : 'imported',
      klaxonId: service,
      notes,
    });
  }
  for (const rest of routesByIntegration.values())
    for (const rr of rest)
      report.skipped('route', sourceIdOf(rr), '', ['its integration is not in the list of integrations']);
  for (const r of data.webhooks) {
    const w = readWebhook(r);
    report.add({
      kind: 'outgoing_webhook',
      sourceId: sourceIdOf(r),
      name: typeof w === 'string' ? '' : w.name,
      outcome: 'skipped',
      notes: [
        typeof w === 'string'
          ? w
          : `Klaxon calls webhooks from providers named in services[].notify.webhooks (docs/notifications.md); recreate ${w.url ?? 'it'} by hand: OnCall's templates and triggers do not carry over`,
      ],
    });
  }
  const main = [...chainUse].sort((a, b) => b[1] - a[1])[0]?.[0] ?? esc.policies[0]?.id;
  for (const p of esc.policies)
    if (p.id !== main) {
      const e = report.entries.find((x) => x.kind === 'escalation_chain' && x.klaxonId === p.id);
      if (e) {
        e.outcome = 'changed';
        e.notes.push(
          `Klaxon picks one escalation policy per tier for every service; T1 and T2 use ${main ?? 'none'}, so this policy is imported but no tier uses it: point a tier at it if it should page`,
        );
      }
    }
  const tiers: Record<string, unknown> = {
    T1: { name: 'Critical', urgency: 'high', pages: true, ...(main ? { escalationPolicy: main } : {}) },
    T2: { name: 'Warning', urgency: 'low', pages: true, ...(main ? { escalationPolicy: main } : {}) },
    T3: { name: 'Advisory', urgency: 'none', pages: false },
  };
  if (services.length === 0) {
    teams.push({ id: 'oncall-import', name: 'Imported from OnCall', members: [] });
    services.push({ id: 'default', name: 'Default (no OnCall integration imported)', team: 'oncall-import' });
    serviceSources.push('');
  }
  const config: Record<string, unknown> = {
    tiers,
    notificationDefaults: {
      high: [{ type: 'email', delayMinutes: 0 }],
      low: [{ type: 'email', delayMinutes: 0 }],
    },
    users: people.users,
    teams,
    services,
    schedules: sched.schedules,
    escalationPolicies: esc.policies,
    integrationKeys: keys,
  };
  const comments: NodeComment[] = [
    ...people.userSources.map((s, i) => ({ path: ['users', i], text: `OnCall user ${s}` })),
    ...people.teamSources.map((s, i) => ({ path: ['teams', i], text: `OnCall team ${s}` })),
    ...serviceSources.flatMap((s, i) =>
      s ? [{ path: ['services', i], text: `OnCall integration ${s}` }] : [],
    ),
    ...sched.sources.map((s, i) => ({ path: ['schedules', i], text: `OnCall schedule ${s}` })),
    ...esc.policySources.map((s, i) => ({
      path: ['escalationPolicies', i],
      text: `OnCall escalation chain ${s}`,
    })),
    ...keySources.map((s, i) => ({ path: ['integrationKeys', i], text: `OnCall integration ${s}` })),
  ];
  return {
    config,
    comments,
    secrets,
    senders,
    scheduleIds: sched.scheduleIds,
    userIds: people.userIds,
    chainIds: esc.chainIds,
  };
}
