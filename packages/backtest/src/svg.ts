/**
 * The HTML report's inline SVG charts: pages per day, and one firing timeline per paging rule. Sizes are
 * capped: series beyond a few lanes share one lane, and bars or markers closer than a pixel merge, so a
 * 93-day range with thousands of episodes still draws a few hundred shapes.
 */
import { formatCount, formatUtc, plural } from './text.ts';
import type { DayResult, Episode, PageRecord, RuleResult } from './types.ts';

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 10;
const PLOT = WIDTH - LEFT - RIGHT;
const LANE = 14;
const MAX_LANES = 8;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TICK_STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY];

/** Text for HTML content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const n1 = (v: number): string => (Math.round(v * 10) / 10).toString();

/** The time axis under a timeline: UTC ticks on whole hours or days, at most ~8 labels. */
function timeAxis(fromMs: number, toMs: number, y: number): string {
  const step = TICK_STEPS.find((s) => (toMs - fromMs) / s <= 8) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const x = (t: number): number => LEFT + ((t - fromMs) / (toMs - fromMs)) * PLOT;
  const out = [`<line class="axis" x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT}" y2="${y}"/>`];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) {
    const label = step >= DAY ? formatUtc(t).slice(0, 10) : formatUtc(t).slice(5);
    out.push(
      `<line class="tick" x1="${n1(x(t))}" y1="0" x2="${n1(x(t))}" y2="${y + 4}"/>`,
      `<text class="tl" x="${n1(x(t))}" y="${y + 16}" text-anchor="${x(t) > WIDTH - 50 ? 'end' : 'middle'}">${label}</text>`,
    );
  }
  return out.join('');
}

interface Span {
  x0: number;
  x1: number;
  count: number;
  start: number;
  end: number;
}

/** Intervals in ms to pixel spans, merging any that touch within a pixel. */
function mergeSpans(intervals: [number, number][], px: (t: number) => number): Span[] {
  const spans: Span[] = [];
  for (const [s, e] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const last = spans[spans.length - 1];
    if (last && px(s) <= last.x1 + 1) {
      last.x1 = Math.max(last.x1, px(e));
      last.end = Math.max(last.end, e);
      last.count++;
    } else spans.push({ x0: px(s), x1: px(e), count: 1, start: s, end: e });
  }
  return spans;
}

function spanRects(spans: Span[], cls: string, y: number, what: string): string {
  return spans
    .map((s) => {
      const title = `${s.count > 1 ? `${plural(s.count, what)}, ` : ''}${formatUtc(s.start)} → ${formatUtc(s.end)} UTC`;
      const w = Math.max(1, s.x1 - s.x0);
      return `<rect class="${cls}" x="${n1(s.x0)}" y="${y}" width="${n1(w)}" height="${LANE - 4}"><title>${title}</title></rect>`;
    })
    .join('');
}

