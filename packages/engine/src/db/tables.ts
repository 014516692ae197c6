/**
 * The database tables as Kysely sees them. Times are epoch milliseconds (bigint in PostgreSQL, read
 * back as numbers); JSON columns hold text so both dialects store the same bytes.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AdvisoriesTable, AdvisoryDigestsTable, HolidayCalendarsTable } from './advisory-tables.ts';

export type {
  AdvisoriesTable,
  AdvisoryDigestsTable,
  AdvisoryDigestRow,
  AdvisoryRow,
  HolidayCalendarRow,
  HolidayCalendarsTable,
} from './advisory-tables.ts';

export type IncidentState = 'triggered' | 'acknowledged' | 'resolved';
export type AlertStatus = 'firing' | 'resolved';

export interface IncidentsTable {
  id: Generated<number>;
  service_id: string;
  /**
   * `<service>/<integration>/<group key>` (or `legacy:<source>/<service>/<group key>`, from before migration
   * 0007): alerts of one group from one integration share an open incident.
   */
  group_ref: string;
  tier: string;
  state: IncidentState;
  title: string;
  source: string;
  created_at: number;
  updated_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  reopen_count: ColumnType<number, number | undefined, number>;
}

export interface AlertsTable {
  id: Generated<number>;
  /**
   * `<service>/<integration>/<dedup key>` (or `legacy:<source>/<service>/<dedup key>`, from before migration
   * 0007): the identity an alert is de-duplicated on. See incidents/keys.ts.
   */
  alert_key: string;
  service_id: string;
  dedup_key: string;
  incident_id: number | null;
  source: string;
  status: AlertStatus;
  tier: string;
  summary: string;
  labels: string;
  annotations: string;
  details: string;
  generator_url: string | null;
  starts_at: number | null;
  ends_at: number | null;
  first_seen_at: number;
  last_seen_at: number;
  fire_count: number;
}

export interface IncidentEventsTable {
  id: Generated<number>;
  incident_id: number;
  at: number;
  kind: string;
  actor: string | null;
  message: string;
  data: string;
}

export type EscalationState = 'active' | 'waiting_ack' | 'done' | 'canceled';

/** One row per paging incident: where its escalation is and when the next step is due. */
export interface EscalationsTable {
  incident_id: number;
  policy_id: string;
  urgency: string;
  step_index: number;
  cycle: number;
  /** When the next step fires; null once finished. */
  next_at: number | null;
  state: EscalationState;
  started_at: number;
  updated_at: number;
}

export type NotificationStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'canceled';

