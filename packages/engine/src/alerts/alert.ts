/**
 * The one shape every ingest source is turned into before it touches the incident model.
 */
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

/** An alert as it arrives, bound to the service and source its integration key names. */
export interface IngestItem {
  serviceId: string;
  source: string;
  /** Name of the integration key, recorded as the actor of what this alert changes. */
  actor: string;
  defaultTier: Tier;
  alert: IncomingAlert;
}

const SEVERITY_TIERS: Record<string, Tier> = {
  critical: 'T1',
  page: 'T1',
  high: 'T1',
  error: 'T2',
  warning: 'T2',
  medium: 'T2',
  info: 'T3',
  informational: 'T3',
  low: 'T3',
  none: 'T3',
};

/**
 * The tier an alert belongs to: its `tier` label, else its `severity`, else the service default.
 *
 * @example
 * tierOf({ severity: 'critical' }, 'T2'); // 'T1'
 */
export function tierOf(labels: Record<string, string>, fallback: Tier): Tier {
  const tier = labels.tier?.trim().toUpperCase();
  if (tier === 'T1' || tier === 'T2' || tier === 'T3') return tier;
  const severity = labels.severity?.trim().toLowerCase();
  return (severity && SEVERITY_TIERS[severity]) || fallback;
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

export function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

function storableDeep(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storableDeep(v)]));
  }
  return value;
}

/** The alert with every string made storable in both databases. */
export function storableAlert(alert: IncomingAlert): IncomingAlert {
  return storableDeep(alert) as IncomingAlert;
}
