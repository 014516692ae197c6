/**
 * The `holidays` engine module: reads the iCal calendars named by `holidaysUrl` (the top-level business
 * hours as `*`, each team's own under its id) every `holidaysRefreshMinutes`, into `holiday_calendars`,
 * which `teamCalendars` (calendars.ts) reads. A tick claims the calendars that are due by stamping their
 * row's `updated_at` in its transaction (so another replica, or the next tick, leaves them alone); after
 * the commit each is fetched with a timeout and a size limit, never inside a transaction, and its dates
 * are written in a short statement of their own. A failure keeps the last good dates, records
 * `error`/`error_at`, logs a warning (the URL without user info or query) and counts
 * `klaxon_holiday_calendar_failures_total{calendar}`; it is tried again after `RETRY_MS`.
 */
import type { Kysely, Transaction } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../clock/clock.ts';
import type { Database } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { DEFAULT_CALENDAR, type CalendarsConfig } from './calendars.ts';
import { DEFAULT_LIMITS, download, safeUrl, type DownloadLimits, type FetchLike } from './download.ts';
import { icalHolidays } from './ical.ts';

/** A failed read is tried again this soon (or at the refresh interval, if that is shorter). */
export const RETRY_MS = 5 * 60_000;
/** How often a tick looks for due calendars. */
const EVERY_MS = 60_000;
/** Years before and after the current one whose holidays are kept. */
const YEARS_AROUND = 1;

/** One calendar to read: its key in `holiday_calendars` (a team id, or `*`), URL and refresh interval. */
export interface HolidaySource {
  key: string;
  url: string;
  refreshMs: number;
}

/** The calendars the config names. */
export function holidaySources(config: CalendarsConfig): HolidaySource[] {
  const out: HolidaySource[] = [];
  const add = (key: string, hours: CalendarsConfig['businessHours'] | undefined) => {
    if (hours?.holidaysUrl)
      out.push({ key, url: hours.holidaysUrl, refreshMs: hours.holidaysRefreshMinutes * 60_000 });
  };
  add(DEFAULT_CALENDAR, config.businessHours);
  for (const team of config.teams) add(team.id, team.businessHours);
  return out;
}

/** Where a read failure is reported; pino and Fastify's logger fit. */
export interface HolidaysLogger {
  warn(obj: object, msg: string): void;
}

export interface HolidaysDeps {
  config: CalendarsConfig;
  db: Kysely<Database>;
  clock: Clock;
  /** Default: the global fetch. */
  fetch?: FetchLike | undefined;
  logger?: HolidaysLogger | undefined;
  metrics?: { registry: Registry } | undefined;
  /** Default: 10 s and 1 MiB. */
  limits?: DownloadLimits | undefined;
}

export interface HolidaysModule extends EngineModule {
  /** Resolves when every read started so far has finished. */
  drain(): Promise<void>;
}

/** `klaxon_holiday_calendar_failures_total{calendar}` on `registry`, created once however many config generations ask. */
export function failuresCounter(registry: Registry): Counter<'calendar'> {
  const name = 'klaxon_holiday_calendar_failures_total';
  return (
    (registry.getSingleMetric(name) as Counter<'calendar'> | undefined) ??
    new Counter({
      name,
      help: 'Failed reads of a holidays iCal calendar (businessHours.holidaysUrl), by calendar: a team id, or * for the default.',
      labelNames: ['calendar'] as const,
      registers: [registry],
    })
  );
}

interface Row {
  url: string;
  error: string | null;
  updated_at: number;
}

/** When `row`'s calendar should be read next. */
function dueAt(source: HolidaySource, row: Row | undefined): number {
  if (!row || row.url !== source.url) return -Infinity;
  return row.updated_at + (row.error !== null ? Math.min(RETRY_MS, source.refreshMs) : source.refreshMs);
}

/** The module, or null when no calendar has a `holidaysUrl`. */
export function holidaysModule(deps: HolidaysDeps): HolidaysModule | null {
  const sources = holidaySources(deps.config);
  if (sources.length === 0) return null;
  const fetchImpl: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const counter = deps.metrics ? failuresCounter(deps.metrics.registry) : null;
  const inflight = new Set<Promise<void>>();
  const keys = sources.map((s) => s.key);

  const read = async (source: HolidaySource): Promise<void> => {
    let dates: string[];
    try {
      const text = await download(fetchImpl, source.url, limits);
      const year = deps.clock.now().getUTCFullYear();
      dates = icalHolidays(text, year - YEARS_AROUND, year + YEARS_AROUND);
    } catch (err) {
      const error = (err as Error).message.slice(0, 500);
      const t = deps.clock.now().getTime();
      await deps.db
        .updateTable('holiday_calendars')
        .set({ error, error_at: t, updated_at: t })
        .where('team_id', '=', source.key)
        .where('url', '=', source.url)
        .execute();
      counter?.inc({ calendar: source.key });
      deps.logger?.warn(
        { calendar: source.key, url: safeUrl(source.url), error },
        'reading the holidays calendar failed: the last dates read stay in use',
      );
      return;
    }
    const t = deps.clock.now().getTime();
    await deps.db
      .updateTable('holiday_calendars')
      .set({ dates: JSON.stringify(dates), fetched_at: t, error: null, error_at: null, updated_at: t })
      .where('team_id', '=', source.key)
      .where('url', '=', source.url)
      .execute();
  };

  const start = (due: HolidaySource[]) => {
    for (const source of due) {
      const p = read(source).catch((err: unknown) =>
        deps.logger?.warn(
          { calendar: source.key, url: safeUrl(source.url), error: (err as Error).message },
          'storing the holidays calendar failed',
        ),
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  };

  return {
    name: 'holidays',
    everyMs: EVERY_MS,
    async tick({ trx, now, afterCommit }) {
      const due = await claim(trx, sources, keys, now.getTime());
      if (due.length > 0) afterCommit(() => start(due));
    },
    async drain() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}

/** Stamps the due calendars' rows (creating them, or starting afresh for a changed URL) and returns them. */
async function claim(
  trx: Transaction<Database>,
  sources: readonly HolidaySource[],
  keys: readonly string[],
  now: number,
): Promise<HolidaySource[]> {
  const rows = await trx
    .selectFrom('holiday_calendars')
    .select(['team_id', 'url', 'error', 'updated_at'])
    .where('team_id', 'in', [...keys])
    .execute();
  const byKey = new Map(rows.map((r) => [r.team_id, r]));
  const due: HolidaySource[] = [];
  for (const source of sources) {
    const row = byKey.get(source.key);
    if (dueAt(source, row) > now) continue;
    due.push(source);
    if (!row) {
      await trx
        .insertInto('holiday_calendars')
        .values({ team_id: source.key, url: source.url, dates: '[]', updated_at: now })
        .execute();
    } else if (row.url !== source.url) {
      // Another calendar now: the dates read from the old one no longer apply.
      await trx
        .updateTable('holiday_calendars')
        .set({ url: source.url, dates: '[]', fetched_at: null, error: null, error_at: null, updated_at: now })
        .where('team_id', '=', source.key)
        .execute();
    } else {
      await trx
        .updateTable('holiday_calendars')
        .set({ updated_at: now })
        .where('team_id', '=', source.key)
        .execute();
    }
  }
  return due;
}