/** A message to one person through one channel, due at a time. Issue 4's pipeline delivers them. */
export interface NotificationsTable {
  id: Generated<number>;
  incident_id: number | null;
  kind: string;
  user_id: string;
  channel: string;
  address: string;
  urgency: string;
  step_index: number | null;
  due_at: number;
  status: NotificationStatus;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  /** JSON: what the message is about beyond the incident (e.g. a handoff's schedule and shift). */
  detail: ColumnType<string, string | undefined, string>;
  /** The provider that delivered it, and that provider's ids for it (Twilio SID, Slack channel + ts). */
  provider: ColumnType<string | null, string | null | undefined, string | null>;
  provider_id: ColumnType<string | null, string | null | undefined, string | null>;
  provider_ref: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** Due → provider accepted, in ms. */
  latency_ms: ColumnType<number | null, number | null | undefined, number | null>;
  /** For an update (Slack edit, PagerDuty ack/resolve): the notification it follows up. */
  parent_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export interface ScheduleOverridesTable {
  id: Generated<number>;
  schedule_id: string;
  user_id: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  created_at: number;
  /** `api` (an override made directly), `cover`, `swap` or `temporary`. */
  source: ColumnType<string, string | undefined, string>;
  /** The shift request or temporary schedule the override belongs to, for the sources other than `api`. */
  source_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A change to a schedule (an override added or removed), with who made it: the schedule's timeline. */
export interface ScheduleEventsTable {
  id: Generated<number>;
  schedule_id: string;
  at: number;
  /** `override.created`, `override.deleted`. */
  kind: string;
  actor: string;
  message: string;
  /** JSON: the override as it was. */
  data: string;
}

export interface MaintenanceWindowsTable {
  id: Generated<number>;
  service_id: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

export interface HeartbeatsTable {
  name: string;
  last_seen_at: number;
}

export interface HandoffNoticesTable {
  schedule_id: string;
  shift_start: number;
  user_id: string;
  created_at: number;
}

/** A deployment: from the API, a GitHub `deployment_status` webhook or an Argo CD notification. */
export interface DeploymentsTable {
  id: Generated<number>;
  service_id: string;
  version: string;
  environment: string;
  author: string | null;
  url: string | null;
  description: string | null;
  /** `api`, `github` or `argocd`. */
  source: string;
  /** The commit deployed, when known. */
  revision: string | null;
  /** The sender's id for it (GitHub deployment status id, Argo CD app + revision): redeliveries are no-ops. */
  external_id: string | null;
  deployed_at: number;
  /** The API token that posted it. */
  created_by: string;
  created_at: number;
}

export type AnnotationStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * One Grafana annotation as Klaxon wants it (`body`: time, timeEnd, text, tags), and how far pushing it
 * has got. A change (an incident resolving) rewrites `body` and bumps `version`; the `annotations` module
 * creates it (POST) while `grafana_id` is null and patches it after.
 */
export interface GrafanaAnnotationsTable {
  id: Generated<number>;
  /** What it annotates: `deployment:<id>`, `incident:<id>:<reopen count>`, `incident:<id>:ack:<ms>`. */
  ref: string;
  body: string;
  version: ColumnType<number, number | undefined, number>;
  status: AnnotationStatus;
  due_at: number;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  grafana_id: ColumnType<number | null, number | null | undefined, number | null>;
  sent_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export type SessionVia = 'password' | 'oidc';

/** A signed-in browser. `id` is the SHA-256 of the cookie value, so a database reader cannot sign in. */
export interface SessionsTable {
  id: string;
  user_id: string;
  via: SessionVia;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  /** Password sessions: a short fingerprint of the password hash signed in with (auth/sessions.ts). */
  password_fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A sign-in started at the OIDC provider, finished by the callback on any replica. */
export interface OidcLoginsTable {
  /** SHA-256 of the `state` parameter. */
  id: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  created_at: number;
  expires_at: number;
}

/**
 * A signed inbound request (Slack interaction, Twilio reply) already accepted: `id` is
 * `<source>:<SHA-256 of its signature>`, so the same request sent again is refused until `expires_at`.
 */
export interface InboundRequestsTable {
  id: string;
  received_at: number;
  expires_at: number;
}

/** A key the engine made for itself (the action links' HMAC key), shared by every replica. */
export interface SigningKeysTable {
  name: string;
  secret: string;
  created_at: number;
}

/**
 * A signed, single-use, expiring link that acts on one incident as one person (`/a/<incident>/<token>`):
 * the token is `<id>.<HMAC>`; `used_at` is set once, by the request that acted.
 */
export interface ActionLinksTable {
  id: string;
  incident_id: number;
  user_id: string;
  /** `acknowledge` or `resolve`. */
  action: string;
  /** The channel whose message carried the link (sms, email, push …): the actor is `<channel>:<user>`. */
  channel: string;
  notification_id: number | null;
  created_at: number;
  expires_at: number;
  used_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** What using it did, in a sentence. */
  result: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A browser's Web Push subscription, registered by its signed-in owner (one row per device). */
export interface PushDevicesTable {
  id: Generated<number>;
  user_id: string;
  name: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
  last_used_at: ColumnType<number | null, number | null | undefined, number | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A person's request for someone to cover part of their shift, or to swap shifts with one person. */
export interface ShiftRequestsTable {
  id: Generated<number>;
  schedule_id: string;
  /** `cover` or `swap`. */
  kind: string;
  /** `open`, `accepted`, `declined`, `canceled` or `expired`. */
  state: string;
  requester: string;
  /** The requester's range to hand over. */
  starts_at: number;
  ends_at: number;
  /** For a swap: the person asked. For a cover: null (anyone on the schedule may take it). */
  counterpart: string | null;
  /** For a swap: the counterpart's range the requester takes in exchange. */
  swap_starts_at: number | null;
  swap_ends_at: number | null;
  note: ColumnType<string, string | undefined, string>;
  expires_at: number;
  /** When the "still unfilled" warning went out (once). */
  warned_at: ColumnType<number | null, number | null | undefined, number | null>;
  resolved_by: ColumnType<string | null, string | null | undefined, string | null>;
  resolved_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

/** A temporary schedule: for [starts_at, ends_at) its shifts (overrides with this source) replace the schedule. */
export interface TemporarySchedulesTable {
  id: Generated<number>;
  schedule_id: string;
  name: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  created_at: number;
}

export interface Database {
  advisories: AdvisoriesTable;
  advisory_digests: AdvisoryDigestsTable;
  holiday_calendars: HolidayCalendarsTable;
  deployments: DeploymentsTable;
  grafana_annotations: GrafanaAnnotationsTable;
  incidents: IncidentsTable;
  alerts: AlertsTable;
  incident_events: IncidentEventsTable;
  escalations: EscalationsTable;
  notifications: NotificationsTable;
  schedule_overrides: ScheduleOverridesTable;
  schedule_events: ScheduleEventsTable;
  maintenance_windows: MaintenanceWindowsTable;
  heartbeats: HeartbeatsTable;
  handoff_notices: HandoffNoticesTable;
  sessions: SessionsTable;
  oidc_logins: OidcLoginsTable;
  inbound_requests: InboundRequestsTable;
  signing_keys: SigningKeysTable;
  action_links: ActionLinksTable;
  push_devices: PushDevicesTable;
  shift_requests: ShiftRequestsTable;
  temporary_schedules: TemporarySchedulesTable;
}

export type EscalationRow = Selectable<EscalationsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotificationRow = Insertable<NotificationsTable>;

export type IncidentRow = Selectable<IncidentsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type NewAlertRow = Insertable<AlertsTable>;
export type IncidentEventRow = Selectable<IncidentEventsTable>;
export type NewIncidentEventRow = Insertable<IncidentEventsTable>;
export type DeploymentRow = Selectable<DeploymentsTable>;
export type NewDeploymentRow = Insertable<DeploymentsTable>;
export type GrafanaAnnotationRow = Selectable<GrafanaAnnotationsTable>;
export type SessionRow = Selectable<SessionsTable>;
