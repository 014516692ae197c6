/**
 * The typed API client: same-origin JSON over fetch with the session cookie, the CSRF token (kept in memory
 * only) on unsafe methods, errors carrying the API's `error.message`, and 401 sending the browser to the
 * login page with a way back. The request and response types come from api.gen.ts, generated from the
 * engine's docs/openapi.json (`npm run gen:api`); the names below are aliases into its `paths`.
 */

import type { paths } from './api.gen.ts';

type Method = 'get' | 'post' | 'delete';
interface JsonContent {
  content: { 'application/json': unknown };
}
/** One operation of the generated `paths`: `Op<'/api/v1/incidents'>` is its GET. */
type Op<P extends keyof paths, M extends Method = 'get'> = NonNullable<paths[P][M]>;
/** The JSON body of an operation's response with status `S` (it must be declared, with a JSON schema). */
type Ok<
  O extends { responses: { [K in S]: JsonContent } },
  S extends 200 | 201 = 200,
> = O['responses'][S]['content']['application/json'];
/** The JSON request body of an operation. */
type Body<O extends { requestBody?: JsonContent }> = NonNullable<
  O['requestBody']
>['content']['application/json'];
/** The query parameters of an operation. */
type Query<O extends { parameters: { query?: object } }> = NonNullable<O['parameters']['query']>;

export type SessionResponse = Ok<Op<'/api/v1/auth/session'>>;
export type Me = SessionResponse['user'];
export type Role = Me['role'];
export type Providers = Ok<Op<'/api/v1/auth/providers'>>;
type LoginOp = Op<'/api/v1/auth/login', 'post'>;

export type IncidentPage = Ok<Op<'/api/v1/incidents'>>;
export type IncidentFilters = Query<Op<'/api/v1/incidents'>>;
export type Incident = IncidentPage['incidents'][number];
export type Tier = Incident['tier'];
export type IncidentState = Incident['state'];

export const TIERS: readonly Tier[] = ['T1', 'T2', 'T3'];
export const STATES: readonly IncidentState[] = ['triggered', 'acknowledged', 'resolved'];

export type IncidentDetail = Ok<Op<'/api/v1/incidents/{id}'>>;
export type Alert = IncidentDetail['alerts'][number];
export type TimelineEvent = IncidentDetail['timeline'][number];
export type Notification = IncidentDetail['notifications'][number];
export type Escalation = NonNullable<IncidentDetail['escalation']>;
export type IncidentContext = IncidentDetail['context'];
export type Change = IncidentDetail['changes'][number];
type IncidentAction = Ok<Op<'/api/v1/incidents/{id}/acknowledge', 'post'>>;
type NoteOp = Op<'/api/v1/incidents/{id}/notes', 'post'>;

export type Schedule = Ok<Op<'/api/v1/schedules'>>['schedules'][number];
type Shifts = Ok<Op<'/api/v1/schedules/{id}/shifts'>>;
export type Shift = Shifts['shifts'][number];
type OverridesOp = Op<'/api/v1/schedules/{id}/overrides', 'post'>;
export type Override = Ok<OverridesOp, 201>['override'];
type OnCall = Ok<Op<'/api/v1/oncall'>>;

export type MaintenanceWindow = Ok<Op<'/api/v1/maintenance'>>['windows'][number];
type MaintenanceOp = Op<'/api/v1/maintenance', 'post'>;
export type Service = Ok<Op<'/api/v1/services'>>['services'][number];
export type Team = Ok<Op<'/api/v1/teams'>>['teams'][number];
export type User = Ok<Op<'/api/v1/users'>>['users'][number];

export type Analytics = Ok<Op<'/api/v1/analytics'>>;
export type Figures = Analytics['total'];
export type WeekPages = Analytics['pagesPerWeek'][number];

/*
 * Escalation policies stay hand-written: GET /api/v1/escalation-policies declares no response schema in
 * docs/openapi.json (the route returns the config's policies plus `now` and `tiers`), so there is nothing
 * to generate them from. These mirror `escalationPolicies` in docs/config.schema.json.
 */
export type Target = { schedule: string } | { user: string } | { team: string };

export interface PolicyStep {
  targets: Target[];
  /** Minutes before the next step (the engine sends `escalateAfterMinutes`; older drafts `delayMinutes`). */
  escalateAfterMinutes?: number;
  delayMinutes?: number;
  now?: string[];
}

export interface Policy {
  id: string;
  name: string;
  repeat: number;
  steps: PolicyStep[];
  tiers: Tier[];
}

