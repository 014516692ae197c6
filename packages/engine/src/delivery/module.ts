/**
 * The delivery pipeline, as an engine module over the `notifications` rows. A tick claims the rows that
 * are due (queued → sending) in its transaction; after the commit each is sent through its channel's
 * providers in failover order, each attempt with a timeout. Success marks it sent; when every provider
 * fails it is retried with exponential backoff and jitter (honouring Retry-After) until `maxAttempts`,
 * then marked failed, and if that leaves a paged person with no channel that worked, the escalation moves
 * on at once. Every attempt is a timeline event and a `klaxon_notifications_total` sample. A row left in
 * `sending` by a crash is claimed again once stale: delivery is at least once. A page by SMS, email or
 * push gets its signed action links (actions/links.ts) just before it is composed; a retry reuses them.
 */
import type { Kysely, Transaction } from 'kysely';
import { ActionLinks, type ActionLinksView } from '../actions/links.ts';
import type { Clock } from '../clock/clock.ts';
import type { Database, NewIncidentEventRow, NotificationRow } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { claimDue, outboxWorker, retryDelayMs } from '../engine/outbox.ts';
import { changesFor } from '../deployments/changes.ts';
import type { ChangeDto } from '../deployments/model.ts';
import { toAlertDto, toIncidentDto, type AlertDto, type IncidentDto } from '../incidents/model.ts';
import type { EngineMetrics } from '../metrics/metrics.ts';
import { updateNotification } from '../notifications/store.ts';
import { eventRow, finishFailed, insertEvents } from './failure.ts';
import { composeMessage } from './compose.ts';
import type { DeliveryConfig } from './config.ts';
import {
  ProviderError,
  type DeliveryChannel,
  type NotificationProvider,
  type OutboundMessage,
  type SendResult,
} from './provider.ts';
import type { ProviderRegistry } from './registry.ts';

const CLAIM = 200;
const PAGING_CHANNELS = new Set(['voice', 'sms', 'push']);

export interface DeliveryDeps {
  config: DeliveryConfig & ActionLinksView;
  db: Kysely<Database>;
  clock: Clock;
  registry: ProviderRegistry;
  metrics?: Pick<EngineMetrics, 'notifications' | 'notificationLatency'>;
  /** Asks the engine for a cycle now (an escalation was moved forward). */
  poke?: () => void;
  /** Random source for jitter; injectable for tests. */
  random?: () => number;
}

export interface DeliveryModule extends EngineModule {
  /** Sends rows that are already claimed (status `sending`), e.g. pages the escalation just wrote. */
  dispatch(rows: NotificationRow[]): void;
  /** Resolves when every delivery started so far has finished. */
  drain(): Promise<void>;
  /**
   * Claims, in the caller's transaction, the rows of `incidentIds` that are due (an ingest transaction's
   * announcements); the caller hands them to `dispatch` once it has committed.
   */
  claimFor(
    trx: Transaction<Database>,
    incidentIds: readonly number[],
    now: number,
    rowLocks: boolean,
  ): Promise<NotificationRow[]>;
}

export function deliveryModule(deps: DeliveryDeps): DeliveryModule {
  const n = deps.config.notifications;
  const timeoutMs = n.timeoutSeconds * 1000;
  const lanes = new Lanes(Object.keys(n.rateLimits));
  const links = new ActionLinks({ db: deps.db, clock: deps.clock, config: deps.config });
  const worker = outboxWorker({
    name: 'delivery',
    table: 'notifications',
    // Pages due at once arrive through dispatch(); the tick is for retries and delayed rules.
    everyMs: 200,
    claimLimit: CLAIM,
    staleMs: timeoutMs * Math.max(1, deps.registry.providers.length) + 60_000,
    deliver: (rows) => deliverAll(deps, lanes, links, rows),
  });
  return {
    ...worker.module,
    dispatch: worker.dispatch,
    drain: worker.drain,
    claimFor: (trx, incidentIds, now, rowLocks) =>
      incidentIds.length === 0
        ? Promise.resolve([])
        : claimDue(trx, 'notifications', { now, staleMs: null, limit: CLAIM, rowLocks, incidentIds }),
  };
}

