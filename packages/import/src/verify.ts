/**
 * The proof of equivalence: who is on call for a schedule, as the source renders it and as Klaxon computes
 * it from the imported config (OnCallDirectory from @klaxon/engine, with the config's overrides).
 *
 * Both sides are piecewise constant between their own handoffs, so comparing at every handoff of either
 * side covers every instant of the window; the hourly instants are compared as well, as the issue asks.
 */
import { OnCallDirectory, scheduleShifts, type KlaxonConfig, type Override } from '@klaxon/engine';

/** One entry of the source's own rendering, already translated to Klaxon user ids. */
export interface SourceEntry {
  /** Epoch ms or an ISO 8601 instant. */
  start: number | string;
  end: number | string;
  /** One id (PagerDuty's rendered entries) or several (OnCall's final shifts). */
  userIds: readonly string[];
}

/** An instant where the two sides disagree. */
export interface OnCallDifference {
  /** Epoch ms. */
  at: number;
  /** ISO 8601 (UTC) of `at`, for people. */
  iso: string;
  /** Who the source has on call (sorted; empty: nobody). */
  source: string[];
  /** Who Klaxon computes (sorted; empty: nobody). */
  klaxon: string[];
  /** Why the instant was compared: `hour`, `source handoff`, `klaxon handoff`. */
  why: string;
}

export interface ScheduleVerification {
  scheduleId: string;
  from: number;
  to: number;
  /** How many distinct instants were compared. */
  instants: number;
  differences: OnCallDifference[];
}

const HOUR = 3_600_000;
const WEEK = 7 * 86_400_000;
/** At most this many weeks, so a typo cannot make the proof run for ever. */
export const MAX_VERIFY_WEEKS = 104;

function ms(v: number | string): number {
  const t = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(t)) throw new Error(`invalid instant in the source rendering: ${String(v)}`);
  return t;
}

/** The config's own overrides of one schedule, as the engine reads them (in config order). */
export function configOverrides(config: Pick<KlaxonConfig, 'schedules'>, scheduleId: string): Override[] {
  const s = config.schedules.find((x) => x.id === scheduleId);
  return (s?.overrides ?? []).map((o) => ({
    id: 'config',
    user: o.user,
    start: Date.parse(o.from),
    end: Date.parse(o.to),
  }));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Compares, for `scheduleId`, the source rendering with Klaxon's computation over
 * [from, from + weeks): at every whole hour (UTC) of the window and at every handoff instant of either
 * side inside it. `config` is the imported config as `parseConfig` returned it. Returns every instant
 * where they differ (empty: equivalent over the window). Throws if the schedule is not in the config.
 */
export function verifySchedule(opts: {
  config: KlaxonConfig;
  scheduleId: string;
  source: readonly SourceEntry[];
  from: number;
  weeks: number;
}): ScheduleVerification {
  const { config, scheduleId } = opts;
  if (!(opts.weeks > 0 && opts.weeks <= MAX_VERIFY_WEEKS))
    throw new Error(`verify weeks must be between 1 and ${MAX_VERIFY_WEEKS}`);
  const directory = new OnCallDirectory(config);
  const spec = directory.schedules.get(scheduleId);
  if (!spec) throw new Error(`schedule ${scheduleId} is not in the imported config`);
  const from = opts.from;
  const to = from + opts.weeks * WEEK;
  const overrides = configOverrides(config, scheduleId);
  const entries = opts.source.map((e) => ({ start: ms(e.start), end: ms(e.end), userIds: e.userIds }));

  const why = new Map<number, string>();
  const add = (t: number, reason: string): void => {
    if (t >= from && t < to && !why.has(t)) why.set(t, reason);
  };
  for (const e of entries) {
    add(e.start, 'source handoff');
    add(e.end, 'source handoff');
  }
  for (const s of scheduleShifts(spec, overrides, from, to)) add(s.start, 'klaxon handoff');
  add(from, 'hour');
  for (let t = Math.ceil(from / HOUR) * HOUR; t < to; t += HOUR) add(t, 'hour');

  const instants = [...why.keys()].sort((a, b) => a - b);
  const differences: OnCallDifference[] = [];
  for (const t of instants) {
    const source = [
      ...new Set(entries.filter((e) => e.start <= t && t < e.end).flatMap((e) => e.userIds)),
    ].sort();
    const user = directory.onCall(scheduleId, overrides, t);
    const klaxon = user ? [user] : [];
    if (!sameSet(source, klaxon))
      differences.push({ at: t, iso: new Date(t).toISOString(), source, klaxon, why: why.get(t)! });
  }
  return { scheduleId, from, to, instants: instants.length, differences };
}

/** Consecutive differing instants with the same answers, as ranges, for printing. */
export function summarizeDifferences(
  differences: readonly OnCallDifference[],
): { from: string; to: string; source: string[]; klaxon: string[]; instants: number }[] {
  const out: { from: string; to: string; source: string[]; klaxon: string[]; instants: number }[] = [];
  for (const d of differences) {
    const last = out[out.length - 1];
    if (last && sameSet(last.source, d.source) && sameSet(last.klaxon, d.klaxon)) {
      last.to = d.iso;
      last.instants++;
    } else out.push({ from: d.iso, to: d.iso, source: d.source, klaxon: d.klaxon, instants: 1 });
  }
  return out;
}
