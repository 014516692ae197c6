/**
 * What shift requests tell people: the messages (offers, answers, expiry, the "still unfilled" warning)
 * and the port they go out through. The notifier (shifts/notifier.ts, wired in app/) queues each message
 * to a person's push, Slack and email contact methods and their browsers, inside the caller's
 * transaction, so a request and its messages commit together.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { Channel } from '../org/config.ts';

/** What the request messages read from the config. */
export interface RequestNotifyConfig {
  users: readonly { id: string; contactMethods: readonly { type: Channel; address: string }[] }[];
  server: { publicUrl?: string | undefined };
}

export interface ShiftMessage {
  subject: string;
  text: string;
  /** The page the message links to, absolute when server.publicUrl is set. */
  url: string;
}

/** Queues `message` to each of `userIds`, inside `trx`. */
export type ShiftNotifier = (
  trx: Transaction<Database>,
  userIds: readonly string[],
  message: ShiftMessage,
  now: number,
) => Promise<void>;

/** The schedule page that shows request `requestId`. */
export function requestUrl(config: RequestNotifyConfig, scheduleId: string, requestId: number): string {
  const base = config.server.publicUrl?.replace(/\/$/, '') ?? '';
  return `${base}/schedules/${encodeURIComponent(scheduleId)}?request=${requestId}`;
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** What happened to a request, for the message about it. */
export type RequestNews = 'offer' | 'accepted' | 'declined' | 'canceled' | 'expired' | 'unfilled';

/**
 * The message about request `r` on schedule `scheduleName`: an offer to the people who may take it, the
 * answer (accepted, declined, canceled by `actor`) or expiry to the requester, or the warning that it is
 * still unfilled.
 */
export function requestMessage(
  config: RequestNotifyConfig,
  r: {
    id: number;
    schedule_id: string;
    kind: string;
    requester: string;
    starts_at: number;
    ends_at: number;
    counterpart: string | null;
    swap_starts_at: number | null;
    swap_ends_at: number | null;
    note: string;
  },
  scheduleName: string,
  news: RequestNews,
  actor = '',
): ShiftMessage {
  const range = `${when(r.starts_at)} to ${when(r.ends_at)}`;
  const note = r.note ? ` Note: "${r.note}"` : '';
  const url = requestUrl(config, r.schedule_id, r.id);
  const what = r.kind === 'cover' ? `cover for ${scheduleName} from ${range}` : `swap on ${scheduleName}`;
  if (news === 'offer' && r.kind === 'cover')
    return {
      subject: `Cover request: ${scheduleName}, ${when(r.starts_at)}`,
      text: `${r.requester} asks someone to cover ${scheduleName} from ${range}. The first to accept takes it.${note}`,
      url,
    };
  if (news === 'offer')
    return {
      subject: `Swap request: ${scheduleName}`,
      text: `${r.requester} asks to swap shifts on ${scheduleName}: you take their ${range}, they take your ${when(r.swap_starts_at!)} to ${when(r.swap_ends_at!)}. Accept or decline.${note}`,
      url,
    };
  if (news === 'unfilled')
    return {
      subject: `Unfilled cover request: ${scheduleName}, ${when(r.starts_at)}`,
      text: `Nobody has accepted ${r.requester}'s request for ${what} yet. If nobody does, ${r.requester} stays on call.`,
      url,
    };
  if (news === 'expired')
    return {
      subject: `Request expired: ${scheduleName}`,
      text: `Nobody accepted your request for ${what} before it started; you stay on call.`,
      url,
    };
  const verb = { accepted: 'accepted', declined: 'declined', canceled: 'canceled' }[news];
  const outcome =
    news === 'accepted'
      ? r.kind === 'cover'
        ? ` ${actor} is on call from ${range}.`
        : ` ${r.counterpart} is on call from ${range}, and you from ${when(r.swap_starts_at!)} to ${when(r.swap_ends_at!)}.`
      : '';
  return {
    subject: `Request ${verb}: ${scheduleName}`,
    text: `${actor} ${verb} the request for ${what}.${outcome}`,
    url,
  };
}
