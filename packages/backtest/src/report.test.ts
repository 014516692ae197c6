/**
 * The backtest's renderers: the terminal text and the self-contained HTML report put each number in its
 * row, escape hostile labels, draw one timeline per paging rule and one bar per day, keep the baseline
 * diff's order, stay small for large ranges, and say "no alerts fired" for an empty run.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { renderText } from './text.ts';
import type {
  BacktestResult,
  Episode,
  IncidentRecord,
  PageRecord,
  RuleCounts,
  RuleDiff,
  RuleResult,
  Tier,
  Totals,
} from './types.ts';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const H = 3_600_000;
const XSS = '<script>alert(1)</script>';

function counts(c: Partial<RuleCounts>): RuleCounts {
  return {
    naive: 0,
    episodes: 0,
    incidents: 0,
    pages: 0,
    pagesT1: 0,
    pagesT2: 0,
    wakeups: 0,
    firingSeconds: 0,
    ...c,
  };
}

function rule(alert: string, tier: Tier, c: Partial<RuleCounts>, episodeList: Episode[] = []): RuleResult {
  return {
    ...counts(c),
    alert,
    tier,
    group: 'g',
    expr: 'up == 0',
    for: '5m',
    keepFiringFor: null,
    skipped: null,
    episodeList,
    naiveTimes: [],
  };
}

function episode(instance: string, activeH: number, firingH: number, resolvedH: number | null): Episode {
  return {
    labels: { alertname: 'x', instance },
    activeAtMs: T0 + activeH * H,
    firingAtMs: T0 + firingH * H,
    resolvedAtMs: resolvedH === null ? null : T0 + resolvedH * H,
  };
}

function page(person: string, atH: number, tier: Tier, offHours: boolean): PageRecord {
  return { person, atMs: T0 + atH * H, tier, offHours, channels: ['push'] };
}

function incident(id: number, alert: string, tier: Tier, pages: PageRecord[]): IncidentRecord {
  return {
    id,
    alert,
    service: 'api',
    tier,
    openedAtMs: pages[0]?.atMs ?? T0,
    resolvedAtMs: null,
    maintenance: false,
    reopenedAtMs: [],
    pages,
  };
}

function totals(c: Partial<Totals>): Totals {
  return {
    ...counts(c),
    noiseReduction: null,
    wakeupReduction: null,
    rulesEvaluated: 0,
    rulesSkipped: 0,
    ...c,
  };
}

/** A diff row with its changes computed the way the backtest defines them (a missing side counts 0). */
function diff(
  alert: string,
  tier: Tier,
  base: Partial<RuleCounts> | null,
  cand: Partial<RuleCounts> | null,
): RuleDiff {
  const [b, c] = [counts(base ?? {}), counts(cand ?? {})];
  return {
    alert,
    tier,
    baseline: base && b,
    candidate: cand && c,
    pagesChange: c.pages - b.pages,
    wakeupsChange: c.wakeups - b.wakeups,
    incidentsChange: c.incidents - b.incidents,
  };
}

