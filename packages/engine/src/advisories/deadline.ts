/**
 * The review deadline (issue 23), an engine module: every advisory still `unreviewed` at its
 * `deadline_at` (the end of the next business day after it opened) is marked `deadline_notified_at` by an
 * UPDATE that only changes rows not yet marked, so only the rows this pass changed go on (once across
 * replicas and restarts), and its team lead gets one low-urgency notice per pass listing them: by the
 * lead's Slack contact method if there is one, else by email; never a call, a text or a push (that would
 * be a page). A team with no lead, or a lead with neither, is logged; its rows are marked all the same.
 */
import { DateTime } from 'luxon';
import type { NewNotificationRow, NotificationRow } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { noticeRow, queueNotifications } from '../notifications/store.ts';
import { advisoriesUrl } from './digest-compose.ts';

const BATCH = 500;
/** Advisories named in one notice; the rest are counted. */
const MAX_LISTED = 20;

/** What the deadline reads of the config. */
export interface DeadlineConfig {
  server: { publicUrl?: string | undefined };
  businessHours: { timezone: string };
  teams: readonly {
    id: string;
    name: string;
    lead?: string | undefined;
    businessHours?: { timezone: string } | undefined;
  }[];
  users: readonly {
    id: string;
    email?: string | undefined;
    contactMethods: readonly { type: string; address: string }[];
  }[];
  services: readonly { id: string; name: string }[];
}

export interface DeadlineLogger {
  warn(obj: object, msg: string): void;
}

export interface DeadlineModuleDeps {
  config: DeadlineConfig;
  /** Hands the notices (written claimed) to delivery after the commit. */
  dispatch?: (rows: NotificationRow[]) => void;
  logger?: DeadlineLogger | undefined;
}

/** How a lead is told: their Slack contact method, else their email; null when they have neither. */
export function leadContact(
  config: DeadlineConfig,
  userId: string,
): { channel: 'slack' | 'email'; address: string } | null {
  const user = config.users.find((u) => u.id === userId);
  if (!user) return null;
  const slack = user.contactMethods.find((c) => c.type === 'slack');
  if (slack) return { channel: 'slack', address: slack.address };
  const email = user.contactMethods.find((c) => c.type === 'email')?.address ?? user.email;
  return email ? { channel: 'email', address: email } : null;
}

interface Overdue {
  incident_id: number;
  team_id: string;
  service_id: string;
  alert_name: string;
  opened_at: number;
  deadline_at: number;
}

/** The notice's words: the advisories past their deadline, oldest first. */
function noticeDetail(config: DeadlineConfig, teamId: string, rows: readonly Overdue[]): string {
  const team = config.teams.find((t) => t.id === teamId);
  const zone = team?.businessHours?.timezone ?? config.businessHours.timezone;
  const when = (t: number) => DateTime.fromMillis(t, { zone }).toFormat('ccc d LLL HH:mm ZZZZ');
  const serviceName = new Map(config.services.map((s) => [s.id, s.name]));
  const name = team?.name ?? teamId;
  const sorted = [...rows].sort((a, b) => a.opened_at - b.opened_at || a.incident_id - b.incident_id);
  const lines = [
    `${rows.length === 1 ? '1 advisory' : `${rows.length} advisories`} of ${name} passed the review deadline unreviewed:`,
    ...sorted
      .slice(0, MAX_LISTED)
      .map(
        (r) =>
          `- #${r.incident_id} ${serviceName.get(r.service_id) ?? r.service_id} / ${r.alert_name}, opened ${when(r.opened_at)}, due ${when(r.deadline_at)}`,
      ),
  ];
  if (sorted.length > MAX_LISTED) lines.push(`and ${sorted.length - MAX_LISTED} more`);
  return JSON.stringify({
    subject: `Advisories past their review deadline: ${name} (${rows.length})`,
    text: lines.join('\n'),
    url: advisoriesUrl(config.server.publicUrl, teamId),
  });
}

export function deadlineModule(deps: DeadlineModuleDeps): EngineModule {
  const { config } = deps;
  const teams = new Map(config.teams.map((t) => [t.id, t]));
  return {
    name: 'advisory-deadline',
    async tick({ trx, now, afterCommit }) {
      const t = now.getTime();
      const due = await trx
        .selectFrom('advisories')
        .select('incident_id')
        .where('state', '=', 'unreviewed')
        .where('deadline_at', '<=', t)
        .where('deadline_notified_at', 'is', null)
        .orderBy('deadline_at')
        .limit(BATCH)
        .execute();
      if (due.length === 0) return;
      // Only the rows this pass marks go on: a replica (or a restart) that marked one first has it.
      const marked: Overdue[] = await trx
        .updateTable('advisories')
        .set({ deadline_notified_at: t, updated_at: t })
        .where(
          'incident_id',
          'in',
          due.map((d) => d.incident_id),
        )
        .where('state', '=', 'unreviewed')
        .where('deadline_notified_at', 'is', null)
        .returning(['incident_id', 'team_id', 'service_id', 'alert_name', 'opened_at', 'deadline_at'])
        .execute();
      const byTeam = new Map<string, Overdue[]>();
      for (const r of marked) byTeam.set(r.team_id, [...(byTeam.get(r.team_id) ?? []), r]);
      // One notice per lead per pass, whatever number of their teams' advisories it lists.
      const byLead = new Map<string, { teamId: string; rows: Overdue[] }[]>();
      for (const [teamId, rows] of byTeam) {
        const lead = teams.get(teamId)?.lead;
        if (!lead) {
          deps.logger?.warn(
            { team: teamId, advisories: rows.length },
            'advisories passed their review deadline, but the team has no lead to tell (teams[].lead)',
          );
          continue;
        }
        byLead.set(lead, [...(byLead.get(lead) ?? []), { teamId, rows }]);
      }
      const notices: NewNotificationRow[] = [];
      for (const [lead, parts] of byLead) {
        const contact = leadContact(config, lead);
        if (!contact) {
          deps.logger?.warn(
            { lead, teams: parts.map((p) => p.teamId) },
            'advisories passed their review deadline, but the team lead has no Slack or email contact method',
          );
          continue;
        }
        const detail =
          parts.length === 1
            ? noticeDetail(config, parts[0]!.teamId, parts[0]!.rows)
            : mergeDetails(parts.map((p) => noticeDetail(config, p.teamId, p.rows)));
        notices.push(
          noticeRow(
            {
              kind: 'advisory_deadline',
              userId: lead,
              channel: contact.channel,
              address: contact.address,
              detail,
            },
            t,
          ),
        );
      }
      const claimed = await queueNotifications(trx, notices, deps.dispatch ? t : undefined);
      if (claimed.length > 0 && deps.dispatch) afterCommit(() => deps.dispatch!(claimed));
    },
    async nextDueAt(db) {
      const row = await db
        .selectFrom('advisories')
        .select('deadline_at')
        .where('state', '=', 'unreviewed')
        .where('deadline_notified_at', 'is', null)
        .orderBy('deadline_at')
        .limit(1)
        .executeTakeFirst();
      return row?.deadline_at ?? null;
    },
  };
}

/** One notice for a lead of several teams: the teams' texts one after the other. */
function mergeDetails(details: readonly string[]): string {
  const parts = details.map((d) => JSON.parse(d) as { subject: string; text: string; url: string });
  return JSON.stringify({
    subject: `Advisories past their review deadline (${parts.length} teams)`,
    text: parts.map((p) => `${p.text}\n${p.url}`).join('\n\n'),
    url: parts[0]!.url.replace(/\?.*$/, ''),
  });
}
