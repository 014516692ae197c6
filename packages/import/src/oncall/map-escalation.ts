/**
 * OnCall escalation chains → Klaxon escalation policies. An OnCall chain is a list of steps run in order:
 * notify steps act at once and `wait` steps delay the next ones. A Klaxon step notifies its targets and
 * waits `escalateAfterMinutes`, so consecutive notify steps become one step and the wait after them its
 * delay; `repeat_escalation` (OnCall repeats the chain up to 5 times) becomes `repeat: 5`.
 */
import type { ImportReport } from '../report.ts';
import type { IdMaker } from './ids.ts';
import { sourceIdOf } from './map-people.ts';
import { readChain, readPolicy, type OcPolicy } from './types.ts';

type Target = { schedule: string } | { user: string } | { team: string };
export interface PolicyOut {
  id: string;
  name: string;
  repeat: number;
  steps: { targets: Target[]; escalateAfterMinutes: number }[];
}
export interface Escalation {
  policies: PolicyOut[];
  policySources: string[];
  /** OnCall chain id → Klaxon policy id. */
  chainIds: Map<string, string>;
}
export interface Lookups {
  userIds: ReadonlyMap<string, string>;
  teamIds: ReadonlyMap<string, string>;
  scheduleIds: ReadonlyMap<string, string>;
}

/** OnCall repeats a chain at most this many times (STEP_REPEAT_ESCALATION_N_TIMES). */
export const ONCALL_REPEATS = 5;
const DEFAULT_WAIT = 5;

const SKIP_REASONS: Record<string, string> = {
  trigger_webhook:
    'outgoing webhooks are not imported: call it from a Klaxon webhook provider (services[].notify.webhooks)',
  notify_user_group: 'Slack user groups are not imported: add the people or a team as a target by hand',
  notify_whole_channel:
    "Klaxon posts every incident to the service's Slack channel (services[].notify.slack): set it by hand",
  resolve: 'Klaxon escalation never resolves an incident by itself',
  notify_if_time_from_to: 'Klaxon steps have no time condition: use a schedule with restrictions instead',
  notify_if_num_alerts_in_window: 'Klaxon steps have no alert-count condition',
  declare_incident: 'Grafana Incident is not part of Klaxon',
};

function targetsOf(p: OcPolicy, l: Lookups, notes: string[]): Target[] | string {
  const users = (ids: readonly string[] | null | undefined): Target[] | string => {
    const out: Target[] = [];
    for (const oc of ids ?? []) {
      const u = l.userIds.get(oc);
      if (u) out.push({ user: u });
      else notes.push(`user ${oc} was not imported`);
    }
    return out.length > 0 ? out : 'none of its people were imported';
  };
  switch (p.type) {
    case 'notify_persons':
      return users(p.persons_to_notify);
    case 'notify_person_next_each_time':
      notes.push('OnCall notifies the next of these people each time; Klaxon notifies all of them each time');
      return users(p.persons_to_notify_next_each_time);
    case 'notify_on_call_from_schedule': {
      const s = p.notify_on_call_from_schedule
        ? l.scheduleIds.get(p.notify_on_call_from_schedule)
        : undefined;
      return s
        ? [{ schedule: s }]
        : `its schedule ${p.notify_on_call_from_schedule ?? '(none)'} was not imported`;
    }
    case 'notify_team_members': {
      const t = p.team_to_notify ? l.teamIds.get(p.team_to_notify) : undefined;
      return t ? [{ team: t }] : `its team ${p.team_to_notify ?? '(none)'} was not imported`;
    }
    default:
      return Object.hasOwn(SKIP_REASONS, p.type)
        ? SKIP_REASONS[p.type]!
        : `step type ${p.type} is unknown to the importer: recreate it by hand`;
  }
}

function key(t: Target): string {
  return JSON.stringify(t);
}