/** This person's browsers enabled for push, and the engine's VAPID key (null: no Web Push provider). */
export type Devices = Ok<Op<'/api/v1/me/devices'>>;
export type Device = Devices['devices'][number];
type AddDeviceOp = Op<'/api/v1/me/devices', 'post'>;
/** A browser's push subscription, as `PushSubscription.toJSON()` gives it. */
export type SubscriptionJson = Body<AddDeviceOp>['subscription'];

/** Where an override came from: made directly, or by a cover, a swap or a temporary schedule. */
export type OverrideSource = Override['source'];

type RequestsOp = Op<'/api/v1/schedules/{id}/requests'>;
type NewRequestOp = Op<'/api/v1/schedules/{id}/requests', 'post'>;
export type ShiftRequest = Ok<RequestsOp>['requests'][number];
export type NewShiftRequest = Body<NewRequestOp>;
export type RequestAction = 'accept' | 'decline' | 'cancel';

type TemporaryOp = Op<'/api/v1/schedules/{id}/temporary', 'post'>;
export type TemporarySchedule = Ok<Op<'/api/v1/schedules/{id}/temporary'>>['temporarySchedules'][number];
export type NewTemporarySchedule = Body<TemporaryOp>;

/* Advisories (issue 23): T3 incidents and their review, with their measures in the analytics. */
type AdvisoriesOp = Op<'/api/v1/advisories'>;
type ReviewOp = Op<'/api/v1/advisories/review', 'post'>;
export type AdvisoryPage = Ok<AdvisoriesOp>;
export type AdvisoryFilters = Query<AdvisoriesOp>;
export type Advisory = AdvisoryPage['advisories'][number];
export type AdvisoryState = Advisory['state'];
export type PromoteTier = NonNullable<Advisory['promotedTo']>;
export type ReviewRequest = Body<ReviewOp>;
export type ReviewAction = ReviewRequest['action'];
export type ReviewResult = Ok<ReviewOp>['results'][number];
export type AdvisoryMeasures = Analytics['advisories'];

export const ADVISORY_STATES: readonly AdvisoryState[] = ['unreviewed', 'reviewed', 'dismissed', 'promoted'];

/** An API failure: `message` is the API's own `error.message`, fit to show to a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The app installs this once: called on any 401 except the session probe's. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** Where the login page sends the browser back to: only same-origin paths. */
export function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/')) return '/';
  // Resolve it as the browser would: anything that lands on another origin (`//evil`, `/\\evil`,
  // `/.//evil` after normalising) goes home instead.
  const base = 'http://klaxon.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== base || path.startsWith('//') || path.startsWith('/login')) return '/';
  return path;
}

