/**
 * Issues the signed one-tap links a page carries: acknowledge on every page sent by SMS, email or push,
 * and resolve too on email and push. A retry of the same notification gets the links it had, so a link
 * in an earlier attempt still works. Without `server.publicUrl` there is nowhere to point a link, and
 * pages go out without them.
 *
 * @example
 * const links = new ActionLinks({ db, clock, config });
 * const actions = await links.forPage(row, incident.state); // { acknowledge: 'https://…/a/42/…' }
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.ts';
import type { Database, NotificationRow } from '../db/tables.ts';
import type { ActionLinksConfig } from './config.ts';
import { insertLinks, linksOfNotification, loadSigningKey, pruneLinks, type ActionLinkRow } from './store.ts';
import { newLinkId, signLink, type LinkAction } from './tokens.ts';

/** What links read from the config. */
export interface ActionLinksView {
  actionLinks: ActionLinksConfig;
  server: { publicUrl?: string | undefined };
}

export interface ActionLinksDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: ActionLinksView;
}

/** The links each channel's page carries. Voice has the key press; Slack has its buttons. */
const ACTIONS_BY_CHANNEL = new Map<string, readonly LinkAction[]>([
  ['sms', ['acknowledge']],
  ['email', ['acknowledge', 'resolve']],
  ['push', ['acknowledge', 'resolve']],
]);

/** Expired links are kept a day, so opening one says "expired" rather than "unknown". */
const KEEP_EXPIRED_MS = 24 * 3_600_000;

export class ActionLinks {
  readonly #deps: ActionLinksDeps;
  readonly #base: string | null;
  #key: Promise<Buffer> | null = null;

  constructor(deps: ActionLinksDeps) {
    this.#deps = deps;
    this.#base = deps.config.server.publicUrl?.replace(/\/+$/, '') ?? null;
  }

  /** The HMAC key, read (or made) once per instance. */
  key(): Promise<Buffer> {
    const { db, clock, config } = this.#deps;
    this.#key ??= loadSigningKey(db, clock.now().getTime(), config.actionLinks.secret).catch(
      (err: unknown) => {
        this.#key = null;
        throw err;
      },
    );
    return this.#key;
  }

  /** `${publicUrl}/a/<incident>/<token>`. */
  url(incidentId: number, token: string): string {
    return `${this.#base ?? ''}/a/${incidentId}/${token}`;
  }

  /**
   * The links for a notification about to be sent: none unless it is a page to a person, about a
   * triggered incident, on SMS, email or push, and the engine has a public URL.
   */
  async forPage(
    row: NotificationRow,
    incidentState: string | null,
  ): Promise<{ acknowledge?: string; resolve?: string } | undefined> {
    const wanted = ACTIONS_BY_CHANNEL.get(row.channel);
    if (!this.#base || !wanted || row.kind !== 'page' || incidentState !== 'triggered') return undefined;
    if (row.incident_id === null || !row.user_id) return undefined;
    const { db, clock, config } = this.#deps;
    const now = clock.now().getTime();
    const key = await this.key();
    const existing = await linksOfNotification(db, row.id);
    const fresh: ActionLinkRow[] = [];
    const out: { acknowledge?: string; resolve?: string } = {};
    for (const action of wanted) {
      let link = existing.find((l) => l.action === action);
      if (!link) {
        link = {
          id: newLinkId(),
          incident_id: row.incident_id,
          user_id: row.user_id,
          action,
          channel: row.channel,
          notification_id: row.id,
          created_at: now,
          expires_at: now + config.actionLinks.ttlMinutes * 60_000,
          used_at: null,
          result: null,
        };
        fresh.push(link);
      }
      out[action] = this.url(link.incident_id, signLink(key, bindingOf(link)));
    }
    if (fresh.length > 0) {
      await pruneLinks(db, now - KEEP_EXPIRED_MS);
      await insertLinks(db, fresh);
    }
    return out;
  }
}

/** The fields of a row its MAC covers. */
export function bindingOf(link: ActionLinkRow) {
  return {
    id: link.id,
    incidentId: link.incident_id,
    userId: link.user_id,
    action: link.action as LinkAction,
    channel: link.channel,
    expiresAt: link.expires_at,
  };
}
