/**
 * PagerDuty escalation policies, services (with their Events API v2 integration keys) and maintenance
 * windows → Klaxon. Klaxon pages per tier, not per service: T1 (high urgency) and T2 (low urgency) both
 * page through the policy most services use, and each service on another policy is reported as changed.
 */
import type { ImportReport } from '../report.ts';
import type { Mapped } from './people.ts';
import {
  IdAllocator,
  instantOf,
  int,
  isObj,
  list,
  obj,
  optStr,
  reason,
  refIds,
  str,
  type Obj,
} from './wire.ts';

type Target = { user: string } | { schedule: string };
export interface PolicyOut {
  id: string;
  name: string;
  repeat: number;
  steps: { targets: Target[]; escalateAfterMinutes: number }[];
}
export interface ServiceOut {
  id: string;
  name: string;
  team: string;
  description?: string;
  defaultTier: 'T1' | 'T2';
}
export interface IntegrationKeyOut {
  key: string;
  name: string;
  service: string;
  source: 'pagerduty';
}

export function mapPolicies(opts: {
  policies: unknown[];
  userIds: ReadonlyMap<string, string>;
  scheduleIds: ReadonlyMap<string, string>;
  report: ImportReport;
  ids: Map<string, string>;
}): Mapped<PolicyOut>[] {
  const alloc = new IdAllocator();
  const out: Mapped<PolicyOut>[] = [];
  for (const [i, raw] of opts.policies.entries()) {
    const p: Obj = isObj(raw) ? raw : {};
    const pdId = optStr(p, 'id') ?? `escalation_policies[${i}]`;
    const name = optStr(p, 'name') ?? pdId;
    try {
      const notes: string[] = [];
      const id = alloc.take(name, pdId);
      const loops = typeof p.num_loops === 'number' ? int(p, 'num_loops') : 0;
      if (loops > 20) notes.push(`num_loops ${loops} capped at Klaxon's 20`);
      const value: PolicyOut = { id, name, repeat: Math.min(Math.max(loops, 0), 20), steps: [] };
      for (const [j, rr] of list(p, 'escalation_rules').entries()) {
        const r = obj(rr, `escalation_rules[${j}]`);
        const targets: Target[] = [];
        for (const t of list(r, 'targets')) {
          const target = obj(t, 'target');
          const tid = str(target, 'id');
          const type = str(target, 'type');
          const user = type.startsWith('user') ? opts.userIds.get(tid) : undefined;
          const schedule = type.startsWith('schedule') ? opts.scheduleIds.get(tid) : undefined;
          if (user) targets.push({ user });
          else if (schedule) targets.push({ schedule });
          else notes.push(`rule ${j + 1}: target ${type} ${tid} was not imported`);
        }
        const delay = int(r, 'escalation_delay_in_minutes');
        if (r.escalation_rule_assignment_strategy === 'round_robin')
          notes.push(`rule ${j + 1}: round robin assignment is not in Klaxon: every target is paged`);
        if (targets.length === 0) {
          notes.push(`rule ${j + 1}: no target left, the rule is not imported`);
          continue;
        }
        const after = Math.min(Math.max(delay, 1), 24 * 60);
        if (after !== delay) notes.push(`rule ${j + 1}: delay ${delay} min became ${after} min`);
        value.steps.push({ targets, escalateAfterMinutes: after });
      }
      if (value.steps.length === 0)
        throw new Error(`no rule could be imported${notes.length ? `: ${notes.join('; ')}` : ''}`);
      opts.ids.set(pdId, id);
      out.push({ value, comment: `PagerDuty escalation policy ${pdId}` });
      opts.report.mapped('escalation_policy', pdId, name, id, notes);
    } catch (err) {
      opts.report.skipped('escalation_policy', pdId, name, [reason(err)]);
    }
  }
  return out;
}

