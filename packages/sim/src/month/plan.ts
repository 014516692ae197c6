/**
 * A production month for the backtest: the faults to add to a Platform and the ground truth of every
 * event injected, deterministic for a seed.
 *
 * Noise model (what is random, how often, how big), on top of the platform model's own base:
 * - the model: diurnal player curves (0.78–1.22 of the daily mean, peak 20:00 local), slow ±4% noise on
 *   rates, ±5–10% jitter on latencies and lag, slow drifts (disks, volumes, budgets), and its own 2–4 s
 *   blips past a T2/T3 threshold in about 70% of minutes on six noisy series (consumer lag, Bedrock p95
 *   latency, throttles and time to first token, Redshift CPU and WLM queue), which lie between seconds 2
 *   and 58 of their minute, so a history sampled on whole minutes never holds one;
 * - weekly seasonality: player-driven rates ×1.10 from Friday 20:00 to Monday 04:00 UTC (4-hour ramp up);
 * - blips: BLIPS longer excursions (one history step to 5 minutes) past a T2/T3 threshold on those noisy
 *   series, at uniform random times, each shorter than its rule's `for:` minus 2 minutes as the rule sees it;
 * - scrape gaps: GAPS windows of 2–4 minutes in which one random job is not scraped;
 * - planned deploys: DEPLOYS rollouts on weekdays 10:00–16:00 UTC with small effects under every threshold;
 * - near-misses: NEAR_MISSES, half short crossings (held for less than `for:` − 2 min as the rule sees it,
 *   a range window included), half close calls (80–92% of the lowest threshold for 20–180 minutes);
 * - incidents: 4–6 real T1 (one on a weekend, one on a weekday night 00:00–06:00 UTC, the rest anywhere)
 *   and T2_COUNT T2 degradations anywhere, each held past its `for:` and range window by 10–45 minutes.
 * Incidents, near-misses and deploys are at least 3 hours apart; blips and gaps at least 1 hour from
 * anything, so every page can be traced to one event.
 */
import { createHash } from 'node:crypto';
import { JOBS } from '../jobs.ts';
import type { Fault } from '../platform/faults.ts';
import type { ScrapeGap } from '../platform/platform.ts';
import { Rng } from './rng.ts';
import {
  T1_TEMPLATES,
  T2_TEMPLATES,
  type Built,
  type EventKind,
  type TruthAlert,
  type Template,
} from './templates.ts';
import { BLIP_TEMPLATES, DEPLOY_TEMPLATES, NEAR_MISS_TEMPLATES } from './quiet.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const T2_COUNT = 12;
export const NEAR_MISSES = 12;
export const DEPLOYS = 12;
export const BLIPS = 45;
export const GAPS = 30;
export const WEEKEND_FACTOR = 1.1;
/** The knobs players drive: weekly seasonality multiplies them. */
export const SEASONAL_KNOBS = [
  'game.players',
  'game.connection_rate',
  'http.request_rate',
  'kafka.messages_in_rate',
  'bedrock.invocation_rate',
  'narrative.request_rate',
  'narrative.sessions_active',
] as const;

export interface MonthOptions {
  seed: number;
  /** Epoch ms: the month's first instant (the platform's startMs). */
  startMs: number;
  days?: number;
  /** The history's sample step, ms (near-misses are sized for it). Default 60 s. */
  stepMs?: number;
}

/** One injected event and what it should (or must not) page. */
export interface TruthEvent {
  id: string;
  kind: EventKind;
  template: string;
  startMs: number;
  endMs: number;
  alerts: TruthAlert[];
  description: string;
  faults: Fault[];
  /** Gaps only: the job left unscraped. */
  job?: string;
}

export interface MonthPlan {
  seed: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Every fault to add to the Platform: the events' and the weekly seasonality's. */
  faults: Fault[];
  gaps: ScrapeGap[];
  events: TruthEvent[];
  /** A short hash of everything above: the cache key of the month's history. */
  key: string;
}

interface Reservation {
  from: number;
  to: number;
}

/** The placement of events: no two padded windows overlap. */
class Calendar {
  private readonly taken: Reservation[] = [];
  constructor(
    private readonly r: Rng,
    private readonly fromMs: number,
    private readonly toMs: number,
  ) {}

  place(durationMs: number, padMs: number, allowed: (t: number) => boolean = () => true): number {
    for (let i = 0; i < 20_000; i++) {
      const t = Math.floor(this.r.between(this.fromMs, this.toMs - durationMs) / 1000) * 1000;
      const want = { from: t - padMs, to: t + durationMs + padMs };
      if (!allowed(t) || this.taken.some((x) => want.from < x.to && x.from < want.to)) continue;
      this.taken.push(want);
      return t;
    }
    throw new Error('the month is too full to place another event; use more days or fewer events');
  }
}

