/**
 * docs/signal-quality.md as text: how the month was made, its noise model, the backtest's totals against
 * the design's floor and our goal, every real incident with its detection delays, every page that no real
 * incident explains, and the per-rule table. Pure: the caller runs things and passes the figures in.
 */
import { BLIP_MAX_MS } from './quiet.ts';
import {
  BLIPS,
  DEPLOYS,
  GAPS,
  isNight,
  isWeekend,
  NEAR_MISSES,
  SEASONAL_KNOBS,
  T2_COUNT,
  WEEKEND_FACTOR,
  type MonthPlan,
} from './plan.ts';
import type { Detection, IncidentLike, Score } from './score.ts';

export interface RuleRowLike {
  alert: string;
  tier: string;
  naive: number;
  episodes: number;
  incidents: number;
  pages: number;
  wakeups: number;
  firingSeconds: number;
  skipped: { code: string; message: string } | null;
}

export interface TotalsLike {
  naive: number;
  episodes: number;
  incidents: number;
  pages: number;
  pagesT1: number;
  pagesT2: number;
  wakeups: number;
  noiseReduction: number | null;
  wakeupReduction: number | null;
  rulesEvaluated: number;
  rulesSkipped: number;
}

export interface ReportInput {
  plan: MonthPlan;
  score: Score;
  result: {
    totals: TotalsLike;
    rules: RuleRowLike[];
    warnings: string[];
    evaluationIntervalSeconds: number;
    ackAfterSeconds: number | null;
  };
  run: {
    command: string;
    /** ISO date of the run. */
    date: string;
    machine: string;
    engineConfig: string;
    stepReason: string;
    backtestSeconds: number;
    peakRssMiB: number;
  };
  /** A catalog change backtested against the seed (`--baseline`): the rules whose counts changed. */
  change?: {
    description: string;
    command: string;
    rows: {
      alert: string;
      tier: string;
      pages: [number, number];
      wakeups: [number, number];
      naive: [number, number];
    }[];
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const when = (t: number) =>
  `${DAYS[new Date(t).getUTCDay()]} ${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}`;
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
const delay = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(1)} min`);
const cell = (s: string) => s.replace(/\|/g, '\\|');

function noiseModel(plan: MonthPlan): string[] {
  const n = (k: string) => plan.events.filter((e) => e.kind === k).length;
  return [
    '## Noise model',
    '',
    'Everything random is drawn from the seed, so the same seed gives the same month, byte for byte.',
    '',
    '- **Base (the simulator model)**: diurnal player curves (0.78–1.22 of the daily mean, peak 20:00 local time per region), slow ±4% noise on every rate, ±5–10% jitter on latencies and lag, slow drifts (broker and Redshift disks, volumes, the month’s budget), and the model’s own blips: in about 70% of minutes, one 2–4 s excursion past a T2 or T3 threshold on each of six noisy series (consumer lag, Bedrock p95 latency, throttles and time to first token, Redshift CPU and WLM queue). Those blips lie between seconds 2 and 58 of their minute: the history is sampled at :30 of each minute, as a scraper with its own phase would, so a blip is in it when it covers that instant (about one in 20).',
    `- **Weekly seasonality**: ${SEASONAL_KNOBS.join(', ')} ×${WEEKEND_FACTOR} from Friday 20:00 to Monday 04:00 UTC, ramping up over 4 hours.`,
    `- **Blips** (${n('blip')} of ${BLIPS}): one sample step to ${BLIP_MAX_MS / 60_000} minutes past a T2/T3 threshold on those noisy series, at uniform random times; each is seen by its rule for less than its \`for:\` minus 2 minutes.`,
    `- **Scrape gaps** (${n('gap')} of ${GAPS}): one random job not scraped for 2–4 minutes (its samples are left out of the history).`,
    `- **Planned deploys** (${n('deploy')} of ${DEPLOYS}): weekdays Monday–Thursday 10:00–16:00 UTC, small effects under every threshold (a few 500s, a slower p99, one fewer consumer).`,
    `- **Near-misses** (${n('near-miss')} of ${NEAR_MISSES}): short crossings, held for less than the rule's \`for:\` minus 2 minutes as the rule sees them (a sample step and any range window such as \`rate(...[5m])\` included), and close calls at 80–92% of the lowest threshold for 20–180 minutes.`,
    `- **Real incidents**: ${n('t1')} T1 (4–6 by seed; one on a weekend, one on a weekday night 00:00–06:00 UTC, the rest anywhere) and ${n('t2')} of ${T2_COUNT} T2 degradations at uniform random times, each held past its rule's \`for:\` and range window by 10–45 minutes. Values are sized from the seed catalog's thresholds.`,
    '- Incidents, near-misses and deploys are at least 3 hours apart; blips and gaps at least an hour from anything, so each page can be traced to one event.',
    '',
  ];
}