/** Episodes grouped into lanes by series; past MAX_LANES the rest share the last lane. */
function lanes(episodes: readonly Episode[]): { label: string; episodes: Episode[] }[] {
  const bySeries = new Map<string, Episode[]>();
  for (const e of episodes) {
    const key = JSON.stringify(Object.entries(e.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const list = bySeries.get(key) ?? [];
    list.push(e);
    bySeries.set(key, list);
  }
  const varying = new Set<string>();
  const first = episodes[0]?.labels ?? {};
  for (const e of episodes)
    for (const k of new Set([...Object.keys(e.labels), ...Object.keys(first)]))
      if (!Object.hasOwn(e.labels, k) || !Object.hasOwn(first, k) || e.labels[k] !== first[k]) varying.add(k);
  const label = (e: Episode): string =>
    [...varying].map((k) => `${k}=${Object.hasOwn(e.labels, k) ? e.labels[k] : ''}`).join(', ') ||
    'all series';
  const groups = [...bySeries.values()].sort((a, b) => b.length - a.length);
  const shown = groups.length > MAX_LANES ? groups.slice(0, MAX_LANES - 1) : groups;
  const out = shown.map((g) => ({ label: label(g[0]!), episodes: g }));
  if (groups.length > shown.length)
    out.push({
      label: `${formatCount(groups.length - shown.length)} other series`,
      episodes: groups.slice(shown.length).flat(),
    });
  return out;
}

interface Marker {
  x: number;
  wake: boolean;
  people: string[];
  first: number;
}

/** "alice, bob +3 more": the distinct people of a merged marker, capped. */
function peopleList(people: readonly string[]): string {
  const distinct = [...new Set(people)];
  const more = distinct.length > 5 ? ` +${distinct.length - 5} more` : '';
  return `${distinct.slice(0, 5).join(', ')}${more}`;
}

/** Page markers on one row; a page within 3 px of the previous marker of its kind (wake-up or not) joins it. */
function pageMarkers(pages: readonly PageRecord[], px: (t: number) => number, y: number): string {
  const marks: Marker[] = [];
  const lastOf = new Map<boolean, Marker>();
  for (const p of [...pages].sort((a, b) => a.atMs - b.atMs)) {
    const wake = p.tier === 'T1' && p.offHours;
    const last = lastOf.get(wake);
    if (last && px(p.atMs) - last.x <= 3) {
      last.people.push(p.person);
      continue;
    }
    const m = { x: px(p.atMs), wake, people: [p.person], first: p.atMs };
    marks.push(m);
    lastOf.set(wake, m);
  }
  return marks
    .sort((a, b) => Number(a.wake) - Number(b.wake))
    .map((m) => {
      const title = `${plural(m.people.length, m.wake ? 'wake-up' : 'page')} from ${formatUtc(m.first)} UTC: ${peopleList(m.people)}`;
      const cls = m.wake ? 'mark wake' : 'mark page';
      return `<path class="${cls}" d="M${n1(m.x)} ${y}l-4 8h8z"><title>${escapeHtml(title)}</title></path>`;
    })
    .join('');
}

/**
 * One rule's timeline over [fromMs, toMs]: a lane per series with its firing episodes (the pending part
 * lighter), and a row of page markers, wake-ups in their own colour.
 */
export function timelineChart(
  rule: RuleResult,
  pages: readonly PageRecord[],
  fromMs: number,
  toMs: number,
): string {
  const px = (t: number): number =>
    LEFT + ((Math.min(Math.max(t, fromMs), toMs) - fromMs) / (toMs - fromMs)) * PLOT;
  const rows = lanes(rule.episodeList);
  const parts: string[] = [];
  rows.forEach((lane, i) => {
    const y = 4 + i * LANE;
    const pending = lane.episodes
      .filter((e) => e.firingAtMs > e.activeAtMs)
      .map((e): [number, number] => [e.activeAtMs, e.firingAtMs]);
    const firing = lane.episodes.map((e): [number, number] => [e.firingAtMs, e.resolvedAtMs ?? toMs]);
    parts.push(
      `<text class="lane" x="${LEFT - 6}" y="${y + LANE - 5}" text-anchor="end">${escapeHtml(lane.label.slice(0, 28))}<title>${escapeHtml(lane.label)}</title></text>`,
      spanRects(mergeSpans(pending, px), 'pending', y, 'pending period'),
      spanRects(mergeSpans(firing, px), 'firing', y, 'episode'),
    );
  });
  const markY = 6 + rows.length * LANE;
  parts.push(
    `<text class="lane" x="${LEFT - 6}" y="${markY + 8}" text-anchor="end">pages</text>`,
    pageMarkers(pages, px, markY),
  );
  const axisY = markY + 14;
  const height = axisY + 22;
  return (
    `<svg class="timeline" data-alert="${escapeHtml(rule.alert)}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `width="100%" role="img" aria-label="${escapeHtml(`timeline of ${rule.alert}`)}">` +
    `${parts.join('')}${timeAxis(fromMs, toMs, axisY)}</svg>`
  );
}

/** Pages per UTC day: T1 and T2 stacked, a marker over the days with wake-ups. */
export function daysChart(days: readonly DayResult[]): string {
  const top = 16;
  const plotH = 140;
  const max = Math.max(1, ...days.map((d) => d.t1 + d.t2));
  const slot = PLOT / Math.max(1, days.length);
  const barW = Math.min(40, Math.max(1, slot * 0.8));
  const h = (v: number): number => (v / max) * plotH;
  const base = top + plotH;
  const every = Math.max(1, Math.ceil(days.length / 12));
  const bars = days.map((d, i) => {
    const x = LEFT + i * slot + (slot - barW) / 2;
    const title = `${d.day}: ${plural(d.t1, 'T1 page')}, ${plural(d.t2, 'T2 page')}, ${plural(d.wakeups, 'wake-up')}`;
    const wake =
      d.wakeups > 0
        ? `<circle class="wake" cx="${n1(x + barW / 2)}" cy="${n1(base - h(d.t1 + d.t2) - 7)}" r="4"/>`
        : '';
    const label =
      i % every === 0
        ? `<text class="tl" x="${n1(x + barW / 2)}" y="${base + 14}" text-anchor="middle">${escapeHtml(d.day.slice(5))}</text>`
        : '';
    return (
      `<g class="day"><title>${escapeHtml(title)}</title>` +
      `<rect class="t1" x="${n1(x)}" y="${n1(base - h(d.t1))}" width="${n1(barW)}" height="${n1(h(d.t1))}"/>` +
      `<rect class="t2" x="${n1(x)}" y="${n1(base - h(d.t1 + d.t2))}" width="${n1(barW)}" height="${n1(h(d.t2))}"/>` +
      `${wake}${label}</g>`
    );
  });
  const grid = [max, Math.round(max / 2)]
    .filter((v, i, a) => v > 0 && a.indexOf(v) === i)
    .map(
      (v) =>
        `<line class="grid" x1="${LEFT}" y1="${n1(base - h(v))}" x2="${LEFT + PLOT}" y2="${n1(base - h(v))}"/>` +
        `<text class="tl" x="${LEFT - 6}" y="${n1(base - h(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  return (
    `<svg class="days" viewBox="0 0 ${WIDTH} ${base + 22}" width="100%" role="img" ` +
    `aria-label="pages per day, ${escapeHtml(first)} to ${escapeHtml(last)} UTC">${grid.join('')}` +
    `<line class="axis" x1="${LEFT}" y1="${base}" x2="${LEFT + PLOT}" y2="${base}"/>${bars.join('')}</svg>`
  );
}
