/**
 * The escalation half of the proof: for each imported chain, the people each step reaches now, as
 * OnCall's own data says (persons, team members, and whoever OnCall's `final_shifts` has on call for a
 * schedule; `wait` separates steps, `repeat_escalation` ends the first pass) and as Klaxon's
 * OnCallDirectory resolves the imported policy's steps at the same instant.
 */
import { OnCallDirectory, type KlaxonConfig, type Override } from '@klaxon/engine';
import { configOverrides } from '../verify.ts';
import type { OnCallData } from './map.ts';
import { readChain, readPolicy, readUser, type OcPolicy } from './types.ts';

export interface StepDifference {
  policy: string;
  chain: string;
  /** 0-based step of the first pass. */
  step: number;
  source: string[];
  klaxon: string[];
}
export interface EscalationVerification {
  at: number;
  policies: number;
  steps: number;
  differences: StepDifference[];
}

const NOTIFY = new Set([
  'notify_persons',
  'notify_person_next_each_time',
  'notify_on_call_from_schedule',
  'notify_team_members',
]);

export function verifyEscalation(opts: {
  data: OnCallData;
  config: KlaxonConfig;
  chainIds: ReadonlyMap<string, string>;
  userIds: ReadonlyMap<string, string>;
  /** Klaxon ids of whom OnCall's final_shifts has on call at `at` for an OnCall schedule (null: not read). */
  onCallNow: (oncallScheduleId: string) => string[] | null;
  at: number;
}): EscalationVerification {
  const { data, config, at } = opts;
  const user = (oc: string) => opts.userIds.get(oc) ?? `oncall:${oc}`;
  const members = new Map<string, string[]>();
  for (const r of data.users) {
    const u = readUser(r);
    if (typeof u === 'string') continue;
    for (const t of u.teams ?? []) members.set(t, [...(members.get(t) ?? []), user(u.id)]);
  }
  const reached = (p: OcPolicy): string[] => {
    switch (p.type) {
      case 'notify_persons':
        return (p.persons_to_notify ?? []).map(user);
      case 'notify_person_next_each_time':
        return (p.persons_to_notify_next_each_time ?? []).slice(0, 1).map(user);
      case 'notify_on_call_from_schedule': {
        const id = p.notify_on_call_from_schedule ?? '';
        return opts.onCallNow(id) ?? [`oncall-schedule:${id}`];
      }
      case 'notify_team_members':
        return members.get(p.team_to_notify ?? '') ?? [];
      default:
        return [];
    }
  };
  const policies = data.policies.map(readPolicy).filter((p): p is OcPolicy => typeof p !== 'string');
  const directory = new OnCallDirectory(config);
  const overrides = new Map<string, Override[]>(
    config.schedules.map((s) => [s.id, configOverrides(config, s.id)]),
  );
  const out: EscalationVerification = { at, policies: 0, steps: 0, differences: [] };
  for (const raw of data.chains) {
    const chain = readChain(raw);
    if (typeof chain === 'string') continue;
    const policyId = opts.chainIds.get(chain.id);
    const policy = policyId ? config.escalationPolicies.find((p) => p.id === policyId) : undefined;
    if (!policy) continue;
    // A group is what OnCall does between two waits; it is a step only if it notifies someone's way.
    const groups: { people: Set<string>; notifies: boolean }[] = [{ people: new Set(), notifies: false }];
    for (const p of policies
      .filter((x) => x.escalation_chain_id === chain.id)
      .sort((a, b) => a.position - b.position)) {
      if (p.type === 'repeat_escalation') break;
      if (p.type === 'wait') groups.push({ people: new Set(), notifies: false });
      else if (NOTIFY.has(p.type)) {
        const g = groups[groups.length - 1]!;
        g.notifies = true;
        for (const u of reached(p)) g.people.add(u);
      }
    }
    const source = groups.filter((g) => g.notifies).map((g) => [...g.people].sort());
    const klaxon = policy.steps.map((s) =>
      [...new Set(directory.resolveTargets(s.targets, at, overrides).flatMap((r) => r.userIds))].sort(),
    );
    out.policies++;
    for (let i = 0; i < Math.max(source.length, klaxon.length); i++) {
      out.steps++;
      const a = source[i] ?? [];
      const b = klaxon[i] ?? [];
      if (a.join('\n') !== b.join('\n'))
        out.differences.push({ policy: policy.id, chain: chain.id, step: i, source: a, klaxon: b });
    }
  }
  return out;
}