async function deliverAll(
  deps: DeliveryDeps,
  lanes: Lanes,
  links: ActionLinks,
  rows: NotificationRow[],
): Promise<void> {
  const ids = [...new Set(rows.map((r) => r.incident_id).filter((id): id is number => id !== null))];
  const incidents = new Map<number, IncidentDto>();
  const alerts = new Map<number, AlertDto[]>();
  if (ids.length > 0) {
    for (const r of await deps.db.selectFrom('incidents').selectAll().where('id', 'in', ids).execute())
      incidents.set(r.id, toIncidentDto(r));
    for (const a of await deps.db
      .selectFrom('alerts')
      .selectAll()
      .where('incident_id', 'in', ids)
      .orderBy('id')
      .execute()) {
      const list = alerts.get(a.incident_id!) ?? [];
      if (list.length < 5) list.push(toAlertDto(a));
      alerts.set(a.incident_id!, list);
    }
  }
  // "What changed" is a courtesy: if it cannot be read, the page goes out without it.
  const changes = await changesFor(
    deps.db,
    deps.config,
    [...incidents.values()].map((i) => ({ id: i.id, service: i.service, openedAt: Date.parse(i.createdAt) })),
  ).catch(() => new Map<number, ChangeDto[]>());
  await Promise.all(
    rows.map((row) => {
      const incident = row.incident_id !== null ? (incidents.get(row.incident_id) ?? null) : null;
      const send = async () => {
        try {
          // The links are a courtesy too: if they cannot be issued, the page goes out without them.
          const actions = await links.forPage(row, incident?.state ?? null).catch(() => undefined);
          await deliverOne(
            deps,
            row,
            composeMessage(
              deps.config,
              row,
              incident,
              alerts.get(row.incident_id ?? -1) ?? [],
              changes.get(row.incident_id ?? -1) ?? [],
              actions,
            ),
          );
        } catch (err) {
          // A bug or a database error: put the row back for the next tick rather than lose it.
          await updateNotification(deps.db, row.id, {
            status: 'queued',
            last_error: `internal: ${(err as Error).message}`.slice(0, 500),
            updated_at: deps.clock.now().getTime(),
          }).catch(() => undefined);
        }
      };
      return lanes.run(row, send);
    }),
  );
}

/**
 * Sends to one rate-limited address go one at a time, across every batch, so each limit check sees the
 * sends before it; everything else goes in parallel.
 */
class Lanes {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #limited: ReadonlySet<string>;

  constructor(limitedChannels: Iterable<string>) {
    this.#limited = new Set(limitedChannels);
  }