export function mapEscalation(
  raw: { chains: unknown[]; policies: unknown[] },
  l: Lookups,
  ids: IdMaker,
  report: ImportReport,
): Escalation {
  const out: Escalation = { policies: [], policySources: [], chainIds: new Map() };
  const byChain = new Map<string, OcPolicy[]>();
  for (const r of raw.policies) {
    const p = readPolicy(r);
    if (typeof p === 'string') {
      report.skipped('escalation_policy', sourceIdOf(r), '', [p]);
      continue;
    }
    byChain.set(p.escalation_chain_id, [...(byChain.get(p.escalation_chain_id) ?? []), p]);
  }
  for (const r of raw.chains) {
    const chain = readChain(r);
    if (typeof chain === 'string') {
      report.skipped('escalation_chain', sourceIdOf(r), '', [chain]);
      continue;
    }
    const id = ids.make(chain.name, chain.id);
    const policy: PolicyOut = { id, name: chain.name, repeat: 0, steps: [] };
    const chainNotes: string[] = [];
    let pending: Target[] = [];
    let leadingWait = 0;
    let afterRepeat = false;
    const flush = (wait: number | undefined): void => {
      if (pending.length === 0) return;
      policy.steps.push({ targets: pending, escalateAfterMinutes: wait ?? DEFAULT_WAIT });
      pending = [];
    };
    const steps = (byChain.get(chain.id) ?? []).sort((a, b) => a.position - b.position);
    byChain.delete(chain.id);
    for (const p of steps) {
      const notes: string[] = [];
      const base = {
        kind: 'escalation_policy',
        sourceId: p.id,
        name: `${chain.name} #${p.position}: ${p.type}`,
      };
      if (afterRepeat) {
        report.add({
          ...base,
          outcome: 'skipped',
          notes: [
            'comes after repeat_escalation, so OnCall reaches it only after the last repeat; Klaxon has no such step: add it by hand as a last step if it matters',
          ],
        });
        continue;
      }
      if (p.type === 'wait') {
        const minutes = Math.max(1, Math.round((p.duration ?? 60) / 60));
        const last = policy.steps[policy.steps.length - 1];
        if (pending.length > 0) flush(minutes);
        else if (last) last.escalateAfterMinutes = Math.min(24 * 60, last.escalateAfterMinutes + minutes);
        else leadingWait += minutes;
        report.add({ ...base, outcome: 'imported', klaxonId: id });
        continue;
      }
      if (p.type === 'repeat_escalation') {
        policy.repeat = ONCALL_REPEATS;
        afterRepeat = true;
        report.add({ ...base, outcome: 'imported', klaxonId: id, notes: [`repeat: ${ONCALL_REPEATS}`] });
        continue;
      }
      const targets = targetsOf(p, l, notes);
      if (typeof targets === 'string') {
        report.add({ ...base, outcome: 'skipped', notes: [targets] });
        continue;
      }
      if (p.important)
        notes.push(
          "important: Klaxon picks each person's high or low rules by the incident's tier (T1 high, T2 low), not by step",
        );
      for (const t of targets) if (!pending.some((x) => key(x) === key(t))) pending.push(t);
      report.add({ ...base, outcome: notes.length > 0 ? 'changed' : 'imported', klaxonId: id, notes });
    }
    if (pending.length > 0) {
      if (policy.repeat > 0)
        chainNotes.push(
          `OnCall repeats at once after the last step; Klaxon waits its escalateAfterMinutes (${DEFAULT_WAIT}) first`,
        );
      flush(undefined);
    }
    if (leadingWait > 0)
      chainNotes.push(
        `OnCall waits ${leadingWait} min before the first step; Klaxon pages the first step at once`,
      );
    if (policy.steps.length === 0) {
      report.skipped('escalation_chain', chain.id, chain.name, [
        'no step Klaxon can page: recreate it by hand',
      ]);
      continue;
    }
    out.policies.push(policy);
    out.policySources.push(chain.id);
    out.chainIds.set(chain.id, id);
    report.add({
      kind: 'escalation_chain',
      sourceId: chain.id,
      name: chain.name,
      outcome: chainNotes.length > 0 ? 'changed' : 'imported',
      klaxonId: id,
      notes: chainNotes,
    });
  }
  for (const [chainId, rest] of byChain)
    for (const p of rest)
      report.skipped('escalation_policy', p.id, p.type, [
        `its chain ${chainId} is not in the list of chains`,
      ]);
  return out;
}
