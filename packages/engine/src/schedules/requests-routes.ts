/**
 * The shift requests API: a signed-in person asks for cover of part of their shift (offered to the
 * schedule's other people; the first to accept takes it) or a swap with one person (who accepts or
 * declines); the requester, an admin or the team lead may cancel. Accepting makes the overrides in the
 * same transaction as the state change. Rows and events go through ./requests.ts; messages through the
 * notifier (./requests-notify.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { requireRole } from '../auth/credentials.ts';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/tables.ts';
import { ApiError } from '../errors/errors.ts';
import { findSchedule, iso, scheduleParams, scheduleVisibility, time } from './lookup.ts';
import { checkOverrideRange, checkOverrideUser } from './override-rules.ts';
import {
  acceptRequest,
  cancelRequest,
  declineRequest,
  findRequest,
  insertRequest,
  listRequests,
  overlappingOpenRequest,
  toRequestDto,
  type ShiftRequestRow,
} from './requests.ts';
import { requestMessage, type RequestNews, type ShiftNotifier } from './requests-notify.ts';
import type { ScheduleRouteDeps } from './routes.ts';
import {
  checkOnCallThroughout,
  isLeadOrAdmin,
  peopleOf,
  personOf,
  REQUEST_GRACE_MS,
} from './self-service-rules.ts';

const note = z.string().max(500).optional().describe('Why, for the people asked (at most 500 characters).');
const createBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cover'), from: time, to: time, note }),
  z.strictObject({
    kind: z.literal('swap'),
    from: time,
    to: time,
    with: z.string().max(63).describe('The person asked: they take [from, to).'),
    swapFrom: time.describe("Start of the range of `with`'s shift that the requester takes."),
    swapTo: time,
    note,
  }),
]);
const requestSchema = z.object({
  id: z.number().int(),
  schedule: z.string(),
  kind: z.enum(['cover', 'swap']),
  state: z.enum(['open', 'accepted', 'declined', 'canceled', 'expired']),
  requester: z.string(),
  from: z.string(),
  to: z.string(),
  with: z.string().nullable(),
  swapFrom: z.string().nullable(),
  swapTo: z.string().nullable(),
  note: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
const listQuery = z.strictObject({ state: z.enum(['open', 'all']).default('open') });
const requestParams = z.strictObject({
  id: z.string().max(63),
  requestId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/** Refuses a request range the override rules refuse, or one that has already started. */
function checkRequestRange(
  rules: Parameters<typeof checkOverrideRange>[0],
  from: number,
  to: number,
  now: number,
): void {
  checkOverrideRange(rules, from, to, now);
  if (from < now - REQUEST_GRACE_MS)
    throw new ApiError(
      'invalid_override_range',
      'from is in the past; a request hands over time still to come. Start it now or later.',
    );
}

/** Refuses acting on a request that is no longer open (or whose start has come). */
function requireOpen(row: ShiftRequestRow, now: number): void {
  if (row.state === 'open' && row.expires_at > now) return;
  const state = row.state === 'open' ? 'expired' : row.state;
  const by = row.resolved_by ? ` by ${row.resolved_by}` : '';
  throw new ApiError(
    'request_closed',
    `Request ${row.id} was already ${state}${by}; only an open request can be answered.`,
  );
}