function detectionRows(ds: Detection[]): string[] {
  return [
    '| # | Fault start (UTC) | Night / weekend | What | Alert | Detected | Rule firing | Incident opened | First page |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...ds.map((d) => {
      const e = d.event;
      const nw =
        [isNight(e.startMs) ? 'night' : '', isWeekend(e.startMs) ? 'weekend' : '']
          .filter(Boolean)
          .join(', ') || '—';
      const found = d.detected ? 'yes' : d.incident ? `as ${d.incident.tier} only` : '**no**';
      return `| ${e.id} | ${when(e.startMs)} | ${nw} | ${cell(e.description)} | ${d.expected.alert} ${d.expected.tier} | ${found} | ${delay(d.firingDelayMs)} | ${delay(d.openDelayMs)} | ${delay(d.pageDelayMs)} |`;
    }),
    '',
  ];
}

const incidentLine = (i: IncidentLike) =>
  `${i.alert} ${i.tier} opened ${when(i.openedAtMs)}, ${i.pages.length} page(s)${i.pages.some((p) => p.offHours && p.tier === 'T1') ? ', a wake-up' : ''}`;

function outcomes(s: Score): string[] {
  const missed = s.t1.filter((d) => !d.detected);
  return [
    '## Misses and false pages',
    '',
    `- **T1 missed**: ${missed.length === 0 ? 'none.' : missed.map((d) => `${d.event.id} (${d.event.description})`).join('; ')}`,
    `- **T2 missed**: ${
      s.t2
        .filter((d) => !d.detected)
        .map((d) => `${d.event.id} (${d.event.description})`)
        .join('; ') || 'none.'
    }`,
    `- **Near-misses, deploys, blips and gaps that paged**: ${s.quietPaged.length === 0 ? 'none.' : ''}`,
    ...s.quietPaged.map(
      (q) => `  - ${q.event.id} (${q.event.description}): ${q.incidents.map(incidentLine).join('; ')}`,
    ),
    `- **Incidents no real fault explains**: ${s.unexplained.length === 0 ? 'none.' : `${s.unexplained.length}:`}`,
    ...s.unexplained.map((i) => `  - ${incidentLine(i)}`),
    '',
  ];
}

function ruleTable(rules: RuleRowLike[]): string[] {
  const rows = [...rules].sort(
    (a, b) => b.pages - a.pages || b.naive - a.naive || a.alert.localeCompare(b.alert),
  );
  return [
    '## Per rule',
    '',
    '| Alert | Tier | Naive | Episodes | Incidents | Pages | Wake-ups | Time firing | Note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.alert} | ${r.tier} | ${r.naive} | ${r.episodes} | ${r.incidents} | ${r.pages} | ${r.wakeups} | ${(r.firingSeconds / 60).toFixed(0)} min | ${r.skipped ? cell(`skipped: ${r.skipped.message}`) : ''} |`,
    ),
    '',
  ];
}