  run(row: NotificationRow, fn: () => Promise<void>): Promise<void> {
    if (!this.#limited.has(row.channel)) return fn();
    const key = `${row.channel}|${row.address}`;
    const next = (this.#tails.get(key) ?? Promise.resolve()).then(fn);
    this.#tails.set(key, next);
    void next.finally(() => {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    });
    return next;
  }
}

async function deliverOne(deps: DeliveryDeps, row: NotificationRow, msg: OutboundMessage): Promise<void> {
  const { db, clock, config } = deps;
  const channel = row.channel as DeliveryChannel;
  const count = (outcome: string) => deps.metrics?.notifications.inc({ channel, outcome });
  const finish = async (status: 'canceled' | 'failed', reason: string) => {
    await updateNotification(db, row.id, { status, last_error: reason, updated_at: clock.now().getTime() });
    count(status);
    const at = clock.now().getTime();
    await insertEvents(db, [
      eventRow(row, at, `notification.${status}`, `${describe(row)}: ${reason}`, {
        notificationId: row.id,
        channel,
        reason,
      }),
    ]);
  };

  if (msg.incident?.tier === 'T3' && PAGING_CHANNELS.has(channel))
    return finish('canceled', 'T3 never pages a phone or a push');
  if (row.kind === 'page' && msg.incident?.state !== 'triggered' && msg.incident) {
    return finish('canceled', `the incident is ${msg.incident.state}`);
  }
  const limit = (
    config.notifications.rateLimits as Partial<Record<string, { max: number; windowMinutes: number }>>
  )[channel];
  if (limit && row.kind === 'page') {
    const since = clock.now().getTime() - limit.windowMinutes * 60_000;
    const recent = await db
      .selectFrom('notifications')
      .select(db.fn.countAll<number>().as('n'))
      .where('channel', '=', channel)
      .where('address', '=', row.address)
      .where('status', 'in', ['sent', 'delivered'])
      .where('sent_at', '>=', since)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= limit.max) {
      count('rate_limited');
      await finishFailed(
        deps,
        row,
        `rate limited: ${limit.max} ${channel} per ${limit.windowMinutes} min to ${row.address}`,
      );
      return;
    }
  }

  let chain: NotificationProvider[] = deps.registry.chain(channel, row.address);
  let previous: SendResult | null = null;
  if (row.kind === 'update') {
    const parent =
      row.parent_id !== null
        ? await db.selectFrom('notifications').selectAll().where('id', '=', row.parent_id).executeTakeFirst()
        : undefined;
    if (!parent || parent.status !== 'sent')
      return finish(
        'canceled',
        'the announcement it updates was not sent; it carries the current state when it is',
      );
    // A provider that can edit what it sent (Slack) edits the announcement; otherwise a new message goes out.
    const p = parent.provider ? deps.registry.get(parent.provider) : undefined;
    if (p?.update) {
      chain = [p];
      previous = {
        providerId: parent.provider_id ?? undefined,
        providerRef: parent.provider_ref ?? undefined,
      };
    }
  }
  if (chain.length === 0) {
    await finishFailed(
      deps,
      row,
      `no provider is configured for ${channel}${row.channel === 'push' ? ` addresses like ${row.address.split(':')[0]}:` : ''}; add one under notifications.providers`,
    );
    count('failed');
    return;
  }

  const errors: ProviderError[] = [];
  // Attempt events are written with the outcome, in one transaction: one commit per notification.
  const attempts: NewIncidentEventRow[] = [];
  const joined = () =>
    errors
      .map((e) => e.message)
      .join('; ')
      .slice(0, 500);
  for (const provider of chain) {
    const started = clock.now().getTime();
    try {
      const signal = AbortSignal.timeout(config.notifications.timeoutSeconds * 1000);
      const result =
        previous && provider.update
          ? (await provider.update(msg, previous, signal), previous)
          : await provider.send(msg, signal);
      const sentAt = clock.now().getTime();
      attempts.push(
        eventRow(
          row,
          sentAt,
          'notification.sent',
          `${describe(row)} via ${provider.id} (${sentAt - started} ms)`,
          {
            notificationId: row.id,
            channel,
            provider: provider.id,
            attempt: row.attempts,
            latencyMs: sentAt - started,
          },
        ),
      );
      await db.transaction().execute(async (trx) => {
        await updateNotification(trx, row.id, {
          status: 'sent',
          provider: provider.id,
          provider_id: result.providerId ?? null,
          provider_ref: result.providerRef ?? null,
          sent_at: sentAt,
          latency_ms: sentAt - row.due_at,
          last_error: errors.length ? joined() : null,
          updated_at: sentAt,
        });
        await insertEvents(trx, attempts);
      });
      count('sent');
      deps.metrics?.notificationLatency.observe({ channel }, Math.max(0, sentAt - row.due_at) / 1000);
      return;
    } catch (err) {
      const e = toProviderError(err);
      errors.push(e);
      count('failed');
      const at = clock.now().getTime();
      attempts.push(
        eventRow(row, at, 'notification.failed', `${describe(row)} via ${provider.id} failed: ${e.message}`, {
          notificationId: row.id,
          channel,
          provider: provider.id,
          attempt: row.attempts,
          latencyMs: at - started,
          status: e.status ?? null,
          retryable: e.retryable,
        }),
      );
    }
  }
  const retryable = errors.some((e) => e.retryable);
  if (retryable && row.attempts < config.notifications.maxAttempts) {
    const n = config.notifications;
    const dueAt =
      clock.now().getTime() +
      retryDelayMs({
        attempt: row.attempts,
        baseMs: n.retryBaseSeconds * 1000,
        maxMs: n.retryMaxSeconds * 1000,
        random: deps.random ?? Math.random,
        atLeastMs: Math.max(0, ...errors.map((e) => e.retryAfterMs ?? 0)),
      });
    await db.transaction().execute(async (trx) => {
      await updateNotification(trx, row.id, {
        status: 'queued',
        due_at: dueAt,
        last_error: joined(),
        updated_at: clock.now().getTime(),
      });
      await insertEvents(trx, attempts);
    });
    count('retry');
    return;
  }
  await insertEvents(db, attempts);
  await finishFailed(deps, row, joined());
}

function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as Error;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return new ProviderError('timed out', { retryable: true });
  // Network failures (refused, reset, DNS) surface from fetch as TypeError: worth another try.
  return new ProviderError(e.message || String(err), { retryable: true });
}

function describe(row: NotificationRow): string {
  const who = row.user_id ? ` to ${row.user_id}` : '';
  const what = row.kind === 'update' ? 'update' : row.kind === 'channel' ? 'announcement' : row.kind;
  return `${row.channel} ${what}${who} (${row.address})`;
}