export function requestRoutes(
  app: FastifyInstance,
  deps: ScheduleRouteDeps & { notifier: ShiftNotifier },
): void {
  const { config, store, clock, credentials, directory, notifier } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const rulesOf = (id: string) => config.schedules.find((s) => s.id === id);
  const reachable = (id: string, user: string) => {
    try {
      checkOverrideUser(config, id, user);
      return true;
    } catch {
      return false;
    }
  };
  const visibleSpec = (id: string, p: Principal) =>
    findSchedule(directory, id, scheduleVisibility(config, p));
  const loadRequest = async (id: string, requestId: number) => {
    const row = await findRequest(store.db, id, requestId);
    if (!row) throw new ApiError('not_found', `No request ${requestId} on schedule "${id}".`);
    return row;
  };
  /** Runs `act` in a transaction; a null answer means another change won: request_closed. */
  const change = async (
    requestId: number,
    act: (trx: Transaction<Database>) => Promise<ShiftRequestRow | undefined>,
    notify: (trx: Transaction<Database>, row: ShiftRequestRow) => Promise<void>,
  ) => {
    const row = await store.db.transaction().execute(async (trx) => {
      const changed = await act(trx);
      if (!changed)
        throw new ApiError('request_closed', `Request ${requestId} was answered by someone else just now.`);
      await notify(trx, changed);
      return changed;
    });
    return toRequestDto(row);
  };
  const tell = (
    trx: Transaction<Database>,
    row: ShiftRequestRow,
    userIds: readonly (string | null)[],
    news: RequestNews,
    actor: string,
  ) => {
    const to = userIds.filter((u): u is string => u !== null && u !== actor);
    const name = directory.schedules.get(row.schedule_id)?.name ?? row.schedule_id;
    const message = requestMessage(config, row, name, news, actor);
    return notifier(trx, to, message, clock.now().getTime());
  };

  app.get(
    '/api/v1/schedules/:id/requests',
    {
      schema: {
        summary: "A schedule's cover and swap requests, newest first (default: the open ones)",
        tags: ['on-call'],
        security,
        params: scheduleParams,
        querystring: listQuery,
        response: { 200: z.object({ requests: z.array(requestSchema) }) },
      },
      preValidation: viewer,
    },
    async (req) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      visibleSpec(id, req.principal!);
      const { state } = req.query as z.output<typeof listQuery>;
      return { requests: (await listRequests(store.db, id, state)).map(toRequestDto) };
    },
  );

  app.post(
    '/api/v1/schedules/:id/requests',
    {
      schema: {
        summary: 'Ask for cover of part of your shift, or to swap shifts with one person',
        description:
          "A signed-in person, for themselves: [from, to) must be time they are on call on the schedule (overrides included), not yet started. A swap names `with`, another person of the schedule, and [swapFrom, swapTo), time `with` is on call. A cover is offered to the schedule's other people by push, Slack, email and their browsers; a swap to `with`. Open requests expire at their start.",
        tags: ['on-call'],
        security,
        params: scheduleParams,
        body: createBody,
        response: { 201: requestSchema },
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      const spec = visibleSpec(id, req.principal!);
      const me = personOf(req.principal!);
      const body = req.body as z.output<typeof createBody>;
      const now = clock.now().getTime();
      const from = Date.parse(body.from);
      const to = Date.parse(body.to);
      checkRequestRange(rulesOf(id), from, to, now);
      const people = peopleOf(spec);
      let swap: { with: string; from: number; to: number } | null = null;
      if (body.kind === 'swap') {
        const others = people.filter((u) => u !== me);
        if (!others.includes(body.with))
          throw new ApiError(
            'invalid_payload',
            `${body.with} does not take turns on ${spec.name}; swap with one of: ${others.join(', ') || '(nobody else)'}.`,
          );
        swap = { with: body.with, from: Date.parse(body.swapFrom), to: Date.parse(body.swapTo) };
        checkRequestRange(rulesOf(id), swap.from, swap.to, now);
        checkOverrideUser(config, id, swap.with);
        checkOverrideUser(config, id, me);
        await checkOnCallThroughout(directory, store.db, id, swap.with, swap.from, swap.to, swap.with);
      }
      await checkOnCallThroughout(directory, store.db, id, me, from, to, 'you');
      const start = Math.min(from, swap?.from ?? from);
      const row = await store.db.transaction().execute(async (trx) => {
        await store.locker.lockKeys(trx, [`shift-requests:${id}:${me}`]);
        const clash = await overlappingOpenRequest(trx, id, me, from, to);
        if (clash)
          throw new ApiError(
            'request_overlap',
            `Your open request ${clash.id} (${iso(clash.starts_at)} to ${iso(clash.ends_at)}) overlaps this range; cancel it first, or ask for another range.`,
          );
        const created = await insertRequest(trx, {
          scheduleId: id,
          kind: body.kind,
          requester: me,
          from,
          to,
          with: swap?.with ?? null,
          swapFrom: swap?.from ?? null,
          swapTo: swap?.to ?? null,
          note: body.note ?? '',
          expiresAt: Math.max(start, now + REQUEST_GRACE_MS),
          now,
        });
        const offered = swap ? [swap.with] : people.filter((u) => u !== me && reachable(id, u));
        await tell(trx, created, offered, 'offer', me);
        return created;
      });
      return reply.code(201).send(toRequestDto(row));
    },
  );

  const action = (suffix: string, summary: string, description: string) => ({
    url: `/api/v1/schedules/:id/requests/:requestId/${suffix}`,
    schema: {
      summary,
      description,
      tags: ['on-call'],
      security,
      params: requestParams,
      response: { 200: requestSchema },
    },
  });

  const accept = action(
    'accept',
    'Accept a request: take the cover, or agree to the swap',
    'A cover: any other person of the schedule who can be paged at its urgencies; the first wins (a later accept gets 409 request_closed). A swap: only the person asked. Makes the overrides (source cover or swap) in the same transaction, and tells the requester.',
  );
  app.post(accept.url, { schema: accept.schema, preValidation: responder }, async (req) => {
    const p = req.params as z.output<typeof requestParams>;
    const spec = visibleSpec(p.id, req.principal!);
    const me = personOf(req.principal!);
    const row = await loadRequest(p.id, p.requestId);
    const now = clock.now().getTime();
    requireOpen(row, now);
    if (row.kind === 'swap' && me !== row.counterpart)
      throw new ApiError('forbidden', `Only ${row.counterpart} can accept this swap; it asks them.`);
    if (row.kind === 'cover') {
      if (me === row.requester)
        throw new ApiError('forbidden', 'This is your own request; cancel it instead of accepting it.');
      if (!peopleOf(spec).includes(me))
        throw new ApiError(
          'forbidden',
          `Only the people who take turns on ${spec.name} can take its shifts; ask an admin for an override instead.`,
        );
      checkOverrideUser(config, p.id, me);
    } else checkOverrideUser(config, p.id, row.requester);
    return change(
      row.id,
      (trx) => acceptRequest(trx, row.id, me, now),
      (trx, done) => tell(trx, done, [done.requester], 'accepted', me),
    );
  });

  const decline = action(
    'decline',
    'Decline a swap (only the person asked)',
    'A cover request is not declined: it stays open for the others until it is accepted, canceled or expires.',
  );
  app.post(decline.url, { schema: decline.schema, preValidation: responder }, async (req) => {
    const p = req.params as z.output<typeof requestParams>;
    visibleSpec(p.id, req.principal!);
    const me = personOf(req.principal!);
    const row = await loadRequest(p.id, p.requestId);
    const now = clock.now().getTime();
    requireOpen(row, now);
    if (row.kind !== 'swap' || me !== row.counterpart)
      throw new ApiError(
        'forbidden',
        row.kind === 'swap'
          ? `Only ${row.counterpart} can decline this swap; it asks them.`
          : 'A cover request cannot be declined: it stays open for the others until someone accepts it, its requester cancels it, or it starts.',
      );
    return change(
      row.id,
      (trx) => declineRequest(trx, row.id, me, now),
      (trx, done) => tell(trx, done, [done.requester], 'declined', me),
    );
  });

  const cancel = action(
    'cancel',
    'Cancel a request (the requester, an admin or the team lead)',
    'An open request closes. An accepted one that has not started is undone: its overrides are removed, so the shifts go back to what they were (once it has started: 409 request_closed; use an override). The requester and the person asked or who had accepted are told.',
  );
  app.post(cancel.url, { schema: cancel.schema, preValidation: responder }, async (req) => {
    const p = req.params as z.output<typeof requestParams>;
    visibleSpec(p.id, req.principal!);
    const principal = req.principal!;
    const row = await loadRequest(p.id, p.requestId);
    const now = clock.now().getTime();
    const own = principal.kind === 'user' && principal.userId === row.requester;
    if (!own && !isLeadOrAdmin(config, rulesOf(p.id), principal))
      throw new ApiError(
        'forbidden',
        `Only ${row.requester} (who asked), an admin or the team's lead can cancel request ${row.id}.`,
      );
    if (row.state !== 'accepted') requireOpen(row, now);
    else if (Math.min(row.starts_at, row.swap_starts_at ?? Infinity) <= now)
      throw new ApiError(
        'request_closed',
        `Request ${row.id} was accepted and has started, so it cannot be undone; change who is on call with an override instead.`,
      );
    const was = row.state === 'accepted' ? 'accepted' : 'open';
    const actor = principal.kind === 'user' && principal.userId ? principal.userId : principal.name;
    const taker = row.kind === 'swap' ? row.counterpart : row.resolved_by;
    return change(
      row.id,
      (trx) => cancelRequest(trx, row.id, was, actor, now),
      (trx, done) => tell(trx, done, [done.requester, taker], 'canceled', actor),
    );
  });
}
