/**
 * The objects of Grafana OnCall's public API as its serializers write them
 * (engine/apps/public_api/serializers/*.py), reduced to the fields the import reads. `read*` checks one
 * object from the wire and returns it, or a reason why it is malformed (reported as a skip, never a crash).
 */

export interface OcUser {
  id: string;
  email: string | null;
  username: string;
  role: string;
  timezone: string | null;
  teams?: string[];
  slack?: { user_id?: unknown }[];
}
export interface OcRule {
  id: string;
  user_id: string;
  position: number;
  important?: boolean;
  type: string;
  duration?: number;
}
export interface OcTeam {
  id: string;
  name: string;
}
export interface OcSchedule {
  id: string;
  name: string;
  type: string;
  team_id: string | null;
  time_zone?: string | null;
  shifts?: string[];
  ical_url_primary?: string | null;
  ical_url_overrides?: string | null;
}
export interface OcShift {
  id: string;
  name: string;
  type: string;
  schedule?: string | null;
  time_zone: string | null;
  level: number;
  start: string;
  duration: number;
  frequency?: string | null;
  interval?: number | null;
  until?: string | null;
  week_start?: string;
  by_day?: string[] | null;
  by_month?: number[] | null;
  by_monthday?: number[] | null;
  users?: string[];
  rolling_users?: string[][] | null;
  start_rotation_from_user_index?: number | null;
}
export interface OcChain {
  id: string;
  name: string;
  team_id: string | null;
}
export interface OcPolicy {
  id: string;
  escalation_chain_id: string;
  position: number;
  type: string;
  duration?: number | null;
  important?: boolean;
  persons_to_notify?: string[] | null;
  persons_to_notify_next_each_time?: string[] | null;
  notify_on_call_from_schedule?: string | null;
  team_to_notify?: string | null;
}
export interface OcIntegration {
  id: string;
  name: string;
  type: string;
  team_id: string | null;
  link: string | null;
  default_route?: { id: string; escalation_chain_id: string | null } | null;
}
export interface OcRoute {
  id: string;
  integration_id: string;
  escalation_chain_id: string | null;
  routing_regex: string;
  position: number;
  is_the_last_route: boolean;
}
export interface OcWebhook {
  id: string;
  name: string;
  url?: string | null;
  trigger_type?: string | null;
}
export interface OcFinalShift {
  user_pk: string;
  user_email?: string;
  user_username?: string;
  shift_start: string;
  shift_end: string;
}

type Shape = Record<
  string,
  'string' | 'string?' | 'number' | 'number?' | 'boolean?' | 'array' | 'array?' | 'object?'
>;

/** Checks the fields the import reads; other fields (the API grows) are ignored. */
function check<T>(kind: string, raw: unknown, shape: Shape): T | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return `malformed ${kind}: not an object`;
  const o = raw as Record<string, unknown>;
  for (const [k, want] of Object.entries(shape)) {
    const v = o[k];
    const optional = want.endsWith('?');
    if (v === undefined || v === null) {
      if (optional) continue;
      return `malformed ${kind}: ${k} is missing`;
    }
    const base = want.replace('?', '');
    const ok =
      base === 'array' ? Array.isArray(v) : base === 'object' ? typeof v === 'object' : typeof v === base;
    if (!ok) return `malformed ${kind}: ${k} is not a${base === 'array' ? 'n' : ''} ${base}`;
  }
  return o as unknown as T;
}

export const readUser = (r: unknown) =>
  check<OcUser>('user', r, {
    id: 'string',
    username: 'string',
    role: 'string',
    teams: 'array?',
    slack: 'array?',
  });
export const readRule = (r: unknown) =>
  check<OcRule>('notification rule', r, {
    id: 'string',
    user_id: 'string',
    position: 'number',
    type: 'string',
    important: 'boolean?',
    duration: 'number?',
  });
export const readTeam = (r: unknown) => check<OcTeam>('team', r, { id: 'string', name: 'string' });
export const readSchedule = (r: unknown) =>
  check<OcSchedule>('schedule', r, { id: 'string', name: 'string', type: 'string', shifts: 'array?' });
export const readShift = (r: unknown) =>
  check<OcShift>('on-call shift', r, {
    id: 'string',
    name: 'string',
    type: 'string',
    start: 'string',
    duration: 'number',
    level: 'number?',
    by_day: 'array?',
    users: 'array?',
    rolling_users: 'array?',
    interval: 'number?',
  });
export const readChain = (r: unknown) =>
  check<OcChain>('escalation chain', r, { id: 'string', name: 'string' });
export const readPolicy = (r: unknown) =>
  check<OcPolicy>('escalation policy', r, {
    id: 'string',
    escalation_chain_id: 'string',
    position: 'number',
    type: 'string',
    duration: 'number?',
  });
export const readIntegration = (r: unknown) =>
  check<OcIntegration>('integration', r, {
    id: 'string',
    name: 'string',
    type: 'string',
    link: 'string?',
    default_route: 'object?',
  });
export const readRoute = (r: unknown) =>
  check<OcRoute>('route', r, {
    id: 'string',
    integration_id: 'string',
    position: 'number',
    routing_regex: 'string?',
  });
export const readWebhook = (r: unknown) =>
  check<OcWebhook>('outgoing webhook', r, { id: 'string', name: 'string' });
export const readFinalShift = (r: unknown) =>
  check<OcFinalShift>('final shift', r, { user_pk: 'string', shift_start: 'string', shift_end: 'string' });
