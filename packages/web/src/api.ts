/**
 * The typed API client: same-origin JSON over fetch with the session cookie, the CSRF token (kept in memory
 * only) on unsafe methods, errors carrying the API's `error.message`, and 401 sending the browser to the
 * login page with a way back.
 */

export type Tier = 'T1' | 'T2' | 'T3';
export type IncidentState = 'triggered' | 'acknowledged' | 'resolved';
export type Role = 'viewer' | 'responder' | 'admin';

export const TIERS: readonly Tier[] = ['T1', 'T2', 'T3'];
export const STATES: readonly IncidentState[] = ['triggered', 'acknowledged', 'resolved'];

export interface Me {
  id: string;
  name: string;
  role: Role;
  teams: string[];
  via: 'password' | 'oidc';
}

export interface SessionResponse {
  user: Me;
  csrfToken: string;
}

export interface Providers {
  password: boolean;
  oidc: { name: string } | null;
}

export interface Incident {
  id: number;
  service: string;
  tier: Tier;
  state: IncidentState;
  title: string;
  source: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  reopenCount: number;
}

export interface IncidentPage {
  incidents: Incident[];
  nextBefore: number | null;
}

export interface Alert {
  id: number;
  dedupKey: string;
  status: 'firing' | 'resolved';
  tier: string;
  source: string;
  summary: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  details: Record<string, unknown>;
  generatorUrl: string | null;
  startsAt: string | null;
  endsAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  fireCount: number;
}

export interface TimelineEvent {
  id: number;
  at: string;
  kind: string;
  actor: string | null;
  message: string;
  data: Record<string, unknown>;
}

export interface Notification {
  id: number;
  user: string;
  channel: string;
  address: string;
  urgency: string;
  step: number | null;
  dueAt: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

export interface Escalation {
  policy: string;
  state: string;
  step: number;
  cycle: number;
  nextAt: string | null;
}

export interface IncidentContext {
  dashboardUrl: string | null;
  logsUrl: string | null;
  runbookUrl: string | null;
  silenceUrl: string | null;
  incidentUrl: string | null;
  generatorUrl: string | null;
  window: { from: string; to: string };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: string | null;
}

export interface Change {
  id: number;
  service: string;
  version: string;
  environment: string;
  author: string | null;
  url: string | null;
  description: string | null;
  source: 'api' | 'github' | 'argocd';
  revision: string | null;
  deployedAt: string;
  createdBy: string;
  createdAt: string;
  relation: 'service' | 'dependency';
  minutesBefore: number;
}

export interface IncidentDetail {
  incident: Incident;
  alerts: Alert[];
  timeline: TimelineEvent[];
  notifications: Notification[];
  escalation: Escalation | null;
  context: IncidentContext;
  changes: Change[];
}

export interface Schedule {
  id: string;
  name: string;
  timezone: string;
  onCall: string | null;
  nextHandoff: { user: string | null; start: string; end: string } | null;
}

export interface Shift {
  user: string | null;
  start: string;
  end: string;
}

export interface Override {
  id: number | string;
  schedule: string;
  user: string;
  from: string;
  to: string;
  createdBy: string;
}

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

export interface MaintenanceWindow {
  id: number | string;
  service: string;
  from: string;
  to: string;
  reason: string | null;
  createdBy: string;
}

export interface Service {
  id: string;
  name: string;
  team: string | null;
  description: string | null;
  defaultTier: Tier | null;
  dependsOn: string[];
  dashboardUrl: string | null;
  runbookUrl: string | null;
  maintenance: MaintenanceWindow | null;
  openIncidents: number;
}

export interface Team {
  id: string;
  name: string;
  members: string[];
  lead: string | null;
}

export interface User {
  id: string;
  name: string;
  timezone: string;
  teams: string[];
}

export interface Figures {
  incidents: number;
  alertsReceived: number;
  pagesSent: number;
  noiseRatio: number | null;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  t1AckedWithin5m: number | null;
}

export interface WeekPages {
  weekStart: string;
  T1: number;
  T2: number;
  T3: number;
}

export interface Analytics {
  from: string;
  to: string;
  total: Figures;
  byTier: Partial<Record<Tier, Figures>>;
  byService: Record<string, Figures>;
  offHoursPages: { user: string; pages: number }[];
  pagesPerWeek?: WeekPages[];
}

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
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/login')) return '/';
  return value;
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
  return (await res.json()) as T;
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
      body: { username, password },
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

  incidents: (
    filters: {
      state?: string;
      tier?: string;
      service?: string;
      team?: string;
      before?: number;
      limit?: number;
    },
    signal?: AbortSignal,
  ) =>
    request<IncidentPage>(`/api/v1/incidents${query({ limit: 50, ...filters })}`, signal ? { signal } : {}),
  incident: (id: string | number, signal?: AbortSignal) =>
    request<IncidentDetail>(`/api/v1/incidents/${enc(String(id))}`, signal ? { signal } : {}),
  acknowledge: (id: number) =>
    request<{ incident: Incident }>(`/api/v1/incidents/${id}/acknowledge`, { method: 'POST', body: {} }),
  resolve: (id: number) =>
    request<{ incident: Incident }>(`/api/v1/incidents/${id}/resolve`, { method: 'POST', body: {} }),
  escalate: (id: number) =>
    request<{ incident: Incident }>(`/api/v1/incidents/${id}/escalate`, { method: 'POST', body: {} }),
  addNote: (id: number, text: string) =>
    request<{ event: TimelineEvent }>(`/api/v1/incidents/${id}/notes`, { method: 'POST', body: { text } }),

  schedules: () => request<{ schedules: Schedule[] }>('/api/v1/schedules'),
  shifts: (schedule: string, from: string, to: string) =>
    request<{ schedule: string; from: string; to: string; shifts: Shift[] }>(
      `/api/v1/schedules/${enc(schedule)}/shifts${query({ from, to })}`,
    ),
  overrides: (schedule: string, from: string, to: string) =>
    request<{ overrides: Override[] }>(`/api/v1/schedules/${enc(schedule)}/overrides${query({ from, to })}`),
  createOverride: (schedule: string, body: { user: string; from: string; to: string }) =>
    request<{ override: Override }>(`/api/v1/schedules/${enc(schedule)}/overrides`, { method: 'POST', body }),
  deleteOverride: (schedule: string, id: number | string) =>
    request<void>(`/api/v1/schedules/${enc(schedule)}/overrides/${enc(String(id))}`, { method: 'DELETE' }),
  oncall: () =>
    request<{ at: string; oncall: { schedule: string; user: string | null }[] }>('/api/v1/oncall'),
  policies: () => request<{ policies: Policy[] }>('/api/v1/escalation-policies'),

  services: () => request<{ services: Service[] }>('/api/v1/services'),
  teams: () => request<{ teams: Team[] }>('/api/v1/teams'),
  users: () => request<{ users: User[] }>('/api/v1/users'),
  maintenance: () => request<{ windows: MaintenanceWindow[] }>('/api/v1/maintenance'),
  startMaintenance: (body: { service: string; to: string; reason?: string }) =>
    request<{ window: MaintenanceWindow }>('/api/v1/maintenance', { method: 'POST', body }),
  endMaintenance: (id: number | string) =>
    request<void>(`/api/v1/maintenance/${enc(String(id))}`, { method: 'DELETE' }),

  analytics: (from: string, to: string) => request<Analytics>(`/api/v1/analytics${query({ from, to })}`),
};

/** The message to show for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
