/**
 * Schema migrations, one list for both dialects. The only dialect difference is how an
 * auto-incrementing id is spelled, which `idColumn` hides.
 *
 * Over 400 lines: it is the one ordered history of the schema, which only grows; splitting it by table
 * would scatter that order across files.
 */
import {
  sql,
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from 'kysely';
import type { Dialect } from './database.ts';

type AnyDb = Kysely<unknown>;

function migrations(dialect: Dialect): Record<string, Migration> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  const id = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_incidents_alerts_events': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('incidents')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('group_ref', 'text', (c) => c.notNull())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .addColumn('acknowledged_at', ms)
          .addColumn('acknowledged_by', 'text')
          .addColumn('resolved_at', ms)
          .addColumn('resolved_by', 'text')
          .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // At most one open incident per alert group; concurrent writers collide here, never silently.
        await db.schema
          .createIndex('incidents_open_group')
          .on('incidents')
          .column('group_ref')
          .unique()
          .where(sql.ref('state'), '<>', 'resolved')
          .execute();
        await db.schema
          .createIndex('incidents_group_recent')
          .on('incidents')
          .columns(['group_ref', 'id'])
          .execute();
        await db.schema
          .createIndex('incidents_state_tier')
          .on('incidents')
          .columns(['state', 'tier', 'id'])
          .execute();
        await db.schema
          .createIndex('incidents_service')
          .on('incidents')
          .columns(['service_id', 'id'])
          .execute();

        await db.schema
          .createTable('alerts')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('alert_key', 'text', (c) => c.notNull().unique())
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('dedup_key', 'text', (c) => c.notNull())
          .addColumn('incident_id', ms)
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('annotations', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('generator_url', 'text')
          .addColumn('starts_at', ms)
          .addColumn('ends_at', ms)
          .addColumn('first_seen_at', ms, (c) => c.notNull())
          .addColumn('last_seen_at', ms, (c) => c.notNull())
          .addColumn('fire_count', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('alerts_incident')
          .on('alerts')
          .columns(['incident_id', 'status'])
          .execute();

        await db.schema
          .createTable('incident_events')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('incident_id', ms, (c) => c.notNull())
          .addColumn('at', ms, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('incident_events_incident')
          .on('incident_events')
          .columns(['incident_id', 'id'])
          .execute();
      },
    },
    '0002_oncall_escalation': {
      async up(db: AnyDb) {
        const pk = (c: ColumnDefinitionBuilder) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
        await db.schema
          .createTable('escalations')
          .addColumn('incident_id', ms, (c) => c.primaryKey())
          .addColumn('policy_id', 'text', (c) => c.notNull())
          .addColumn('urgency', 'text', (c) => c.notNull())
          .addColumn('step_index', 'integer', (c) => c.notNull())
          .addColumn('cycle', 'integer', (c) => c.notNull())
          .addColumn('next_at', ms)
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('started_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('escalations_due')
          .on('escalations')
          .columns(['next_at'])
          .where(sql.ref('next_at'), 'is not', null)
          .execute();

        await db.schema
          .createTable('notifications')
          .addColumn('id', id, pk)
          .addColumn('incident_id', ms)
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('urgency', 'text', (c) => c.notNull())
          .addColumn('step_index', 'integer')
          .addColumn('due_at', ms, (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('notifications_due')
          .on('notifications')
          .columns(['status', 'due_at'])
          .execute();
        await db.schema
          .createIndex('notifications_incident')
          .on('notifications')
          .columns(['incident_id', 'id'])
          .execute();

        await db.schema
          .createTable('schedule_overrides')
          .addColumn('id', id, pk)
          .addColumn('schedule_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('starts_at', ms, (c) => c.notNull())
          .addColumn('ends_at', ms, (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('schedule_overrides_range')
          .on('schedule_overrides')
          .columns(['schedule_id', 'ends_at'])
          .execute();

        await db.schema
          .createTable('maintenance_windows')
          .addColumn('id', id, pk)
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('starts_at', ms, (c) => c.notNull())
          .addColumn('ends_at', ms, (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('maintenance_windows_end')
          .on('maintenance_windows')
          .columns(['ends_at'])
          .execute();

        await db.schema
          .createTable('heartbeats')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('last_seen_at', ms, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('handoff_notices')
          .addColumn('schedule_id', 'text', (c) => c.notNull())
          .addColumn('shift_start', ms, (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addPrimaryKeyConstraint('handoff_notices_pk', ['schedule_id', 'shift_start'])
          .execute();
      },
    },
    '0003_delivery': {
      async up(db: AnyDb) {
        for (const [name, type] of [
          ['provider', 'text'],
          ['provider_id', 'text'],
          ['provider_ref', 'text'],
          ['sent_at', ms],
          ['latency_ms', 'integer'],
          ['parent_id', ms],
        ] as const) {
          await db.schema.alterTable('notifications').addColumn(name, type).execute();
        }
      },
    },
    '0004_deployments_annotations': {
      async up(db: AnyDb) {
        const pk = (c: ColumnDefinitionBuilder) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
        await db.schema
          .createTable('deployments')
          .addColumn('id', id, pk)
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('author', 'text')
          .addColumn('url', 'text')
          .addColumn('description', 'text')
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('revision', 'text')
          .addColumn('external_id', 'text')
          .addColumn('deployed_at', ms, (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('deployments_service_time')
          .on('deployments')
          .columns(['service_id', 'deployed_at'])
          .execute();
        await db.schema.createIndex('deployments_time').on('deployments').columns(['deployed_at']).execute();
        // A redelivered webhook (GitHub retries, Argo CD re-sends) records nothing twice. NULLs are distinct.
        await db.schema
          .createIndex('deployments_external')
          .on('deployments')
          .columns(['source', 'external_id'])
          .unique()
          .execute();

        await db.schema
          .createTable('grafana_annotations')
          .addColumn('id', id, pk)
          .addColumn('ref', 'text', (c) => c.notNull().unique())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('due_at', ms, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('grafana_id', ms)
          .addColumn('sent_at', ms)
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('grafana_annotations_due')
          .on('grafana_annotations')
          .columns(['status', 'due_at'])
          .execute();
      },
    },
    '0005_sessions': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('via', 'text', (c) => c.notNull())
          .addColumn('csrf_token', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('expires_at', ms, (c) => c.notNull())
          .addColumn('last_seen_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_expiry').on('sessions').columns(['expires_at']).execute();
        await db.schema
          .createTable('oidc_logins')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('code_verifier', 'text', (c) => c.notNull())
          .addColumn('nonce', 'text', (c) => c.notNull())
          .addColumn('return_to', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('expires_at', ms, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('oidc_logins_expiry').on('oidc_logins').columns(['expires_at']).execute();
      },
    },
    // The live feed (GET /api/v1/stream) asks for what changed since a time, twice a second.
    '0006_live_feed': {
      async up(db: AnyDb) {
        await db.schema.createIndex('incidents_updated').on('incidents').columns(['updated_at']).execute();
        await db.schema.createIndex('incident_events_at').on('incident_events').columns(['at']).execute();
        await db.schema
          .createIndex('notifications_updated')
          .on('notifications')
          .columns(['updated_at'])
          .execute();
      },
    },
    // Alerts belong to the integration that sent them (incidents/keys.ts): keys became
    // `<service>/<integration>/<key>`. Old rows say their source but not which key of that source sent them,
    // and the config is not ours to read here, so they move aside to `legacy:<source>/<old key>`, a form
    // no new key takes. An alert firing at the upgrade is still matched, and resolved, by the alerts of its
    // source with its key, and an incident open (or recently resolved) then is still joined (or re-opened)
    // by its group; once resolved, that alert's next report is a new alert of its own integration.
    '0007_alert_integration': {
      async up(db: AnyDb) {
        await sql`update alerts set alert_key = 'legacy:' || source || '/' || alert_key`.execute(db);
        await sql`update incidents set group_ref = 'legacy:' || source || '/' || group_ref`.execute(db);
      },
    },
    // Signed inbound requests (Slack buttons, Twilio replies) already acted on, so a replay is refused; and
    // the password a session was opened with, so changing it ends the session.
    '0008_inbound_replay_sessions': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('inbound_requests')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('received_at', ms, (c) => c.notNull())
          .addColumn('expires_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('inbound_requests_expiry')
          .on('inbound_requests')
          .columns(['expires_at'])
          .execute();
        await db.schema.alterTable('sessions').addColumn('password_fingerprint', 'text').execute();
      },
    },
    // Who changed a schedule's overrides, and when (GET /api/v1/schedules/:id/events).
    '0009_schedule_events': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('schedule_events')
          .addColumn('id', id, (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('schedule_id', 'text', (c) => c.notNull())
          .addColumn('at', ms, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
          .execute();
        await db.schema
          .createIndex('schedule_events_schedule')
          .on('schedule_events')
          .columns(['schedule_id', 'id'])
          .execute();
      },
    },
    // The responder's phone and calendar: signed one-tap action links, the browsers' push subscriptions,
    // cover and swap requests, temporary schedules, and where each override came from.
    '0010_responder_self_service': {
      async up(db: AnyDb) {
        const autoId = (c: ColumnDefinitionBuilder) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
        await db.schema
          .createTable('signing_keys')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('action_links')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('incident_id', ms, (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('notification_id', ms)
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('expires_at', ms, (c) => c.notNull())
          .addColumn('used_at', ms)
          .addColumn('result', 'text')
          .execute();
        await db.schema
          .createIndex('action_links_notification')
          .on('action_links')
          .columns(['notification_id', 'action'])
          .execute();
        await db.schema
          .createIndex('action_links_expiry')
          .on('action_links')
          .columns(['expires_at'])
          .execute();
        await db.schema
          .createTable('push_devices')
          .addColumn('id', id, autoId)
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('endpoint', 'text', (c) => c.notNull().unique())
          .addColumn('p256dh', 'text', (c) => c.notNull())
          .addColumn('auth', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('last_used_at', ms)
          .addColumn('last_error', 'text')
          .execute();
        await db.schema.createIndex('push_devices_user').on('push_devices').columns(['user_id']).execute();
        await db.schema
          .createTable('shift_requests')
          .addColumn('id', id, autoId)
          .addColumn('schedule_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('starts_at', ms, (c) => c.notNull())
          .addColumn('ends_at', ms, (c) => c.notNull())
          .addColumn('counterpart', 'text')
          .addColumn('swap_starts_at', ms)
          .addColumn('swap_ends_at', ms)
          .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('expires_at', ms, (c) => c.notNull())
          .addColumn('warned_at', ms)
          .addColumn('resolved_by', 'text')
          .addColumn('resolved_at', ms)
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('shift_requests_schedule')
          .on('shift_requests')
          .columns(['schedule_id', 'state'])
          .execute();
        await db.schema
          .createIndex('shift_requests_due')
          .on('shift_requests')
          .columns(['state', 'expires_at'])
          .execute();
        await db.schema
          .createTable('temporary_schedules')
          .addColumn('id', id, autoId)
          .addColumn('schedule_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('starts_at', ms, (c) => c.notNull())
          .addColumn('ends_at', ms, (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('temporary_schedules_range')
          .on('temporary_schedules')
          .columns(['schedule_id', 'ends_at'])
          .execute();
        await db.schema
          .alterTable('schedule_overrides')
          .addColumn('source', 'text', (c) => c.notNull().defaultTo('api'))
          .execute();
        await db.schema.alterTable('schedule_overrides').addColumn('source_id', ms).execute();
      },
    },
    '0011_history_indexes': {
      // Issue 22: the reads that a year of history made slow (EXPLAIN QUERY PLAN on the history bench's
      // file): analytics over a range of incidents and of alerts (both covering: index-only reads; the
      // alerts one is also retention's scan by age), and pages sent.
      async up(db: AnyDb) {
        await db.schema
          .createIndex('history_incidents_created')
          .on('incidents')
          .columns(['created_at', 'tier', 'service_id', 'acknowledged_at', 'resolved_at'])
          .execute();
        await db.schema
          .createIndex('history_alerts_first_seen')
          .on('alerts')
          .columns(['first_seen_at', 'tier', 'service_id', 'source'])
          .execute();
        await db.schema
          .createIndex('history_notifications_sent')
          .on('notifications')
          .columns(['sent_at'])
          .where(sql.ref('sent_at'), 'is not', null)
          .execute();
      },
    },
    '0012_advisories': {
      // Issue 23: the review state of each T3 incident (advisories/), the daily digest sent once per
      // team and local day (its primary key is the "once"), and the holiday calendars read from iCal
      // URLs (holidays/).
      async up(db: AnyDb) {
        await db.schema
          .createTable('advisories')
          .addColumn('incident_id', ms, (c) => c.primaryKey())
          .addColumn('team_id', 'text', (c) => c.notNull())
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('alert_name', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('opened_at', ms, (c) => c.notNull())
          .addColumn('deadline_at', ms, (c) => c.notNull())
          .addColumn('deadline_notified_at', ms)
          .addColumn('decided_at', ms)
          .addColumn('decided_by', 'text')
          .addColumn('note', 'text')
          .addColumn('reason', 'text')
          .addColumn('promoted_to', 'text')
          .addColumn('created_at', ms, (c) => c.notNull())
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('advisories_team_opened')
          .on('advisories')
          .columns(['team_id', 'opened_at'])
          .execute();
        await db.schema
          // The deadline module's scan, every cycle: unreviewed, not yet notified, by deadline (rows
          // already notified and still unreviewed accumulate; they stay out of its range).
          .createIndex('advisories_state_deadline')
          .on('advisories')
          .columns(['state', 'deadline_notified_at', 'deadline_at'])
          .execute();
        await db.schema
          .createTable('advisory_digests')
          .addColumn('team_id', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('due_at', ms, (c) => c.notNull())
          .addColumn('sent_at', ms, (c) => c.notNull())
          .addColumn('covered_from', ms, (c) => c.notNull())
          .addColumn('covered_until', ms, (c) => c.notNull())
          .addColumn('advisories', 'integer', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull().defaultTo('{}'))
          .addPrimaryKeyConstraint('advisory_digests_pk', ['team_id', 'day'])
          .execute();
        await db.schema
          .createTable('holiday_calendars')
          .addColumn('team_id', 'text', (c) => c.primaryKey())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('dates', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('fetched_at', ms)
          .addColumn('error', 'text')
          .addColumn('error_at', ms)
          .addColumn('updated_at', ms, (c) => c.notNull())
          .execute();
      },
    },
  };
}

/** The names of every migration this engine knows, in the order they run. */
export function migrationNames(dialect: Dialect): string[] {
  return Object.keys(migrations(dialect)).sort();
}

/**
 * Brings the schema up to date. Safe to call from several processes at once on PostgreSQL: Kysely's
 * Migrator holds a session advisory lock (`pg_advisory_lock`) on one connection while it reads what has
 * run and runs the rest in one transaction, so replicas starting together migrate once.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await migrate(db, dialect, (migrator) => migrator.migrateToLatest());
}

/** Brings the schema up to migration `name` and no further: tests of a migration start before it. */
export async function migrateTo(db: Kysely<unknown>, dialect: Dialect, name: string): Promise<void> {
  await migrate(db, dialect, (migrator) => migrator.migrateTo(name));
}

async function migrate(
  db: Kysely<unknown>,
  dialect: Dialect,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations(dialect)) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await run(migrator);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
}