export function signalQualityMarkdown(o: ReportInput): string {
  const t = o.result.totals;
  const { plan, run } = o;
  const floor = t.noiseReduction !== null && t.noiseReduction >= 0.97;
  const goal = t.wakeupReduction !== null && t.wakeupReduction >= 0.99;
  return [
    '# Signal quality: the seed catalog over a simulated production month',
    '',
    'Written by `npm run bench -- month`; do not edit by hand.',
    '',
    '## How this was produced',
    '',
    `- Command: \`npm run bench -- month\`, which backfills the history, starts Prometheus on it and runs \`${run.command}\`; run ${run.date} on ${run.machine}.`,
    `- Month: ${new Date(plan.startMs).toISOString()} → ${new Date(plan.endMs).toISOString()} (${(plan.endMs - plan.startMs) / 86_400_000} days), seed ${plan.seed}, plan ${plan.key}.`,
    `- History: one sample every ${plan.stepMs / 1000} s, backfilled into real Prometheus with promtool (the baseline recording rules too). ${run.stepReason}`,
    `- Backtest: the seed catalog with ${run.engineConfig}, rules evaluated every ${o.result.evaluationIntervalSeconds} s, pages acknowledged ${o.result.ackAfterSeconds === null ? 'never' : `${o.result.ackAfterSeconds} s after the first page`}; ${t.rulesEvaluated} rules evaluated, ${t.rulesSkipped} skipped. It took ${run.backtestSeconds.toFixed(1)} s and ${run.peakRssMiB.toFixed(0)} MiB peak RSS.`,
    '',
    '## Totals',
    '',
    '| Naive alarms | Episodes | Incidents | Pages (T1 / T2) | Wake-ups | Noise reduction | Wake-up reduction |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${t.naive} | ${t.episodes} | ${t.incidents} | ${t.pages} (${t.pagesT1} / ${t.pagesT2}) | ${t.wakeups} | ${pct(t.noiseReduction)} | ${pct(t.wakeupReduction)} |`,
    '',
    `- Noise reduction \`1 − pages / naive\`: ${pct(t.noiseReduction)}, ${floor ? 'above' : '**below**'} the reference design's 97% floor.`,
    `- Wake-up reduction \`1 − wake-ups / naive alarms off hours\` (every tier: when every alarm pages, each one off hours wakes someone): ${pct(t.wakeupReduction)}, ${goal ? 'meets' : '**misses**'} our ≥ 99% goal.`,
    `- Of the ${t.naive} naive alarms, ${o.score.naive.injected} fell inside an injected event's window (from its start to 10 minutes after its end: incidents, near-misses, deploys, blips, gaps; background noise lands there too) and ${o.score.naive.background} outside every one: the simulator's background noise. Counting only the alarms inside event windows, the noise reduction would be ${pct(o.score.naive.injected > 0 ? 1 - t.pages / o.score.naive.injected : null)}. Either way the figure leans on the noise model below.`,
    `- Real T1 incidents detected: ${o.score.t1.filter((d) => d.detected).length} of ${o.score.t1.length}; T2: ${o.score.t2.filter((d) => d.detected).length} of ${o.score.t2.length}.`,
    '',
    '"Naive" counts every time a rule\'s bare condition became true, per series, ignoring `for:`, tiers, grouping and inhibition: what "every alarm pages" would send. Its size depends on the noise model below, so read the reduction with it.',
    '',
    ...noiseModel(plan),
    '## Real T1 incidents',
    '',
    "Delays are from the fault's start: when the rule fired (after its `for:`), when the engine opened the incident, when the first person was paged.",
    '',
    ...detectionRows(o.score.t1),
    '## T2 degradations',
    '',
    ...detectionRows(o.score.t2),
    ...outcomes(o.score),
    ...changeSection(o.change),
    ...ruleTable(o.result.rules),
    ...(o.result.warnings.length
      ? ['## Warnings from the backtest', '', ...o.result.warnings.map((w) => `- ${cell(w)}`), '']
      : []),
  ].join('\n');
}

function changeSection(c: ReportInput['change']): string[] {
  if (!c) return [];
  const rows = c.rows.map(
    (r) =>
      `| ${r.alert} | ${r.tier} | ${r.pages[0]} → ${r.pages[1]} | ${r.wakeups[0]} → ${r.wakeups[1]} | ${r.naive[0]} → ${r.naive[1]} |`,
  );
  return [
    '## A catalog change, measured',
    '',
    `${c.description} Command: \`${c.command}\`.`,
    '',
    ...(rows.length
      ? ['| Alert | Tier | Pages | Wake-ups | Naive |', '| --- | --- | ---: | ---: | ---: |', ...rows]
      : ['No rule pages differently.']),
    '',
  ];
}