/** The environment variable an imported integration key is read from. */
export function keyEnvName(integrationId: string): string {
  return `KLAXON_PD_KEY_${integrationId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export interface MappedServices {
  services: Mapped<ServiceOut>[];
  keys: Mapped<IntegrationKeyOut>[];
  /** Env name → key value. */
  secrets: Map<string, string>;
  /** The Klaxon policy T1 and T2 page through, if any. */
  tierPolicy?: string;
  /** A team for services that have none in PagerDuty, when one was needed. */
  fallbackTeam?: string;
}

export function mapServices(opts: {
  services: unknown[];
  policyIds: ReadonlyMap<string, string>;
  teamIds: ReadonlyMap<string, string>;
  reservedTeamIds: readonly string[];
  report: ImportReport;
  ids: Map<string, string>;
}): MappedServices {
  const { report } = opts;
  const parsed = opts.services.map((raw, i) => {
    const s: Obj = isObj(raw) ? raw : {};
    const pdId = optStr(s, 'id') ?? `services[${i}]`;
    const policyPd = isObj(s.escalation_policy) ? optStr(s.escalation_policy, 'id') : undefined;
    return { s, pdId, policy: policyPd ? opts.policyIds.get(policyPd) : undefined, policyPd };
  });
  const counts = new Map<string, number>();
  for (const p of parsed) if (p.policy) counts.set(p.policy, (counts.get(p.policy) ?? 0) + 1);
  const tierPolicy = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const alloc = new IdAllocator();
  const fallbackTeam = new IdAllocator(opts.reservedTeamIds).take('pagerduty-services', 'pagerduty');
  let usedFallback = false;
  const out: MappedServices = { services: [], keys: [], secrets: new Map() };
  for (const { s, pdId, policy, policyPd } of parsed) {
    const name = optStr(s, 'name') ?? pdId;
    try {
      if (!optStr(s, 'id')) throw new Error('it has no id');
      const notes: string[] = [];
      if (s.status === 'disabled')
        notes.push('disabled in PagerDuty: enabled in Klaxon (delete it if unused)');
      const team = refIds(s, 'teams')
        .map((t) => opts.teamIds.get(t))
        .find((t) => t !== undefined);
      if (!team) {
        usedFallback = true;
        notes.push(`no imported team in PagerDuty: owned by team ${fallbackTeam} (Klaxon services need one)`);
      }
      if (policy !== tierPolicy)
        notes.push(
          policy
            ? `escalation policy ${policyPd} (${policy}): Klaxon pages per tier, so this service pages through ${tierPolicy}`
            : `its escalation policy ${policyPd ?? '(none)'} was not imported: it pages through ${tierPolicy ?? 'no policy'}`,
        );
      const urgency = isObj(s.incident_urgency_rule) ? s.incident_urgency_rule : {};
      const low = urgency.type === 'constant' && urgency.urgency === 'low';
      if (urgency.type === 'use_support_hours' || urgency.urgency === 'severity_based')
        notes.push(
          'urgency by support hours or severity: alerts without a tier or severity are T1 (high urgency)',
        );
      const id = alloc.take(name, pdId);
      const value: ServiceOut = { id, name, team: team ?? fallbackTeam, defaultTier: low ? 'T2' : 'T1' };
      const description = optStr(s, 'description');
      if (description) value.description = description;
      out.services.push({
        value,
        comment: `PagerDuty service ${pdId}${policyPd ? `, escalation policy ${policyPd}` : ''}`,
      });
      opts.ids.set(pdId, id);
      report.mapped('service', pdId, name, id, notes);
      for (const ri of list(s, 'integrations')) mapIntegration(obj(ri, 'integration'), value, out, report);
    } catch (err) {
      report.skipped('service', pdId, name, [reason(err)]);
    }
  }
  if (tierPolicy) out.tierPolicy = tierPolicy;
  if (usedFallback) out.fallbackTeam = fallbackTeam;
  return out;
}

function mapIntegration(i: Obj, service: ServiceOut, out: MappedServices, report: ImportReport): void {
  const iid = optStr(i, 'id') ?? `${service.id}/integration`;
  const type = optStr(i, 'type') ?? '(no type)';
  const name = `${service.name}: ${optStr(i, 'name') ?? type}`;
  const key = optStr(i, 'integration_key');
  if (type !== 'events_api_v2_inbound_integration' || !key) {
    const why =
      type === 'events_api_v2_inbound_integration'
        ? 'no integration_key in the answer (was include[]=integrations honoured?)'
        : `${type} is not an Events API v2 integration: point that sender at a Klaxon integration key by hand`;
    report.skipped('integration', iid, name, [why]);
    return;
  }
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(key)) {
    report.skipped('integration', iid, name, ['its key has characters Klaxon keys cannot have']);
    return;
  }
  const env = keyEnvName(iid);
  out.secrets.set(env, key);
  out.keys.push({
    value: { key: `\${${env}}`, name, service: service.id, source: 'pagerduty' },
    comment: `PagerDuty integration ${iid} (Events API v2): the same routing key, from ${env}`,
  });
  report.add({ kind: 'integration', sourceId: iid, name, outcome: 'imported', klaxonId: env, notes: [] });
}

export function mapMaintenance(
  windows: unknown[],
  serviceIds: ReadonlyMap<string, string>,
  report: ImportReport,
): Mapped<{ service: string; from: string; to: string; reason: string }>[] {
  const out: Mapped<{ service: string; from: string; to: string; reason: string }>[] = [];
  for (const [i, raw] of windows.entries()) {
    const w: Obj = isObj(raw) ? raw : {};
    const pdId = optStr(w, 'id') ?? `maintenance_windows[${i}]`;
    const name = optStr(w, 'description') ?? pdId;
    try {
      const from = new Date(instantOf(w, 'start_time')).toISOString();
      const to = new Date(instantOf(w, 'end_time')).toISOString();
      const notes: string[] = [];
      let n = 0;
      for (const sid of refIds(w, 'services')) {
        const service = serviceIds.get(sid);
        if (!service) {
          notes.push(`service ${sid} was not imported`);
          continue;
        }
        out.push({
          value: { service, from, to, reason: optStr(w, 'description') ?? '' },
          comment: `PagerDuty maintenance window ${pdId}`,
        });
        n++;
      }
      if (n === 0) throw new Error(notes.join('; ') || 'it has no service');
      report.add({
        kind: 'maintenance_window',
        sourceId: pdId,
        name,
        outcome: notes.length ? 'changed' : 'imported',
        notes,
      });
    } catch (err) {
      report.skipped('maintenance_window', pdId, name, [reason(err)]);
    }
  }
  return out;
}
