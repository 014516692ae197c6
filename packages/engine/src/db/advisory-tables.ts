/**
 * The tables of issue 23 as Kysely sees them (db/tables.ts assembles them into `Database`): advisories'
 * review state and daily digests (advisories/), and holiday calendars read from iCal (holidays/).
 */
import type { ColumnType, Selectable } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** The review state of one T3 incident (issue 23); advisories/ alone writes it. */
export interface AdvisoriesTable {
  incident_id: number;
  team_id: string;
  service_id: string;
  /** The incident's alert name (its first alert's `alertname` label, else its title). */
  alert_name: string;
  /** `unreviewed`, `reviewed`, `dismissed` (as noise) or `promoted` (to `promoted_to`). */
  state: string;
  /** When the incident opened. */
  opened_at: number;
  /** The end of the next business day after `opened_at` in the team's calendar. */
  deadline_at: number;
  deadline_notified_at: Nullable<number>;
  decided_at: Nullable<number>;
  decided_by: Nullable<string>;
  note: Nullable<string>;
  /** Why it was dismissed as noise. */
  reason: Nullable<string>;
  /** `T1` or `T2` when promoted. */
  promoted_to: Nullable<string>;
  created_at: number;
  updated_at: number;
}

/** One team's digest of one local business day: the primary key (team_id, day) makes it once. */
export interface AdvisoryDigestsTable {
  team_id: string;
  /** The team's local date, YYYY-MM-DD. */
  day: string;
  /** The start of that business day. */
  due_at: number;
  /** When its messages were queued. */
  sent_at: number;
  /** The advisories opened in [covered_from, covered_until) are "new" in it. */
  covered_from: number;
  covered_until: number;
  /** How many new advisories it listed. */
  advisories: number;
  /** JSON: what it said, for the API and tests. */
  summary: ColumnType<string, string | undefined, string>;
}

/** A team's (or `*`, the default's) holidays read from an iCal URL; holidays/ alone writes it. */
export interface HolidayCalendarsTable {
  team_id: string;
  url: string;
  /** JSON array of YYYY-MM-DD dates. */
  dates: ColumnType<string, string | undefined, string>;
  fetched_at: Nullable<number>;
  error: Nullable<string>;
  error_at: Nullable<number>;
  updated_at: number;
}

export type AdvisoryRow = Selectable<AdvisoriesTable>;
export type AdvisoryDigestRow = Selectable<AdvisoryDigestsTable>;
export type HolidayCalendarRow = Selectable<HolidayCalendarsTable>;