const utcDay = (t: number) => new Date(t).getUTCDay();
const utcHour = (t: number) => new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
export const isWeekend = (t: number) => utcDay(t) === 0 || utcDay(t) === 6;
export const isNight = (t: number) => utcHour(t) < 6;
const businessHours = (t: number) => !isWeekend(t) && utcDay(t) !== 5 && utcHour(t) >= 10 && utcHour(t) < 16;

const shift = (faults: Fault[], t: number): Fault[] =>
  faults.map((f) => ({
    ...f,
    startMs: f.startMs + t,
    ...(f.endMs !== undefined ? { endMs: f.endMs + t } : {}),
  }));

/** Weekend windows (Friday 20:00 → Monday 04:00 UTC) overlapping the month, as multiply faults. */
function seasonality(startMs: number, endMs: number): Fault[] {
  const out: Fault[] = [];
  const firstDay = Math.floor(startMs / DAY) * DAY;
  for (let d = firstDay - 3 * DAY; d < endMs; d += DAY) {
    if (utcDay(d) !== 5) continue;
    const from = Math.max(d + 20 * HOUR, startMs);
    const to = Math.min(d + 3 * DAY + 4 * HOUR, endMs);
    if (to <= from) continue;
    for (const knob of SEASONAL_KNOBS)
      out.push({ knob, multiply: WEEKEND_FACTOR, startMs: from, rampMs: 4 * HOUR, endMs: to });
  }
  return out;
}

function event(id: string, t: Template, b: Built, startMs: number): TruthEvent {
  return {
    id,
    kind: t.kind,
    template: t.id,
    startMs,
    endMs: startMs + b.durationMs,
    alerts: b.alerts,
    description: b.description,
    faults: shift(b.faults, startMs),
  };
}

/** Builds the month. Throws when the events do not fit in `days`. */
export function monthPlan(o: MonthOptions): MonthPlan {
  const days = o.days ?? 30;
  const stepMs = o.stepMs ?? MIN;
  const endMs = o.startMs + days * DAY;
  const r = new Rng(o.seed, 'plan');
  const cal = new Calendar(r, o.startMs + 6 * HOUR, endMs - 2 * HOUR);
  const events: TruthEvent[] = [];
  const add = (kind: string, n: number, t: Template, pad: number, allowed?: (t: number) => boolean) => {
    const b = t.build(r, stepMs);
    events.push(event(`${kind}-${n}`, t, b, cal.place(b.durationMs, pad, allowed)));
  };
  const t1 = r.shuffle(T1_TEMPLATES).slice(0, r.int(4, 6));
  t1.forEach((t, i) =>
    add(
      't1',
      i + 1,
      t,
      90 * MIN,
      i === 0 ? isWeekend : i === 1 ? (x) => isNight(x) && !isWeekend(x) : undefined,
    ),
  );
  r.shuffle(T2_TEMPLATES)
    .slice(0, T2_COUNT)
    .forEach((t, i) => add('t2', i + 1, t, 90 * MIN));
  for (let i = 0; i < NEAR_MISSES; i++)
    add('near-miss', i + 1, NEAR_MISS_TEMPLATES[i % NEAR_MISS_TEMPLATES.length]!, 90 * MIN);
  for (let i = 0; i < DEPLOYS; i++) add('deploy', i + 1, r.pick(DEPLOY_TEMPLATES), 90 * MIN, businessHours);
  for (let i = 0; i < BLIPS; i++) add('blip', i + 1, r.pick(BLIP_TEMPLATES), 30 * MIN);
  const gaps: ScrapeGap[] = [];
  for (let i = 0; i < GAPS; i++) {
    const job = r.pick(JOBS).job;
    const len = r.int(2, 4) * MIN;
    const at = cal.place(len, 30 * MIN);
    gaps.push({ job, fromMs: at, toMs: at + len });
    events.push({
      id: `gap-${i + 1}`,
      kind: 'gap',
      template: 'gap',
      startMs: at,
      endMs: at + len,
      alerts: [],
      description: `${job} not scraped for ${len / MIN} min`,
      faults: [],
      job,
    });
  }
  events.sort((a, b) => a.startMs - b.startMs);
  const faults = [...seasonality(o.startMs, endMs), ...events.flatMap((e) => e.faults)];
  const key = createHash('sha256')
    .update(JSON.stringify({ seed: o.seed, startMs: o.startMs, endMs, stepMs, faults, gaps }))
    .digest('hex')
    .slice(0, 12);
  return { seed: o.seed, startMs: o.startMs, endMs, stepMs, faults, gaps, events, key };
}
