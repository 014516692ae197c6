/**
 * Reading PagerDuty's JSON defensively: each accessor names the field it wanted, so a malformed object
 * becomes a reported skip ("schedule PABC123: layers[1].users is not a list") instead of a crash.
 */

/** A source object we cannot use as it is. */
export class MalformedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedError';
  }
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new MalformedError(`${what} is not an object`);
  return v;
}

export function str(o: Obj, key: string, what = key): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new MalformedError(`${what} is missing or not a string`);
  return v;
}

export function optStr(o: Obj, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(o: Obj, key: string, what = key): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new MalformedError(`${what} is not an integer`);
  return v;
}

export function list(o: Obj, key: string, what = key): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedError(`${what} is not a list`);
  return v;
}

export function instantOf(o: Obj, key: string, what = key): number {
  const t = Date.parse(str(o, key, what));
  if (!Number.isFinite(t)) throw new MalformedError(`${what} is not a date-time`);
  return t;
}

/** The ids of a list of references (`{id, type: 'team_reference'}`). */
export function refIds(o: Obj, key: string): string[] {
  return list(o, key).flatMap((r) => (isObj(r) && typeof r.id === 'string' ? [r.id] : []));
}

/** A short description of what went wrong, for the report. */
export function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Klaxon ids (`^[a-z0-9][a-z0-9_-]{0,62}$`) from source names, unique per kind: `Alice Smith` →
 * `alice-smith`, then `alice-smith-2`.
 */
export class IdAllocator {
  readonly #used = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.#used.add(r);
  }

  take(name: string, fallback: string): string {
    const slug = (s: string) =>
      s
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[-_]+|[-_]+$/g, '')
        .slice(0, 56);
    const base = slug(name) || slug(fallback) || 'imported';
    let id = base;
    for (let n = 2; this.#used.has(id); n++) id = `${base}-${n}`;
    this.#used.add(id);
    return id;
  }
}
