/**
 * The one shape every ingest source is turned into before it touches the incident model.
 */
import { ApiError } from '../errors/errors.ts';
import type { Tier } from './tier.ts';

export type AlertAction = 'trigger' | 'acknowledge' | 'resolve';

export interface IncomingAlert {
  action: AlertAction;
  /** Identity of the alert within its service: Alertmanager fingerprint or PagerDuty dedup_key. */
  dedupKey: string;
  /** Alerts with the same group key share an open incident. */
  groupKey: string;
  summary: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  details: Record<string, unknown>;
  generatorUrl: string | null;
  startsAt: number | null;
  endsAt: number | null;
}

/**
 * The integration of the alerts the engine makes itself (the heartbeat's "monitoring pipeline is down"):
 * no integration key may take this name, so no sender can touch them.
 */
export const INTERNAL_INTEGRATION = 'klaxon-internal';

/** An alert as it arrives, bound to the service and source its integration key names. */
export interface IngestItem {
  serviceId: string;
  source: string;
  /**
   * The integration key's `name` (`INTERNAL_INTEGRATION` for the engine's own alerts). An alert belongs to
   * the integration that sent it: another key's alert with the same dedup key is a different alert.
   */
  integration: string;
  /** Name of the integration key, recorded as the actor of what this alert changes. */
  actor: string;
  defaultTier: Tier;
  alert: IncomingAlert;
}

// A Map, not an object literal: a severity such as "constructor" must find nothing, not Object.prototype's.
const SEVERITY_TIERS: ReadonlyMap<string, Tier> = new Map([
  ['critical', 'T1'],
  ['page', 'T1'],
  ['high', 'T1'],
  ['error', 'T2'],
  ['warning', 'T2'],
  ['medium', 'T2'],
  ['info', 'T3'],
  ['informational', 'T3'],
  ['low', 'T3'],
  ['none', 'T3'],
]);

/** The label's value when the alert itself has it (never an inherited member), else undefined. */
function ownLabel(labels: Record<string, string>, name: string): string | undefined {
  const value: unknown = Object.hasOwn(labels, name) ? labels[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The tier an alert belongs to: its `tier` label, else its `severity`, else the service default.
 *
 * @example
 * tierOf({ severity: 'critical' }, 'T2'); // 'T1'
 */
export function tierOf(labels: Record<string, string>, fallback: Tier): Tier {
  const tier = ownLabel(labels, 'tier')?.trim().toUpperCase();
  if (tier === 'T1' || tier === 'T2' || tier === 'T3') return tier;
  const severity = ownLabel(labels, 'severity')?.trim().toLowerCase();
  return (severity && SEVERITY_TIERS.get(severity)) || fallback;
}

/** The more urgent of two tiers (T1 is the most urgent). */
export function higherTier(a: Tier, b: Tier): Tier {
  return a < b ? a : b;
}

/** Parses an RFC 3339 time; Alertmanager's zero time and garbage become null. */
export function parseTime(value: string | undefined | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms <= 0) return null;
  return ms;
}

// Lone surrogates cannot be stored as UTF-8, and PostgreSQL refuses NUL in text: both become U+FFFD, so
// what is stored is exactly what was keyed on.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be matched
const UNSTORABLE = /[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `String.prototype.isWellFormed` (ES2024, Node 20): no lone surrogates. */
const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

export function storable(text: string): string {
  // Nearly every string is already storable: two native scans instead of the regular expression.
  if (wellFormed(text) && !text.includes('\u0000')) return text;
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * The most levels of objects and arrays an ingested body may nest; the body itself is level 1 (docs/api.md).
 * Whatever walks JSON recursively (storing, `JSON.stringify`, logging) overflows the stack a few thousand
 * levels down, so deeper input is refused where it arrives, with `payload_too_deep`.
 */
export const MAX_NESTING = 32;

/**
 * What `storableAlert` takes: more than any input within `MAX_NESTING` reaches once wrapped into an alert
 * (an SNS message's event becomes `details.event`), far less than overflows the stack.
 */
const MAX_ALERT_NESTING = 2 * MAX_NESTING;

interface Level {
  value: object;
  depth: number;
  key: string | number;
  parent: Level | null;
}

/** `root.a[0]["odd key"]`: a path as people write it, each key clipped so the path stays short. */
function pathOf(level: Level, root: string): string {
  const parts: string[] = [];
  for (let l: Level | null = level; l?.parent; l = l.parent) {
    const k = l.key;
    if (typeof k === 'number') parts.push(`[${k}]`);
    else if (/^[A-Za-z_$][\w$]{0,63}$/.test(k)) parts.push(`.${k}`);
    else parts.push(`[${JSON.stringify(k.length > 64 ? `${k.slice(0, 61)}...` : k)}]`);
  }
  return root + parts.reverse().join('');
}

/**
 * Where `value` first nests objects and arrays more than `max` levels deep (`value` itself is level 1), as
 * a path from `root`, e.g. `body.payload.custom_details.a[0][0]`; null when it does not. It walks without
 * recursion, so any depth is safe to measure.
 */
export function tooDeep(value: unknown, max: number, root: string): string | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Level[] = [{ value, depth: 1, key: '', parent: null }];
  while (stack.length > 0) {
    const level = stack.pop()!;
    if (level.depth > max) return pathOf(level, root);
    const children: [string | number, unknown][] = Array.isArray(level.value)
      ? level.value.map((v, i): [number, unknown] => [i, v])
      : Object.entries(level.value);
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, child] = children[i]!;
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, depth: level.depth + 1, key, parent: level });
    }
  }
  return null;
}

/** Thrown by `storableDeep` past `MAX_ALERT_NESTING`; `storableAlert` then finds the path. */
class TooDeep extends Error {}
const TOO_DEEP = new TooDeep('too deep');

/**
 * `value` with every string and key made storable. What needs no change comes back as it is (the same
 * object), so the common case allocates nothing; a changed object is a fresh one, built with
 * `Object.fromEntries` so that a key such as `__proto__` stays an own property. Recursive, but it stops
 * past `MAX_ALERT_NESTING` levels, far above anything that overflows the stack.
 */
function storableDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storable(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_ALERT_NESTING) throw TOO_DEEP;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const fixed = storableDeep(v, depth + 1);
      if (out === null && fixed !== v) out = value.slice(0, i);
      out?.push(fixed);
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let out: [string, unknown][] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = record[k];
    const key = storable(k);
    const fixed = storableDeep(v, depth + 1);
    if (out === null && (key !== k || fixed !== v)) out = keys.slice(0, i).map((kk) => [kk, record[kk]]);
    out?.push([key, fixed]);
  }
  return out === null ? value : Object.fromEntries(out);
}

/**
 * The alert with every string made storable in both databases. Throws `payload_too_deep` (400) for an
 * alert nested deeper than anything should reach here: the ingest endpoints refuse deeper bodies first.
 */
export function storableAlert(alert: IncomingAlert): IncomingAlert {
  try {
    return storableDeep(alert, 1) as IncomingAlert;
  } catch (err) {
    if (err !== TOO_DEEP) throw err;
  }
  const deep = tooDeep(alert, MAX_ALERT_NESTING, 'alert') ?? 'alert';
  throw new ApiError(
    'payload_too_deep',
    `${deep}: the alert nests objects and arrays more than ${MAX_ALERT_NESTING} levels deep; nothing was stored. Flatten its details (at most ${MAX_NESTING} levels).`,
    [{ path: deep, message: `more than ${MAX_ALERT_NESTING} levels of nested objects and arrays` }],
  );
}
