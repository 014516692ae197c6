/**
 * Holidays read from iCal calendars: the parser on its own (all-day, multi-day, yearly, timed, garbage),
 * and the engine module against a local HTTP server serving .ics files: the dates land in
 * `holiday_calendars` and in `teamCalendars`; a 500, an oversized body, garbage and a timeout each record
 * the error, keep the last good dates, count a failure and log the URL without its secret.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import {
  createTestStore,
  DIALECTS,
  skipPostgres,
  startFake,
  TEST_CONFIG_YAML,
  testConfig,
  type FakeServer,
} from '@klaxon/testing';
import { standardModules } from '../app/modules.ts';
import { FakeClock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { EngineLoop } from '../engine/loop.ts';
import { isBusinessDay, nextBusinessDay } from '../org/business.ts';
import { DEFAULT_CALENDAR, defaultCalendar, teamCalendars } from './calendars.ts';
import { safeUrl, type FetchLike } from './download.ts';
import { icalHolidays, IcalError } from './ical.ts';
import { holidaysModule, type HolidaysModule } from './module.ts';

const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
const allDay = (date: string, extra: string[] = []) =>
  [
    'BEGIN:VEVENT',
    `UID:${date}@test`,
    `DTSTART;VALUE=DATE:${date}`,
    ...extra,
    'SUMMARY:Holiday',
    'END:VEVENT',
  ].join('\r\n');

describe('icalHolidays', () => {
  it('reads all-day events, multi-day ranges (DTEND exclusive), yearly rules, and skips timed events', () => {
    const text = ics(
      allDay('20261225'),
      // 24 to 26 December 2026 inclusive: DTEND is the day after.
      allDay('20261224', ['DTEND;VALUE=DATE:20261227']),
      // A week off, by DURATION.
      allDay('20260803', ['DURATION:P1W']),
      // New Year's Day since 2020, every year.
      allDay('20200101', ['RRULE:FREQ=YEARLY']),
      // Thanksgiving: the 4th Thursday of November, folded over two lines.
      [
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20201126',
        'RRULE:FREQ=YEARLY;BYMONTH=11;BY',
        ' DAY=4TH',
        'END:VEVENT',
      ].join('\r\n'),
      // The last Monday of May, except in 2027.
      allDay('20200525', ['RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO', 'EXDATE;VALUE=DATE:20270531']),
      // 29 February: only in leap years (2028 is outside the window).
      allDay('20240229', ['RRULE:FREQ=YEARLY']),
      // A timed event is a meeting, not a holiday.
      [
        'BEGIN:VEVENT',
        'DTSTART;TZID=Europe/Berlin:20260302T100000',
        'DTEND;TZID=Europe/Berlin:20260302T110000',
        'END:VEVENT',
      ].join('\r\n'),
      ['BEGIN:VEVENT', 'DTSTART:20260303T100000Z', 'END:VEVENT'].join('\r\n'),
      // Outside the years asked for.
      allDay('20300101'),
    );
    const dates = icalHolidays(text, 2025, 2027);
    expect(dates).toEqual([
      '2025-01-01',
      '2025-05-26',
      '2025-11-27',
      '2026-01-01',
      '2026-05-25',
      '2026-08-03',
      '2026-08-04',
      '2026-08-05',
      '2026-08-06',
      '2026-08-07',
      '2026-08-08',
      '2026-08-09',
      '2026-11-26',
      '2026-12-24',
      '2026-12-25',
      '2026-12-26',
      '2027-01-01',
      '2027-11-25',
    ]);
  });

  it('refuses a calendar whose recurrences would take too long to expand', () => {
    // Thousands of all-day events repeating every day: each date is the same few, but the expansion is not.
    const events = Array.from({ length: 3000 }, (_, i) =>
      [
        'BEGIN:VEVENT',
        `UID:${i}@test`,
        'DTSTART;VALUE=DATE:20260101',
        'RRULE:FREQ=DAILY;COUNT=1000',
        'END:VEVENT',
      ].join('\r\n'),
    );
    expect(() => icalHolidays(ics(...events), 2026, 2026)).toThrow(/recurrences to expand/);
  });

  it('refuses what is not a calendar', () => {
    expect(() => icalHolidays('<html>Not found</html>', 2026, 2026)).toThrow(IcalError);
    expect(() => icalHolidays('{"holidays":[]}', 2026, 2026)).toThrow(/BEGIN:VCALENDAR/);
    expect(() => icalHolidays('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR', 2026, 2026)).toThrow(
      IcalError,
    );
    expect(() => icalHolidays(ics(allDay('2026-12-25')), 2026, 2026)).toThrow(/not a date/);
    expect(() => icalHolidays(ics('this is not a content line'), 2026, 2026)).toThrow(/content line/);
    expect(icalHolidays(ics(), 2026, 2026)).toEqual([]);
  });

  it('logs a URL without user info, path or query, any of which may hold the secret', () => {
    expect(safeUrl('https://bob:hunter2@cal.example.com/private-abc/basic.ics?key=s3cret#x')).toBe(
      'https://cal.example.com/…',
    );
    expect(
      safeUrl('https://calendar.google.com/calendar/ical/a%40b.com/private-0123456789abcdef/basic.ics'),
    ).toBe('https://calendar.google.com/…');
    expect(safeUrl('http://cal.example.com:8080/')).toBe('http://cal.example.com:8080/');
    expect(safeUrl('not a url')).toBe('(an invalid URL)');
  });
});

const MIN = 60_000;

describe.each(DIALECTS)('holidays module (%s)', (dialect) => {
  let server: FakeServer | null = null;
  let store: KlaxonDatabase | null = null;
  afterEach(async () => {
    await server?.close();
    await store?.close();
    server = null;
    store = null;
  });

  async function setup(opts: { fetch?: FetchLike; timeoutMs?: number } = {}) {
    server = await startFake((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const yaml = TEST_CONFIG_YAML.replace(
      '  - { id: platform, name: Platform, members: [alice] }',
      `  - { id: platform, name: Platform, members: [alice] }
  - { id: data, name: Data, members: [alice], businessHours: { timezone: Europe/Berlin, holidaysUrl: '${server.url}/berlin.ics' } }`,
    );
    const config = testConfig(
      '',
      `${yaml}
businessHours: { timezone: America/New_York, holidaysUrl: '${server.url}/us.ics?token=s3cret', holidaysRefreshMinutes: 5 }
`,
    );
    store = await createTestStore(dialect);
    const clock = new FakeClock('2026-05-20T12:00:00Z');
    const registry = new Registry();
    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const mod = holidaysModule({
      config,
      db: store.db,
      clock,
      fetch: opts.fetch,
      logger: { warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) },
      metrics: { registry },
      limits: { timeoutMs: opts.timeoutMs ?? 10_000, maxBytes: 1024 * 1024 },
    }) as HolidaysModule;
    expect(mod).not.toBeNull();
    const loop = new EngineLoop({ store, clock, modules: [mod], intervalMs: 1000 });
    const s = store;
    const failures = async (calendar: string) =>
      (await registry.getSingleMetric('klaxon_holiday_calendar_failures_total')!.get()).values.find(
        (v) => v.labels.calendar === calendar,
      )?.value ?? 0;
    return {
      config,
      clock,
      warnings,
      failures,
      server: server,
      async run() {
        await loop.runOnce();
        await mod.drain();
      },
      row: (key: string) =>
        s.db.selectFrom('holiday_calendars').selectAll().where('team_id', '=', key).executeTakeFirstOrThrow(),
    };
  }

  const US = ics(allDay('20260525'), allDay('20261126'), allDay('20200704', ['RRULE:FREQ=YEARLY']));
  const BERLIN = ics(allDay('20260525'), allDay('20261003'));

  it.skipIf(skipPostgres(dialect))(
    'reads each calendar into holiday_calendars, used by teamCalendars, and again only when due',
    async () => {
      const t = await setup();
      t.server.respond((req, res) => {
        res.writeHead(200, { 'content-type': 'text/calendar' });
        res.end(req.path.startsWith('/us.ics') ? US : BERLIN);
      });
      await t.run();
      expect(t.server.requests.map((r) => r.path).sort()).toEqual(['/berlin.ics', '/us.ics?token=s3cret']);
      const us = await t.row(DEFAULT_CALENDAR);
      expect(JSON.parse(us.dates)).toEqual([
        '2025-07-04',
        '2026-05-25',
        '2026-07-04',
        '2026-11-26',
        '2027-07-04',
      ]);
      expect(us).toMatchObject({ fetched_at: t.clock.now().getTime(), error: null, error_at: null });
      expect(JSON.parse((await t.row('data')).dates)).toEqual(['2026-05-25', '2026-10-03']);

      const cals = await teamCalendars(store!.db, t.config);
      const platform = cals.get('platform')!; // no businessHours of its own: the default, New York
      expect(platform.timezone).toBe('America/New_York');
      expect(platform.holidays.has('2026-11-26')).toBe(true);
      expect(cals.get('data')!.holidays.has('2026-10-03')).toBe(true);
      expect(cals.get('data')!.holidays.has('2026-11-26')).toBe(false);
      expect((await defaultCalendar(store!.db, t.config)).holidays.has('2026-07-04')).toBe(true);
      // Memorial Day Monday: the next business day after Friday 23:00 New York is Tuesday.
      const friday23 = Date.parse('2026-05-23T03:00:00Z');
      expect(isBusinessDay(platform, Date.parse('2026-05-25T15:00:00Z'))).toBe(false);
      expect(nextBusinessDay(platform, friday23).start).toBe(Date.parse('2026-05-26T13:00:00Z'));

      // Not due yet: no request.
      t.clock.advance(MIN);
      await t.run();
      expect(t.server.requests).toHaveLength(2);
      // Due after its holidaysRefreshMinutes (5); the Berlin team's (the default, 360) is not.
      t.clock.advance(5 * MIN);
      await t.run();
      expect(t.server.requests.slice(2).map((r) => r.path)).toEqual(['/us.ics?token=s3cret']);
    },
  );

  it.skipIf(skipPostgres(dialect))(
    'on a 500, an oversized body, garbage or a timeout: records the error, keeps the last good dates, counts and logs without secrets',
    async () => {
      const t = await setup({ timeoutMs: 300 });
      t.server.respond((req, res) => {
        res.writeHead(200);
        res.end(req.path.startsWith('/us.ics') ? US : BERLIN);
      });
      await t.run();
      const good = (await t.row(DEFAULT_CALENDAR)).dates;
      const fetchedAt = (await t.row(DEFAULT_CALENDAR)).fetched_at;

      const failing: [string, (res: ServerResponse) => void, RegExp][] = [
        [
          '500',
          (res) => {
            res.writeHead(500);
            res.end('boom');
          },
          /HTTP 500/,
        ],
        [
          'oversized',
          (res) => {
            res.writeHead(200, { 'content-type': 'text/calendar' });
            // Streamed without a content-length: the limit applies to the bytes read.
            res.write(ics().slice(0, -15));
            res.end(`${'X-PAD:' + 'x'.repeat(1000) + '\r\n'}`.repeat(1100));
          },
          /larger than 1048576 bytes/,
        ],
        [
          'garbage',
          (res) => {
            res.writeHead(200, { 'content-type': 'text/html' });
            res.end('<html><body>Sign in</body></html>');
          },
          /not an iCal calendar/,
        ],
        ['timeout', () => undefined, /did not answer within 0.3 s/],
      ];
      let n = 0;
      for (const [name, answer, error] of failing) {
        t.clock.advance(6 * MIN);
        t.server.respond((req, res) => {
          if (req.path.startsWith('/us.ics')) answer(res);
          else res.end(BERLIN);
        });
        await t.run();
        n++;
        const row = await t.row(DEFAULT_CALENDAR);
        expect(row.error, name).toMatch(error);
        expect(row.error_at, name).toBe(t.clock.now().getTime());
        expect(row.dates, name).toBe(good);
        expect(row.fetched_at, name).toBe(fetchedAt);
        expect(await t.failures(DEFAULT_CALENDAR), name).toBe(n);
        expect(await t.failures('data'), name).toBe(0);
        expect(t.warnings, name).toHaveLength(n);
        expect(t.warnings.at(-1)!.obj).toMatchObject({ calendar: '*', url: `${t.server.url}/…` });
        expect(JSON.stringify(t.warnings), name).not.toContain('us.ics');
        expect(JSON.stringify(t.warnings), name).not.toContain('s3cret');
        // The last good dates stay in use.
        expect((await teamCalendars(store!.db, t.config)).get('platform')!.holidays.has('2026-11-26')).toBe(
          true,
        );
      }

      // Back: the error is cleared and the dates read again.
      t.clock.advance(6 * MIN);
      t.server.respond((req, res) => {
        res.end(req.path.startsWith('/us.ics') ? ics(allDay('20260101')) : BERLIN);
      });
      await t.run();
      const row = await t.row(DEFAULT_CALENDAR);
      expect(row).toMatchObject({ error: null, error_at: null, fetched_at: t.clock.now().getTime() });
      expect(JSON.parse(row.dates)).toEqual(['2026-01-01']);
    },
  );

  it.skipIf(skipPostgres(dialect))('reads through the injected fetch', async () => {
    const urls: string[] = [];
    const t = await setup({
      fetch: (url) => {
        urls.push(url);
        return Promise.resolve(new Response(url.includes('/us.ics') ? US : BERLIN, { status: 200 }));
      },
    });
    await t.run();
    expect(urls).toHaveLength(2);
    expect(t.server.requests).toHaveLength(0);
    expect(JSON.parse((await t.row('data')).dates)).toEqual(['2026-05-25', '2026-10-03']);
  });
});

describe('standard modules', () => {
  it('include the holidays module only when a calendar has a holidaysUrl', async () => {
    const store = await createTestStore('sqlite');
    try {
      const clock = new FakeClock('2026-05-20T12:00:00Z');
      const names = (yaml: string) =>
        standardModules(testConfig(yaml), store, { clock, delivery: false }).modules.map((m) => m.name);
      expect(names('')).not.toContain('holidays');
      expect(names("businessHours: { holidaysUrl: 'https://cal.example.com/h.ics' }\n")).toContain(
        'holidays',
      );
    } finally {
      await store.close();
    }
  });
});