function fixture(): BacktestResult {
  const broken = rule('BrokenRule', 'T2', {});
  broken.skipped = { code: 'bad_query', message: 'parse error at char 5' };
  return {
    catalog: 'seed <catalog>',
    from: '2024-05-01T00:00:00Z',
    to: '2024-05-04T00:00:00Z',
    prometheus: 'http://prom.example:9090',
    engineConfig: 'klaxon.yaml',
    evaluationIntervalSeconds: 30,
    ackAfterSeconds: 120,
    seconds: 4.25,
    warnings: ['BrokenRule was skipped: bad_query', 'gap in data <b>12 min</b>'],
    rules: [
      rule('NoisyWarning', 'T3', { naive: 100, episodes: 5, firingSeconds: 600 }, [episode('a', 1, 1, 2)]),
      rule('QuietT1', 'T1', {}),
      rule(XSS, 'T2', { naive: 25, episodes: 1, incidents: 1, pages: 1, pagesT2: 1, firingSeconds: 1200 }, [
        episode('b', 30, 30.1, 30.4),
      ]),
      rule(
        'HighErrorRate',
        'T1',
        { naive: 40, episodes: 2, incidents: 2, pages: 3, pagesT1: 3, wakeups: 1, firingSeconds: 5400 },
        [episode('web-1', 10, 10.1, 11), episode('web-2', 50, 50.1, null)],
      ),
      rule('T1FiredNoPage', 'T1', { naive: 3, episodes: 1, incidents: 1, firingSeconds: 300 }, [
        episode('c', 20, 20, 20.1),
      ]),
      broken,
    ],
    totals: totals({
      naive: 168,
      episodes: 9,
      incidents: 4,
      pages: 4,
      pagesT1: 3,
      pagesT2: 1,
      wakeups: 1,
      noiseReduction: 1 - 4 / 168,
      wakeupReduction: 0.9,
      rulesEvaluated: 5,
      rulesSkipped: 1,
    }),
    people: [
      { person: 'bob', name: 'Bob Jones', pages: 1, wakeups: 0, onHours: 1, offHours: 0 },
      { person: 'alice', name: 'Alice <Smith>', pages: 3, wakeups: 1, onHours: 2, offHours: 1 },
    ],
    days: [
      { day: '2024-05-01', t1: 2, t2: 0, wakeups: 0 },
      { day: '2024-05-02', t1: 0, t2: 1, wakeups: 0 },
      { day: '2024-05-03', t1: 1, t2: 0, wakeups: 1 },
    ],
    incidents: [
      incident(1, 'HighErrorRate', 'T1', [page('alice', 10.1, 'T1', false), page('bob', 10.2, 'T1', false)]),
      incident(2, 'HighErrorRate', 'T1', [page('alice', 50.1, 'T1', true)]),
      incident(3, XSS, 'T2', [page('bob', 30.1, 'T2', false)]),
      incident(4, 'T1FiredNoPage', 'T1', []),
    ],
    baseline: {
      catalog: 'main',
      rules: [],
      totals: totals({
        naive: 170,
        pages: 3,
        pagesT1: 1,
        pagesT2: 2,
        wakeups: 0,
        noiseReduction: 1 - 3 / 170,
      }),
      people: [],
      days: [],
      incidents: [],
      diff: [
        diff(
          'HighErrorRate',
          'T1',
          { pages: 1, incidents: 1, naive: 40 },
          { pages: 3, wakeups: 1, incidents: 2, naive: 40 },
        ),
        diff('NoisyWarning', 'T3', { naive: 100, episodes: 5 }, { naive: 100, episodes: 5 }),
        diff(XSS, 'T2', { naive: 20, pages: 1, incidents: 1 }, { naive: 25, pages: 1, incidents: 1 }),
        diff('OldRule', 'T2', { naive: 4, pages: 1, incidents: 1 }, null),
      ],
    },
  };
}

function emptyResult(): BacktestResult {
  const r = fixture();
  return {
    ...r,
    rules: [rule('QuietT1', 'T1', {}), rule('QuietT2', 'T2', {})],
    totals: totals({ rulesEvaluated: 2 }),
    people: [],
    days: r.days.map((d) => ({ ...d, t1: 0, t2: 0, wakeups: 0 })),
    incidents: [],
    warnings: [],
    baseline: null,
  };
}

/** The text line whose first column is `alert`, split on runs of 2+ spaces. */
function textRow(text: string, alert: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`${alert} `));
  expect(line, `a row for ${alert}`).toBeDefined();
  return line!.split(/ {2,}/);
}

/** The cells (tags stripped, entities kept) of each row of the HTML table with this class. */
function htmlTable(html: string, cls: string): string[][] {
  const m = new RegExp(`<table class="${cls}">(.*?)</table>`, 's').exec(html);
  expect(m, `a ${cls} table`).not.toBeNull();
  return [...m![1]!.matchAll(/<tr>(.*?)<\/tr>/gs)].map((tr) =>
    [...tr[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1]!.replace(/<[^>]*>/g, '')),
  );
}

const count = (s: string, needle: string): number => s.split(needle).length - 1;

