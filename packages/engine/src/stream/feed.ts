/**
 * The live incident feed behind `GET /api/v1/stream`. It reads changes from the durable rows, not from
 * in-process events, so a browser connected to one replica sees what another replica (or the engine
 * loop) changed: an incident's state, a new timeline event, a notification's delivery status.
 *
 * One poller per process runs only while someone listens. Each poll looks back a few seconds past the
 * newest change it has seen, so a transaction that commits late with an older timestamp is not missed,
 * and remembers what it has already reported, so nothing is reported twice.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { toIncidentDto, type IncidentDto } from '../incidents/model.ts';

export type FeedListener = (incidents: IncidentDto[]) => void;

export interface IncidentFeedOptions {
  /** How often to look for changes while someone listens. */
  intervalMs?: number;
  /** How far behind the newest change each poll looks again. */
  lookbackMs?: number;
  onError?: (err: unknown) => void;
}

type Source = 'incident' | 'event' | 'notification';

/** Where changes show: each source's table, its change-time column, and its incident column. */
const SOURCES = [
  ['incident', 'incidents', 'updated_at', 'id'],
  ['event', 'incident_events', 'at', 'incident_id'],
  ['notification', 'notifications', 'updated_at', 'incident_id'],
] as const satisfies readonly (readonly [Source, string, string, string])[];

export class IncidentFeed {
  readonly #db: Kysely<Database>;
  readonly #intervalMs: number;
  readonly #lookbackMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #listeners = new Set<FeedListener>();
  /** `<source>:<row id>:<version time>` → that time, for rows already reported. */
  readonly #seen = new Map<string, number>();
  readonly #high: Record<Source, number | null> = { incident: null, event: null, notification: null };
  #timer: ReturnType<typeof setInterval> | null = null;
  #polling: Promise<void> | null = null;
  #primed: Promise<void> | null = null;

  constructor(db: Kysely<Database>, opts: IncidentFeedOptions = {}) {
    this.#db = db;
    this.#intervalMs = opts.intervalMs ?? 500;
    this.#lookbackMs = opts.lookbackMs ?? 10_000;
    this.#onError = opts.onError ?? (() => {});
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Calls `listener` with every batch of changed incidents from now on; returns the unsubscribe. */
  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) {
      this.#primed = this.#poll(false);
      this.#timer = setInterval(() => void this.poll(), this.#intervalMs);
      this.#timer.unref?.();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Waits until the feed knows where "now" is: changes after this are reported. */
  async ready(): Promise<void> {
    await this.#primed;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#primed = null;
    this.#seen.clear();
    this.#high.incident = this.#high.event = this.#high.notification = null;
  }

  /** One poll now (the timer calls this too). Never runs twice at once. */
  poll(): Promise<void> {
    this.#polling ??= this.#poll(true).finally(() => (this.#polling = null));
    return this.#polling;
  }

  async #poll(report: boolean): Promise<void> {
    try {
      await this.#primed;
      const changed = new Set<number>();
      const since = (s: Source) => (this.#high[s] === null ? null : this.#high[s] - this.#lookbackMs);
      const note = (source: Source, rowId: number, version: number, incidentId: number | null) => {
        this.#high[source] = Math.max(this.#high[source] ?? version, version);
        const key = `${source}:${rowId}:${version}`;
        if (this.#seen.has(key)) return;
        this.#seen.set(key, version);
        if (incidentId !== null) changed.add(incidentId);
      };

      for (const [source, table, at, incident] of SOURCES) {
        const after = since(source);
        const rows = await sql<{ id: number; at: number; incident_id: number | null }>`
          select id, ${sql.ref(at)} as at, ${sql.ref(incident)} as incident_id from ${sql.table(table)}
          ${after === null ? sql`order by ${sql.ref(at)} desc limit 200` : sql`where ${sql.ref(at)} >= ${after}`}
        `.execute(this.#db);
        for (const r of rows.rows)
          note(source, Number(r.id), Number(r.at), r.incident_id === null ? null : Number(r.incident_id));
      }

      this.#prune();
      if (!report || changed.size === 0 || this.#listeners.size === 0) return;
      const rows = await this.#db
        .selectFrom('incidents')
        .selectAll()
        .where('id', 'in', [...changed])
        .orderBy('id')
        .execute();
      const batch = rows.map(toIncidentDto);
      for (const l of this.#listeners) l(batch);
    } catch (err) {
      this.#onError(err);
    }
  }

  #prune(): void {
    for (const [key, version] of this.#seen) {
      const source = key.slice(0, key.indexOf(':')) as Source;
      const high = this.#high[source];
      if (high !== null && version < high - 2 * this.#lookbackMs) this.#seen.delete(key);
    }
  }
}
