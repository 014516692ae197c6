/**
 * The self-contained HTML report of a backtest (`klaxon backtest --html FILE`): header and assumptions,
 * totals, pages per day, a timeline per paging rule, the per-rule and people tables and the baseline diff.
 * Inline CSS and SVG only, nothing fetched; every string from the result is escaped.
 */
import { daysChart, escapeHtml as esc, timelineChart } from './svg.ts';
import {
  ackText,
  baselineCounts,
  candidateCounts,
  changedDiffs,
  formatCount,
  formatDuration,
  formatPercent,
  plural,
  reportedRules,
  signed,
  sortedPeople,
} from './text.ts';
import type { BacktestResult, PageRecord, RuleResult, Totals } from './types.ts';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;padding:0 16px;color:#1d1d1f}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:16px 0 4px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:#666}dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
th{background:#f6f6f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.headline{font-size:28px;font-weight:600}.muted{color:#666}.empty{color:#666;font-style:italic}
.warnings li{color:#8a4b00}.up{color:#b3261e;font-weight:600}.down{color:#1b7f3b;font-weight:600}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
svg{display:block;font-size:11px}svg text{fill:#555}.axis{stroke:#999}.tick{stroke:#eee}.grid{stroke:#eee}
.t1,.key.t1{fill:#c62828;background:#c62828}.t2,.key.t2{fill:#f29900;background:#f29900}
.firing,.key.firing{fill:#d9534f;background:#d9534f}.pending,.key.pending{fill:#f4c4c2;background:#f4c4c2}
.mark.page,.key.page{fill:#1565c0;background:#1565c0}.wake,.mark.wake,.key.wake{fill:#6a1b9a;background:#6a1b9a}
`;

type Cell = string | { n: number | string; cls?: string };

/** A table from escaped header titles and cells; numbers right-aligned. */
function table(head: string[], rows: Cell[][], numeric: (i: number) => boolean, cls = ''): string {
  const th = head.map((h, i) => `<th${numeric(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const tr = rows.map(
    (r) =>
      `<tr>${r
        .map((c) =>
          typeof c === 'string'
            ? `<td>${esc(c)}</td>`
            : `<td class="n${c.cls ? ` ${c.cls}` : ''}">${esc(typeof c.n === 'number' ? formatCount(c.n) : c.n)}</td>`,
        )
        .join('')}</tr>`,
  );
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>${tr.join('')}</tbody></table>`;
}

const num = (n: number | string, cls?: string): Cell => (cls ? { n, cls } : { n });
const changeCell = (v: number): Cell =>
  num(signed(v).replace('-', '−'), v > 0 ? 'up' : v < 0 ? 'down' : undefined);

function header(r: BacktestResult): string {
  const items: [string, string][] = [
    ['Range', `${r.from} → ${r.to}`],
    ['Prometheus', r.prometheus],
    ['Catalog', r.catalog],
    ['Engine config', r.engineConfig],
    ['Evaluation interval', `${formatDuration(r.evaluationIntervalSeconds)} (groups without their own)`],
    ['Acknowledgement', ackText(r.ackAfterSeconds)],
    ['Wall time', `${r.seconds.toFixed(1)} s`],
  ];
  if (r.baseline) items.splice(3, 0, ['Baseline catalog', r.baseline.catalog]);
  const warnings =
    r.warnings.length > 0
      ? `<h3>Warnings</h3><ul class="warnings">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
      : '<p class="muted">No warnings.</p>';
  return (
    `<h1>Klaxon backtest: ${esc(r.catalog)}</h1>` +
    `<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>${warnings}`
  );
}

function totals(r: BacktestResult): string {
  const t = r.totals;
  const b = r.baseline?.totals ?? null;
  const rows: [string, (x: Totals) => number, boolean][] = [
    ['Naive alarms', (x) => x.naive, true],
    ['Firing episodes', (x) => x.episodes, true],
    ['Incidents', (x) => x.incidents, true],
    ['Pages', (x) => x.pages, true],
    ['T1 pages', (x) => x.pagesT1, true],
    ['T2 pages', (x) => x.pagesT2, true],
    ['Wake-ups', (x) => x.wakeups, true],
    ['Rules evaluated', (x) => x.rulesEvaluated, false],
    ['Rules skipped', (x) => x.rulesSkipped, false],
  ];
  const change = (v: number, coloured: boolean): Cell =>
    coloured ? changeCell(v) : num(signed(v).replace('-', '−'));
  const body: Cell[][] = rows.map(([label, get, coloured]) =>
    b ? [label, num(get(t)), num(get(b)), change(get(t) - get(b), coloured)] : [label, num(get(t))],
  );
  for (const [label, get] of [
    ['Noise reduction (1 − pages / naive)', (x: Totals) => x.noiseReduction],
    ['Wake-up reduction', (x: Totals) => x.wakeupReduction],
  ] as const)
    body.push(
      b
        ? [label, num(formatPercent(get(t))), num(formatPercent(get(b))), '']
        : [label, num(formatPercent(get(t)))],
    );
  const head = b ? ['', 'Candidate', 'Baseline', 'Change'] : ['', 'Count'];
  return (
    `<h2>Totals</h2><p class="headline">${esc(formatPercent(t.noiseReduction))} noise reduction` +
    `<span class="muted"> · ${esc(formatPercent(t.wakeupReduction))} fewer wake-ups</span></p>` +
    table(head, body, (i) => i > 0, 'totals')
  );
}

function perDay(r: BacktestResult): string {
  const title = '<h2>Pages per day (UTC)</h2>';
  if (!r.days.some((d) => d.t1 + d.t2 > 0))
    return `${title}<p class="empty">Nobody was paged in this range.</p>`;
  const legend =
    '<p class="muted"><span class="key t1"></span>T1 pages<span class="key t2"></span>T2 pages' +
    '<span class="key wake"></span>day with wake-ups</p>';
  return `${title}${legend}${daysChart(r.days)}`;
}

/** A rule gets a timeline when it paged, or when it is T1/T2 and fired (paged nobody: maintenance, no one on call). */
function isPaging(rule: RuleResult): boolean {
  return rule.skipped === null && (rule.pages > 0 || (rule.tier !== 'T3' && rule.episodes > 0));
}

function timelines(r: BacktestResult): string {
  const title = '<h2>Paging rules</h2>';
  const paging = r.rules.filter(isPaging).sort((a, b) => b.pages - a.pages || b.episodes - a.episodes);
  if (paging.length === 0) return `${title}<p class="empty">No rule paged anybody.</p>`;
  const [fromMs, toMs] = [Date.parse(r.from), Date.parse(r.to)];
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs)
    return `${title}<p class="empty">The range cannot be drawn: ${esc(r.from)} → ${esc(r.to)}.</p>`;
  const pagesByAlert = new Map<string, PageRecord[]>();
  // A rule is an alert at one tier (one alert name may have a T1 and a T2 threshold).
  const ruleKey = (alert: string, tier: string) => `${alert}\u0000${tier}`;
  for (const inc of r.incidents) {
    const list = pagesByAlert.get(ruleKey(inc.alert, inc.tier)) ?? [];
    list.push(...inc.pages);
    pagesByAlert.set(ruleKey(inc.alert, inc.tier), list);
  }
  const legend =
    '<p class="muted"><span class="key firing"></span>firing<span class="key pending"></span>pending' +
    '<span class="key page"></span>page<span class="key wake"></span>wake-up (T1 off hours)</p>';
  const sections = paging.map(
    (rule) =>
      `<section class="rule"><h3>${esc(rule.alert)} <span class="muted">${esc(rule.tier)} · ${esc(rule.group)}</span></h3>` +
      `<p class="muted">${[
        plural(rule.episodes, 'episode'),
        plural(rule.incidents, 'incident'),
        plural(rule.pages, 'page'),
        plural(rule.wakeups, 'wake-up'),
      ].join(', ')}, firing ${esc(formatDuration(rule.firingSeconds))}</p>` +
      timelineChart(rule, pagesByAlert.get(ruleKey(rule.alert, rule.tier)) ?? [], fromMs, toMs) +
      `</section>`,
  );
  return `${title}${legend}${sections.join('')}`;
}

function rulesTable(r: BacktestResult): string {
  const title = '<h2>Rules</h2>';
  const rules = reportedRules(r.rules);
  const quiet = r.rules.length - rules.length;
  const note = quiet > 0 ? `<p class="muted">${formatCount(quiet)} other rules never fired.</p>` : '';
  if (!rules.some((x) => x.naive > 0)) {
    const empty = `<p class="empty">No alerts fired between ${esc(r.from)} and ${esc(r.to)}.</p>`;
    if (rules.length === 0) return `${title}${empty}`;
    return `${title}${empty}${table(
      ['Alert', 'Tier', 'Skipped'],
      rules.map((x) => [x.alert, x.tier, skippedText(x)]),
      () => false,
    )}`;
  }
  const head = [
    'Alert',
    'Tier',
    'Naive',
    'Episodes',
    'Incidents',
    'Pages',
    'Wake-ups',
    'Time firing',
    'Skipped',
  ];
  const rows = rules.map((x): Cell[] => [
    x.alert,
    x.tier,
    ...(x.skipped
      ? Array.from({ length: 6 }, () => num('–'))
      : [
          ...[x.naive, x.episodes, x.incidents, x.pages].map((v) => num(v)),
          num(x.wakeups, x.wakeups > 0 ? 'up' : undefined),
          num(formatDuration(x.firingSeconds)),
        ]),
    skippedText(x),
  ]);
  return `${title}${table(head, rows, (i) => i >= 2 && i <= 7, 'rules')}${note}`;
}

function skippedText(x: RuleResult): string {
  return x.skipped ? `${x.skipped.code}: ${x.skipped.message}` : '';
}

function peopleTable(r: BacktestResult): string {
  const title = '<h2>People</h2>';
  if (r.people.length === 0) return `${title}<p class="empty">Nobody was paged.</p>`;
  const rows = sortedPeople(r.people).map((p): Cell[] => [
    p.name,
    p.person,
    num(p.pages),
    num(p.wakeups, p.wakeups > 0 ? 'up' : undefined),
    num(p.onHours),
    num(p.offHours),
  ]);
  return `${title}${table(['Name', 'Person', 'Pages', 'Wake-ups', 'On hours', 'Off hours'], rows, (i) => i >= 2, 'people')}`;
}

function diffTable(r: BacktestResult): string {
  const b = r.baseline;
  if (b === null) return '';
  const title = `<h2>Change from the baseline (${esc(b.catalog)})</h2>`;
  const changed = changedDiffs(b.diff);
  if (changed.length === 0) return `${title}<p class="empty">No rule's counts changed.</p>`;
  const rows = changed.map((d): Cell[] => {
    const [base, cand] = [baselineCounts(d), candidateCounts(d)];
    const note = d.baseline === null ? 'new rule' : d.candidate === null ? 'removed rule' : '';
    return [
      d.alert,
      d.tier,
      note,
      num(`${formatCount(base.pages)} → ${formatCount(cand.pages)}`),
      changeCell(d.pagesChange),
      num(`${formatCount(base.wakeups)} → ${formatCount(cand.wakeups)}`),
      changeCell(d.wakeupsChange),
      num(`${formatCount(base.incidents)} → ${formatCount(cand.incidents)}`),
      changeCell(d.incidentsChange),
      num(`${formatCount(base.naive)} → ${formatCount(cand.naive)}`),
    ];
  });
  const head = ['Alert', 'Tier', '', 'Pages', '±', 'Wake-ups', '±', 'Incidents', '±', 'Naive'];
  const note = '<p class="muted">Baseline → candidate; sorted by change in pages.</p>';
  return `${title}${note}${table(head, rows, (i) => i >= 3, 'diff')}`;
}

/** The whole report as one HTML document. */
export function renderHtml(result: BacktestResult): string {
  const body = [
    header(result),
    totals(result),
    perDay(result),
    timelines(result),
    rulesTable(result),
    peopleTable(result),
    diffTable(result),
  ].join('\n');
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>Klaxon backtest: ${esc(result.catalog)}</title><style>${CSS}</style></head>\n` +
    `<body>\n${body}\n</body></html>\n`
  );
}
