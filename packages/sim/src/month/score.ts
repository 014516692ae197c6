/**
 * Scores a backtest of the month against its ground truth: which real incidents were detected and how
 * fast (the rule firing, the incident opening and the first page, each after the fault began), and which
 * pages no incident explains. Reads only the fields below of the backtest's result, so the simulator does
 * not depend on the backtest package.
 */
import type { TruthEvent } from './plan.ts';
import type { TruthAlert } from './templates.ts';

export interface PageLike {
  person: string;
  atMs: number;
  tier: string;
  offHours: boolean;
}

export interface IncidentLike {
  id: number;
  alert: string;
  tier: string;
  openedAtMs: number;
  resolvedAtMs: number | null;
  pages: PageLike[];
}

export interface EpisodeLike {
  activeAtMs: number;
  firingAtMs: number;
  resolvedAtMs: number | null;
}

export interface RuleLike {
  alert: string;
  tier: string;
  episodeList: EpisodeLike[];
  naiveTimes: number[];
}

export interface Detection {
  event: TruthEvent;
  expected: TruthAlert;
  /** The engine's incident for it, if one opened. */
  incident: IncidentLike | null;
  /** The rule's first firing in the window − fault start, ms. */
  firingDelayMs: number | null;
  /** Incident opened − fault start, ms. */
  openDelayMs: number | null;
  /** First page − fault start, ms. */
  pageDelayMs: number | null;
  /** The incident opened and reached the expected tier. */
  detected: boolean;
}

export interface QuietPaged {
  event: TruthEvent;
  incidents: IncidentLike[];
}

export interface Score {
  t1: Detection[];
  t2: Detection[];
  /** Near-misses, deploys, blips and gaps during which someone was paged (the goal: none). */
  quietPaged: QuietPaged[];
  /** Incidents that match no real incident of the plan. */
  unexplained: IncidentLike[];
  /**
   * Naive alarms near an injected event (an incident, near-miss, deploy, blip or gap: from its start to
   * GRACE_MS after its end) and the rest: the simulator's background noise.
   */
  naive: { injected: number; background: number };
}

/** How long after a fault ends its incident may still open (a range window, an evaluation, a step). */
export const GRACE_MS = 10 * 60_000;

const overlaps = (i: IncidentLike, from: number, to: number) =>
  i.openedAtMs <= to && (i.resolvedAtMs ?? Infinity) >= from;

const TIER_RANK = new Map([
  ['T1', 1],
  ['T2', 2],
  ['T3', 3],
]);
const atLeast = (tier: string, wanted: string) => (TIER_RANK.get(tier) ?? 9) <= (TIER_RANK.get(wanted) ?? 0);

function detect(e: TruthEvent, x: TruthAlert, incidents: IncidentLike[], rules: RuleLike[]): Detection {
  const from = e.startMs;
  const to = e.endMs + GRACE_MS;
  const incident = incidents.find((i) => i.alert === x.alert && overlaps(i, from, to)) ?? null;
  const firing = rules
    .filter((r) => r.alert === x.alert && r.tier === x.tier)
    .flatMap((r) => r.episodeList)
    .filter((ep) => ep.firingAtMs >= from && ep.firingAtMs <= to)
    .map((ep) => ep.firingAtMs);
  const pages = incident?.pages.filter((p) => atLeast(p.tier, x.tier)).map((p) => p.atMs) ?? [];
  const delay = (xs: number[]) => (xs.length ? Math.min(...xs) - from : null);
  return {
    event: e,
    expected: x,
    incident,
    firingDelayMs: delay(firing),
    openDelayMs: incident ? incident.openedAtMs - from : null,
    pageDelayMs: delay(pages),
    detected: incident !== null && atLeast(incident.tier, x.tier),
  };
}

export function scoreMonth(
  events: readonly TruthEvent[],
  result: { incidents: IncidentLike[]; rules: RuleLike[] },
): Score {
  const real = events.filter((e) => e.kind === 't1' || e.kind === 't2');
  const detections = real.flatMap((e) =>
    e.alerts.filter((x) => x.page).map((x) => detect(e, x, result.incidents, result.rules)),
  );
  const explained = new Set(detections.flatMap((d) => (d.incident ? [d.incident.id] : [])));
  const quietPaged = events
    .filter((e) => !real.includes(e))
    .map((e) => ({
      event: e,
      incidents: result.incidents.filter(
        (i) => i.pages.length > 0 && overlaps(i, e.startMs, e.endMs + GRACE_MS),
      ),
    }))
    .filter((q) => q.incidents.length > 0);
  return {
    t1: detections.filter((d) => d.event.kind === 't1'),
    t2: detections.filter((d) => d.event.kind === 't2'),
    quietPaged,
    unexplained: result.incidents.filter((i) => !explained.has(i.id)),
    naive: splitNaive(events, result.rules),
  };
}

function splitNaive(events: readonly TruthEvent[], rules: readonly RuleLike[]): Score['naive'] {
  let injected = 0;
  let background = 0;
  for (const t of rules.flatMap((r) => r.naiveTimes)) {
    if (events.some((e) => t >= e.startMs && t <= e.endMs + GRACE_MS)) injected++;
    else background++;
  }
  return { injected, background };
}
