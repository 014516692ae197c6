/**
 * The escalation half of the proof: for each imported policy, the people each step reaches now, in
 * PagerDuty (its rules' user targets, and whoever its own rendering has on call for schedule targets)
 * and in Klaxon (OnCallDirectory over the imported config, with the config's overrides).
 */
import { OnCallDirectory, type KlaxonConfig } from '@klaxon/engine';
import { configOverrides, type SourceEntry } from '../verify.ts';
import { isObj, list, optStr } from './wire.ts';

export interface StepReach {
  step: number;
  source: string[];
  klaxon: string[];
}

export interface PolicyReach {
  policyId: string;
  sourceId: string;
  steps: StepReach[];
  differs: boolean;
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

export function policyReachNow(opts: {
  config: KlaxonConfig;
  policies: readonly unknown[];
  policyIds: ReadonlyMap<string, string>;
  userIds: ReadonlyMap<string, string>;
  scheduleIds: ReadonlyMap<string, string>;
  renderings: ReadonlyMap<string, SourceEntry[]>;
  now: number;
}): PolicyReach[] {
  const { config, now } = opts;
  const directory = new OnCallDirectory(config);
  const overrides = new Map(config.schedules.map((s) => [s.id, configOverrides(config, s.id)]));
  const onCallInSource = (scheduleId: string): string[] =>
    (opts.renderings.get(scheduleId) ?? [])
      .filter((e) => Number(e.start) <= now && now < Number(e.end))
      .flatMap((e) => e.userIds);
  const out: PolicyReach[] = [];
  for (const raw of opts.policies) {
    if (!isObj(raw)) continue;
    const sourceId = optStr(raw, 'id') ?? '';
    const policyId = opts.policyIds.get(sourceId);
    const policy = config.escalationPolicies.find((p) => p.id === policyId);
    if (!policyId || !policy) continue;
    const rules = list(raw, 'escalation_rules').filter(isObj);
    const steps: StepReach[] = [];
    for (let i = 0; i < Math.max(rules.length, policy.steps.length); i++) {
      const source = sorted(
        list(rules[i] ?? {}, 'targets')
          .filter(isObj)
          .flatMap((t) => {
            const id = optStr(t, 'id') ?? '';
            if (String(t.type).startsWith('user')) return [opts.userIds.get(id) ?? `pagerduty:${id}`];
            const schedule = opts.scheduleIds.get(id);
            return schedule ? onCallInSource(schedule) : [`pagerduty-schedule:${id}`];
          }),
      );
      const step = policy.steps[i];
      const klaxon = step
        ? sorted(directory.resolveTargets(step.targets, now, overrides).flatMap((r) => r.userIds))
        : [];
      steps.push({ step: i + 1, source, klaxon });
    }
    const differs = steps.some((s) => s.source.join() !== s.klaxon.join());
    out.push({ policyId, sourceId, steps, differs });
  }
  return out;
}
