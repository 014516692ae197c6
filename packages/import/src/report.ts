/**
 * What an import did with every source object: nothing is dropped silently. Each object of the source
 * (a user, a contact method, a schedule layer, a policy rule, an integration…) gets exactly one entry.
 */

export type ReportOutcome = 'imported' | 'changed' | 'skipped';

export interface ReportEntry {
  /** The source's kind of object, e.g. `user`, `schedule`, `escalation_policy`, `integration`. */
  kind: string;
  /** The source's id (PagerDuty `PXXXXXX`, OnCall `UABC…`). */
  sourceId: string;
  /** The source's name or summary, for people. */
  name: string;
  outcome: ReportOutcome;
  /** For `imported`/`changed`: the Klaxon id it became (e.g. `users[3]` id or a schedule id). */
  klaxonId?: string;
  /** For `changed`: what changed and why; for `skipped`: why, and what to do by hand. */
  notes: string[];
}

export class ImportReport {
  readonly entries: ReportEntry[] = [];

  add(entry: Omit<ReportEntry, 'notes'> & { notes?: string[] }): ReportEntry {
    const e: ReportEntry = { ...entry, notes: entry.notes ?? [] };
    this.entries.push(e);
    return e;
  }

  /** An object that became `klaxonId`: `changed` when `notes` say what changed, else `imported`. */
  mapped(kind: string, sourceId: string, name: string, klaxonId: string, notes: string[]): ReportEntry {
    return this.add({
      kind,
      sourceId,
      name,
      outcome: notes.length ? 'changed' : 'imported',
      klaxonId,
      notes,
    });
  }

  /** An object left out, with why and what to do by hand. */
  skipped(kind: string, sourceId: string, name: string, notes: string[]): ReportEntry {
    return this.add({ kind, sourceId, name, outcome: 'skipped', notes });
  }

  counts(): Record<ReportOutcome, number> {
    const c: Record<ReportOutcome, number> = { imported: 0, changed: 0, skipped: 0 };
    for (const e of this.entries) c[e.outcome]++;
    return c;
  }
}