export function loginPath(returnTo: string): string {
  return `/login?returnTo=${encodeURIComponent(safeReturnTo(returnTo))}`;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Leave 401 to the caller instead of redirecting to the login page. */
  quiet401?: boolean;
  signal?: AbortSignal;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `${res.status} ${res.statusText || 'request failed'}`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(res.status, code, message);
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the Klaxon server. Check your connection.');
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401 && !options.quiet401) onUnauthorized?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  // A 202 may come without a body.
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const api = {
  providers: () => request<Providers>('/api/v1/auth/providers', { quiet401: true }),
  async session(): Promise<SessionResponse> {
    const s = await request<SessionResponse>('/api/v1/auth/session', { quiet401: true });
    csrfToken = s.csrfToken;
    return s;
  },
  async login(username: string, password: string): Promise<SessionResponse> {
    const s = await request<SessionResponse>('/api/v1/auth/login', {
      method: 'POST',
      body: { username, password } satisfies Body<LoginOp>,
      quiet401: true,
    });
    csrfToken = s.csrfToken;
    return s;
  },
  async logout(): Promise<void> {
    try {
      await request<void>('/api/v1/auth/logout', { method: 'POST', quiet401: true });
    } finally {
      csrfToken = null;
    }
  },

  incidents: (filters: IncidentFilters, signal?: AbortSignal) =>
    request<IncidentPage>(`/api/v1/incidents${query({ limit: 50, ...filters })}`, signal ? { signal } : {}),
  incident: (id: string | number, signal?: AbortSignal) =>
    request<IncidentDetail>(`/api/v1/incidents/${enc(String(id))}`, signal ? { signal } : {}),
  acknowledge: (id: number) =>
    request<IncidentAction>(`/api/v1/incidents/${id}/acknowledge`, { method: 'POST', body: {} }),
  resolve: (id: number) =>
    request<IncidentAction>(`/api/v1/incidents/${id}/resolve`, { method: 'POST', body: {} }),
  escalate: (id: number) =>
    request<IncidentAction>(`/api/v1/incidents/${id}/escalate`, { method: 'POST', body: {} }),
  addNote: (id: number, text: string) =>
    request<Ok<NoteOp, 201>>(`/api/v1/incidents/${id}/notes`, {
      method: 'POST',
      body: { text } satisfies Body<NoteOp>,
    }),

  schedules: () => request<Ok<Op<'/api/v1/schedules'>>>('/api/v1/schedules'),
  shifts: (schedule: string, from: string, to: string) =>
    request<Shifts>(`/api/v1/schedules/${enc(schedule)}/shifts${query({ from, to })}`),
  overrides: (schedule: string, from: string, to: string) =>
    request<Ok<Op<'/api/v1/schedules/{id}/overrides'>>>(
      `/api/v1/schedules/${enc(schedule)}/overrides${query({ from, to })}`,
    ),
  createOverride: (schedule: string, body: Body<OverridesOp>) =>
    request<Ok<OverridesOp, 201>>(`/api/v1/schedules/${enc(schedule)}/overrides`, { method: 'POST', body }),
  deleteOverride: (schedule: string, id: number | string) =>
    request<void>(`/api/v1/schedules/${enc(schedule)}/overrides/${enc(String(id))}`, { method: 'DELETE' }),
  oncall: () => request<OnCall>('/api/v1/oncall'),
  shiftRequests: (schedule: string, state: 'open' | 'all' = 'open') =>
    request<Ok<RequestsOp>>(`/api/v1/schedules/${enc(schedule)}/requests${query({ state })}`),
  createShiftRequest: (schedule: string, body: NewShiftRequest) =>
    request<Ok<NewRequestOp, 201>>(`/api/v1/schedules/${enc(schedule)}/requests`, { method: 'POST', body }),
  actOnShiftRequest: (schedule: string, id: number, action: RequestAction) =>
    request<unknown>(`/api/v1/schedules/${enc(schedule)}/requests/${id}/${action}`, {
      method: 'POST',
      body: {},
    }),
  temporarySchedules: (schedule: string) =>
    request<Ok<Op<'/api/v1/schedules/{id}/temporary'>>>(`/api/v1/schedules/${enc(schedule)}/temporary`),
  createTemporarySchedule: (schedule: string, body: NewTemporarySchedule) =>
    request<Ok<TemporaryOp, 201>>(`/api/v1/schedules/${enc(schedule)}/temporary`, { method: 'POST', body }),
  deleteTemporarySchedule: (schedule: string, id: number) =>
    request<void>(`/api/v1/schedules/${enc(schedule)}/temporary/${id}`, { method: 'DELETE' }),

  policies: () => request<{ policies: Policy[] }>('/api/v1/escalation-policies'),

  services: () => request<Ok<Op<'/api/v1/services'>>>('/api/v1/services'),
  teams: () => request<Ok<Op<'/api/v1/teams'>>>('/api/v1/teams'),
  users: () => request<Ok<Op<'/api/v1/users'>>>('/api/v1/users'),
  maintenance: () => request<Ok<Op<'/api/v1/maintenance'>>>('/api/v1/maintenance'),
  startMaintenance: (body: Body<MaintenanceOp>) =>
    request<Ok<MaintenanceOp, 201>>('/api/v1/maintenance', { method: 'POST', body }),
  endMaintenance: (id: number | string) =>
    request<void>(`/api/v1/maintenance/${enc(String(id))}`, { method: 'DELETE' }),

  devices: () => request<Devices>('/api/v1/me/devices'),
  addDevice: (name: string, subscription: SubscriptionJson) =>
    request<Ok<AddDeviceOp, 201>>('/api/v1/me/devices', {
      method: 'POST',
      body: { name, subscription } satisfies Body<AddDeviceOp>,
    }),
  removeDevice: (id: number) => request<void>(`/api/v1/me/devices/${id}`, { method: 'DELETE' }),
  testDevice: (id: number) => request<unknown>(`/api/v1/me/devices/${id}/test`, { method: 'POST', body: {} }),

  analytics: (from: string, to: string) => request<Analytics>(`/api/v1/analytics${query({ from, to })}`),

  advisories: (filters: AdvisoryFilters, signal?: AbortSignal) =>
    request<AdvisoryPage>(`/api/v1/advisories${query({ limit: 50, ...filters })}`, signal ? { signal } : {}),
  reviewAdvisories: (body: ReviewRequest) =>
    request<Ok<ReviewOp>>('/api/v1/advisories/review', { method: 'POST', body }),
};

/** The message to show for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
