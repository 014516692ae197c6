/**
 * From evaluations and the replayed engine to the figures: per rule, per person, per day, totals and
 * the difference between two catalogs. A page is one person reached for one incident in one opening or
 * re-opening (by any number of channels); a wake-up is a T1 page outside that person's working hours.
 */
import { isOffHours, type KlaxonConfig, type WorkingHours } from '@klaxon/engine';
import type { RuleSpec } from './catalog.ts';
import type { RuleEvaluation } from './evaluate.ts';
import type { ReplayResult } from './replay.ts';
import type {
  CatalogRun,
  DayResult,
  IncidentRecord,
  PageRecord,
  PersonResult,
  RuleCounts,
  RuleDiff,
  RuleResult,
  Tier,
  Totals,
} from './types.ts';

/** A person as the off-hours test reads them: unknown people work 09:00–18:00 UTC. */
function personOf(config: KlaxonConfig, person: string): { timezone: string; workingHours?: WorkingHours } {
  return config.users.find((u) => u.id === person) ?? { timezone: 'UTC' };
}

/** The time zone most people in the config work in: naive alarms are "off hours" in it. */
export function teamZone(config: KlaxonConfig): string {
  const count = new Map<string, number>();
  for (const u of config.users) count.set(u.timezone, (count.get(u.timezone) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'UTC';
}

/** Every count at zero: a skipped rule's, or a rule missing from one side of a diff. */
export const zeroCounts = (): RuleCounts => ({
  naive: 0,
  episodes: 0,
  incidents: 0,
  pages: 0,
  pagesT1: 0,
  pagesT2: 0,
  wakeups: 0,
  firingSeconds: 0,
});

export function summarize(o: {
  label: string;
  rules: RuleSpec[];
  evaluations: Map<RuleSpec, RuleEvaluation | { code: string; message: string }>;
  replay: ReplayResult;
  config: KlaxonConfig;
  toMs: number;
}): CatalogRun & { naiveOffHours: number } {
  const incidents: IncidentRecord[] = o.replay.incidents.map((i) => {
    // A page is a person reached for one incident in one (re-)opening: a re-open escalates anew.
    const byPerson = new Map<string, PageRecord>();
    for (const p of o.replay.pages.filter((x) => x.incident === i.id)) {
      const opening = i.reopenedAtMs.filter((t) => t <= p.atMs).length;
      const key = `${opening}\u0000${p.person}`;
      const seen = byPerson.get(key);
      if (seen) {
        if (!seen.channels.includes(p.channel)) seen.channels.push(p.channel);
        continue;
      }
      byPerson.set(key, {
        person: p.person,
        atMs: p.atMs,
        tier: i.tier as Tier,
        offHours: isOffHours(p.atMs, personOf(o.config, p.person)),
        channels: [p.channel],
      });
    }
    return { ...i, tier: i.tier as Tier, pages: [...byPerson.values()] };
  });
  const zone = { timezone: teamZone(o.config) };
  let naiveOffHours = 0;
  const rules: RuleResult[] = o.rules.map((r) => {
    const ev = o.evaluations.get(r)!;
    const base = {
      alert: r.alert,
      tier: r.tier,
      group: r.group,
      expr: r.expr,
      for: r.for,
      keepFiringFor: r.keepFiringFor,
    };
    if (!('episodes' in ev))
      return { ...base, ...zeroCounts(), skipped: ev, episodeList: [], naiveTimes: [] };
    const counts = zeroCounts();
    counts.naive = ev.naive;
    naiveOffHours += ev.naiveTimes.filter((t) => isOffHours(t, zone)).length;
    counts.episodes = ev.episodes.length;
    counts.firingSeconds = Math.round(
      ev.episodes.reduce((s, e) => s + ((e.resolvedAtMs ?? o.toMs) - e.firingAtMs), 0) / 1000,
    );
    for (const i of incidents.filter((x) => x.alert === r.alert && x.tier === r.tier)) {
      counts.incidents++;
      for (const p of i.pages) {
        if (i.tier === 'T3') continue;
        counts.pages++;
        if (i.tier === 'T1') counts.pagesT1++;
        else counts.pagesT2++;
        if (i.tier === 'T1' && p.offHours) counts.wakeups++;
      }
    }
    return {
      ...base,
      ...counts,
      skipped: null,
      episodeList: ev.episodes,
      naiveTimes: [...ev.naiveTimes].sort((a, b) => a - b),
    };
  });
  const people = new Map<string, PersonResult>();
  const days = new Map<string, DayResult>();
  for (const i of incidents)
    for (const p of i.pages) {
      if (i.tier === 'T3') continue;
      const user = o.config.users.find((u) => u.id === p.person);
      const person = people.get(p.person) ?? {
        person: p.person,
        name: user?.name ?? p.person,
        pages: 0,
        wakeups: 0,
        onHours: 0,
        offHours: 0,
      };
      person.pages++;
      if (p.offHours) person.offHours++;
      else person.onHours++;
      if (i.tier === 'T1' && p.offHours) person.wakeups++;
      people.set(p.person, person);
      const day = new Date(p.atMs).toISOString().slice(0, 10);
      const d = days.get(day) ?? { day, t1: 0, t2: 0, wakeups: 0 };
      if (i.tier === 'T1') d.t1++;
      else d.t2++;
      if (i.tier === 'T1' && p.offHours) d.wakeups++;
      days.set(day, d);
    }
  return {
    catalog: o.label,
    rules,
    totals: totals(rules, naiveOffHours),
    people: [...people.values()].sort((a, b) => b.pages - a.pages || (a.person < b.person ? -1 : 1)),
    days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
    incidents,
    naiveOffHours,
  };
}

const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((1 - part / whole) * 10_000) / 10_000 : null;

export function totals(rules: readonly RuleResult[], naiveOffHours: number): Totals {
  const t = zeroCounts();
  for (const r of rules) for (const k of Object.keys(t) as (keyof RuleCounts)[]) t[k] += r[k];
  return {
    ...t,
    noiseReduction: ratio(t.pages, t.naive),
    wakeupReduction: ratio(t.wakeups, naiveOffHours),
    rulesEvaluated: rules.filter((r) => !r.skipped).length,
    rulesSkipped: rules.filter((r) => r.skipped).length,
  };
}

/** Per rule (alert + tier), candidate − baseline, sorted by the change in pages (largest first). */
export function diffRuns(candidate: readonly RuleResult[], baseline: readonly RuleResult[]): RuleDiff[] {
  const key = (r: { alert: string; tier: string }) => `${r.alert}\u0000${r.tier}`;
  const pick = (r: RuleResult | undefined): RuleCounts | null => {
    if (!r) return null;
    const { naive, episodes, incidents, pages, pagesT1, pagesT2, wakeups, firingSeconds } = r;
    return { naive, episodes, incidents, pages, pagesT1, pagesT2, wakeups, firingSeconds };
  };
  const b = new Map(baseline.map((r) => [key(r), r]));
  const c = new Map(candidate.map((r) => [key(r), r]));
  const keys = [...new Set([...c.keys(), ...b.keys()])];
  return keys
    .map((k): RuleDiff => {
      const cand = c.get(k);
      const base = b.get(k);
      const any = (cand ?? base)!;
      const n = (r: RuleResult | undefined, f: keyof RuleCounts) => (r ? r[f] : 0);
      return {
        alert: any.alert,
        tier: any.tier,
        baseline: pick(base),
        candidate: pick(cand),
        pagesChange: n(cand, 'pages') - n(base, 'pages'),
        wakeupsChange: n(cand, 'wakeups') - n(base, 'wakeups'),
        incidentsChange: n(cand, 'incidents') - n(base, 'incidents'),
      };
    })
    .sort(
      (x, y) =>
        Math.abs(y.pagesChange) - Math.abs(x.pagesChange) ||
        y.pagesChange - x.pagesChange ||
        Math.abs(y.incidentsChange) - Math.abs(x.incidentsChange) ||
        (x.alert < y.alert ? -1 : 1),
    );
}