describe('renderText', () => {
  const text = renderText(fixture());

  it('summarises the range, catalog, engine config and assumptions', () => {
    const first = text.split('\n\n')[0]!;
    expect(first).toContain('seed <catalog> from 2024-05-01T00:00:00Z to 2024-05-04T00:00:00Z (3 days)');
    expect(first).toContain('http://prom.example:9090');
    expect(first).toContain('klaxon.yaml');
    expect(first).toContain('every 30s');
    expect(first).toContain('acknowledges 2m after');
  });

  it('puts each count in its rule row, most pages first, and leaves out rules that never fired', () => {
    expect(textRow(text, 'HighErrorRate').join('|')).toBe('HighErrorRate|T1|40|2|2|3|1|1h 30m');
    expect(textRow(text, XSS)).toEqual([XSS, 'T2', '25', '1', '1', '1', '0', '20m']);
    expect(textRow(text, 'BrokenRule').at(-1)).toBe('skipped');
    const order = ['HighErrorRate', XSS, 'NoisyWarning', 'T1FiredNoPage', 'BrokenRule'].map((a) =>
      text.indexOf(`\n${a} `),
    );
    expect(order.every((v, i) => v > 0 && (i === 0 || v > order[i - 1]!))).toBe(true);
    expect(text).not.toMatch(/^QuietT1/m);
  });

  it('prints totals with the noise reduction, people, skipped rules and warnings', () => {
    expect(text).toContain(
      'Total: 168 naive alarms, 9 episodes, 4 incidents, 4 pages (T1 3, T2 1), 1 wake-up.',
    );
    expect(text).toContain('Noise reduction 97.6% (wake-ups 90.0%)');
    expect(textRow(text, 'alice')).toEqual(['alice', 'Alice <Smith>', '3', '1', '2', '1']);
    expect(text.indexOf('\nalice ')).toBeLessThan(text.indexOf('\nbob '));
    expect(text).toContain('  BrokenRule: bad_query: parse error at char 5');
    expect(text).toContain('  - gap in data <b>12 min</b>');
  });

  it('lists the rules whose counts changed against the baseline, in order, with signed changes', () => {
    const diff = text.slice(text.indexOf('Rules whose counts changed'));
    expect(text).toContain('Baseline (main): 170 naive alarms');
    expect(textRow(diff, 'HighErrorRate').join('|')).toBe(
      'HighErrorRate|T1|1 -> 3|+2|0 -> 1|+1|1 -> 2|+1|40 -> 40',
    );
    expect(textRow(diff, 'OldRule').join('|')).toBe('OldRule|T2|removed|1 -> 0|-1|0 -> 0|0|1 -> 0|-1|4 -> 0');
    expect(diff.indexOf('HighErrorRate')).toBeLessThan(diff.indexOf(XSS));
    expect(diff.indexOf(XSS)).toBeLessThan(diff.indexOf('OldRule'));
    expect(diff).not.toContain('NoisyWarning');
  });

  it('colours without breaking alignment, and never passes control characters through', () => {
    const coloured = renderText(fixture(), { color: true });
    expect(coloured).toContain('\x1b[31m +2\x1b[0m');
    expect(coloured.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(text);
    expect(text).not.toContain('\x1b');
    const r = fixture();
    r.rules[2]!.alert = 'Evil\x1b[2J';
    expect(renderText(r)).toContain('Evil?[2J');
  });

  it('says no alerts fired for an empty run instead of printing empty tables', () => {
    const empty = renderText(emptyResult());
    expect(empty).toContain('No alerts fired between 2024-05-01T00:00:00Z and 2024-05-04T00:00:00Z.');
    expect(empty).toContain('Nobody was paged.');
    expect(empty).not.toContain('ALERT');
    expect(empty).not.toContain('PERSON');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(fixture());

  it('escapes every string from the result', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('seed &lt;catalog&gt;');
    expect(html).toContain('Alice &lt;Smith&gt;');
    expect(html).not.toContain('<b>12 min</b>');
  });

  it('is self-contained: no external references', () => {
    expect(html).not.toMatch(/\s(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/<link|@import|url\(/i);
    expect(html.match(/https?:\/\//g)).toEqual(['http://']); // only the Prometheus URL, as text
  });

  it('shows the header, warnings and totals with the baseline beside them', () => {
    for (const s of [
      '2024-05-01T00:00:00Z → 2024-05-04T00:00:00Z',
      'klaxon.yaml',
      'http://prom.example:9090',
      '4.3 s',
    ])
      expect(html).toContain(s);
    expect(html).toMatch(/<ul class="warnings"><li>BrokenRule was skipped: bad_query<\/li>/);
    const rows = htmlTable(html, 'totals');
    expect(rows[0]).toEqual(['', 'Candidate', 'Baseline', 'Change']);
    expect(rows.find((r) => r[0] === 'Pages')).toEqual(['Pages', '4', '3', '+1']);
    expect(rows.find((r) => r[0] === 'T2 pages')).toEqual(['T2 pages', '1', '2', '−1']);
    expect(rows.find((r) => r[0]?.startsWith('Noise reduction'))?.slice(1, 3)).toEqual(['97.6%', '98.2%']);
  });

  it('draws one bar per day, stacking T1 and T2, and marks days with wake-ups', () => {
    const chart = /<svg class="days".*?<\/svg>/s.exec(html)![0];
    expect(count(chart, '<g class="day">')).toBe(3);
    expect(count(chart, '<circle class="wake"')).toBe(1);
    expect(chart).toContain('2024-05-03: 1 T1 page, 0 T2 pages, 1 wake-up');
  });

  it('draws one timeline per paging rule and none for the others', () => {
    const alerts = [...html.matchAll(/<svg class="timeline" data-alert="([^"]*)"/g)].map((m) => m[1]);
    expect(alerts).toEqual(['HighErrorRate', '&lt;script&gt;alert(1)&lt;/script&gt;', 'T1FiredNoPage']);
    const high = /<svg class="timeline" data-alert="HighErrorRate".*?<\/svg>/s.exec(html)![0];
    expect(count(high, 'class="mark wake"')).toBe(1);
    expect(count(high, 'class="mark page"')).toBe(1); // alice and bob 6 minutes apart share one marker
    expect(high).toContain('2 pages from 2024-05-01 10:06 UTC: alice, bob');
    expect(count(high, 'class="firing"')).toBe(2);
    expect(high).toContain('2024-05-03 02:06 → 2024-05-04 00:00 UTC'); // still firing: to the range end
    expect(high).toContain('>05-02 12:00<'); // a UTC date and time on the axis
  });

  it('puts each count in its rule row and the skipped reason beside its rule', () => {
    const rows = htmlTable(html, 'rules');
    expect(rows.find((r) => r[0] === 'HighErrorRate')?.join('|')).toBe('HighErrorRate|T1|40|2|2|3|1|1h 30m|');
    const broken = ['BrokenRule', 'T2', '–', '–', '–', '–', '–', '–', 'bad_query: parse error at char 5'];
    expect(rows.find((r) => r[0] === 'BrokenRule')).toEqual(broken);
    expect(rows.some((r) => r[0] === 'QuietT1')).toBe(false);
    expect(htmlTable(html, 'people')[1]).toEqual(['Alice &lt;Smith&gt;', 'alice', '3', '1', '2', '1']);
  });

  it('keeps the diff order and colours the changes', () => {
    const rows = htmlTable(html, 'diff').slice(1);
    expect(rows.map((r) => r[0])).toEqual([
      'HighErrorRate',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      'OldRule',
    ]);
    expect(rows[0]?.slice(3, 5)).toEqual(['1 → 3', '+2']);
    expect(rows[2]?.slice(2, 5)).toEqual(['removed rule', '1 → 0', '−1']);
    expect(html).toMatch(/<td class="n up">\+2<\/td>/);
    expect(html).toMatch(/<td class="n down">−1<\/td>/);
  });

  it('stays small for 30 days of 2,000 episodes over 500 series', () => {
    const r = fixture();
    r.to = '2024-05-31T00:00:00Z';
    const episodes = Array.from({ length: 2000 }, (_, i) =>
      episode(`s${i % 500}`, i * 0.36, i * 0.36 + 0.05, i * 0.36 + 0.2),
    );
    const pages = Array.from({ length: 1000 }, (_, i) => page(`p${i % 7}`, i * 0.72, 'T1', i % 3 === 0));
    r.rules = [rule('Flappy', 'T1', { naive: 5000, episodes: 2000, pages: 1000 }, episodes)];
    r.incidents = [incident(1, 'Flappy', 'T1', pages)];
    const svg = /<svg class="timeline".*?<\/svg>/s.exec(renderHtml(r))![0];
    expect(count(svg, '<text class="lane"')).toBe(9); // 8 series lanes (the last "493 other series") + pages
    expect(svg).toContain('493 other series');
    expect(count(svg, '<rect')).toBeLessThan(2 * 8 * 400);
    expect(count(svg, '<path')).toBeLessThan(2 * 300);
    expect(svg.length).toBeLessThan(400_000);
  });

  it('says no alerts fired for an empty run instead of drawing empty tables', () => {
    const empty = renderHtml(emptyResult());
    expect(empty).toContain('No alerts fired between 2024-05-01T00:00:00Z and 2024-05-04T00:00:00Z.');
    expect(empty).toContain('Nobody was paged');
    expect(empty).not.toContain('<table class="rules"');
    expect(empty).not.toContain('<table class="people"');
    expect(empty).not.toContain('<svg class="timeline"');
  });
});
