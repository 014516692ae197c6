/**
 * The schedules API: each schedule with who is on call now, its shifts and gaps over a range, and iCal
 * feeds of a schedule or a person (with signed feed URLs for calendar apps that cannot authenticate).
 * Everything is narrowed to the schedules the caller may see (`scheduleVisibility`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, preValidationAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { teamsOf, type Principal } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import type { ShiftNotifier } from './requests-notify.ts';
import { requestRoutes } from './requests-routes.ts';
import type { SelfServiceConfig } from './self-service-rules.ts';
import { temporaryRoutes } from './temporary-routes.ts';
import { toICal, type CalendarEntry } from './ical.ts';
import {
  DAY,
  findSchedule,
  iso,
  parseRange,
  range,
  scheduleParams,
  scheduleVisibility,
  shiftDto,
  shiftSchema,
  shiftsOf as scheduleShiftsOf,
  type CanSeeSchedule,
  type ScheduleDirectory,
} from './lookup.ts';
import { nextHandoff } from './schedule.ts';

export interface ScheduleRouteDeps {
  config: SelfServiceConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
  directory: ScheduleDirectory;
}

/** The schedule routes, with shift self-service (whose requests send messages through `notifier`). */
export function scheduleRoutes(
  app: FastifyInstance,
  deps: ScheduleRouteDeps & { notifier: ShiftNotifier },
): void {
  const { config, store, clock, credentials, directory } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const security = [{ bearer: [] }];
  requestRoutes(app, deps);
  temporaryRoutes(app, deps);
  const shiftsOf = (id: string, from: number, to: number, visible: CanSeeSchedule) =>
    scheduleShiftsOf(directory, store.db, id, from, to, visible);
  const canSee = (p: Pick<Principal, 'teams'>) => scheduleVisibility(config, p);
  /** People `p` may see the calendar of: themselves and people who share a team with them (all, unscoped). */
  const canSeeUser = (p: Principal, userId: string) =>
    p.teams === null || p.userId === userId || teamsOf(config, userId).some((t) => p.teams!.includes(t));

  app.get(
    '/api/v1/schedules',
    {
      schema: {
        summary: 'Schedules with who is on call now and the next handoff',
        tags: ['on-call'],
        security,
        response: {
          200: z.object({
            schedules: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                timezone: z.string(),
                onCall: z.string().nullable(),
                nextHandoff: shiftSchema.nullable(),
              }),
            ),
          }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const now = clock.now().getTime();
      const visible = [...directory.schedules.keys()].filter(canSee(req.principal!));
      const overrides = await directory.overrides(store.db, now, now + 35 * DAY, visible);
      return {
        schedules: visible.map((id) => {
          const s = directory.schedules.get(id)!;
          const o = overrides.get(s.id) ?? [];
          const next = nextHandoff(s, o, now);
          return {
            id: s.id,
            name: s.name,
            timezone: s.zone,
            onCall: directory.onCall(s.id, o, now),
            nextHandoff: next ? shiftDto(next) : null,
          };
        }),
      };
    },
  );

  for (const [suffix, summary, gapsOnly] of [
    ['shifts', 'The shifts in a range (default: the next 28 days); user null marks a gap', false],
    ['gaps', 'Where nobody is on call in a range (default: the next 28 days)', true],
  ] as const) {
    app.get(
      `/api/v1/schedules/:id/${suffix}`,
      {
        schema: {
          summary,
          tags: ['on-call'],
          security,
          params: scheduleParams,
          querystring: range,
          response: {
            200: z.object({
              schedule: z.string(),
              from: z.string(),
              to: z.string(),
              shifts: z.array(shiftSchema),
            }),
          },
        },
        preValidation: viewer,
      },
      async (req) => {
        const { id } = req.params as z.output<typeof scheduleParams>;
        const [from, to] = parseRange(req.query as z.output<typeof range>, clock.now().getTime(), 28);
        const shifts = (await shiftsOf(id, from, to, canSee(req.principal!))).filter(
          (s) => !gapsOnly || s.user === null,
        );
        return { schedule: id, from: iso(from), to: iso(to), shifts: shifts.map(shiftDto) };
      },
    );
  }

  // Calendar apps cannot send an Authorization header: a feed URL may instead carry a token signed with
  // server.feedSecret over its own path.
  const feedToken = (path: string) =>
    config.server.feedSecret
      ? createHmac('sha256', config.server.feedSecret).update(path).digest('base64url')
      : null;
  const viewerOrFeed: preValidationAsyncHookHandler = async function (req, reply) {
    const token = (req.query as { token?: unknown }).token;
    const expected = feedToken(req.url.split('?')[0]!);
    if (
      typeof token === 'string' &&
      expected &&
      token.length === expected.length &&
      timingSafeEqual(Buffer.from(token), Buffer.from(expected))
    )
      return;
    await viewer.call(this, req, reply);
  };
  const calendarQuery = range.extend({
    token: z.string().max(128).optional().describe('Feed token from /api/v1/calendar-feeds.'),
  });

  app.get(
    '/api/v1/calendar-feeds',
    {
      schema: {
        summary: 'Subscribable iCal URLs (signed with server.feedSecret) for every schedule and person',
        tags: ['on-call'],
        security,
        response: {
          200: z.object({
            schedules: z.array(z.object({ id: z.string(), url: z.string() })),
            users: z.array(z.object({ id: z.string(), url: z.string() })),
          }),
        },
      },
      preValidation: viewer,
    },
    (req) => {
      if (!config.server.feedSecret || !config.server.publicUrl) {
        throw new ApiError(
          'not_found',
          'Set server.feedSecret and server.publicUrl in the config to enable subscribable calendar URLs.',
        );
      }
      const base = config.server.publicUrl.replace(/\/$/, '');
      const url = (path: string) => `${base}${path}?token=${feedToken(path)!}`;
      const p = req.principal!;
      return {
        schedules: [...directory.schedules.keys()].filter(canSee(p)).map((id) => ({
          id,
          url: url(`/api/v1/schedules/${encodeURIComponent(id)}/calendar.ics`),
        })),
        users: config.users
          .filter((u) => canSeeUser(p, u.id))
          .map((u) => ({
            id: u.id,
            url: url(`/api/v1/users/${encodeURIComponent(u.id)}/calendar.ics`),
          })),
      };
    },
  );

  app.get(
    '/api/v1/schedules/:id/calendar.ics',
    {
      schema: {
        summary: "iCal feed of a schedule's shifts (the next 8 weeks by default)",
        tags: ['on-call'],
        security,
        params: scheduleParams,
        querystring: calendarQuery,
      },
      preValidation: viewerOrFeed,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof scheduleParams>;
      const now = clock.now().getTime();
      const [from, to] = parseRange(req.query as z.output<typeof range>, now, 56);
      // A signed feed URL (no principal) was handed out by /calendar-feeds to someone who could see it.
      const visible = req.principal ? canSee(req.principal) : () => true;
      const spec = findSchedule(directory, id, visible);
      const entries: CalendarEntry[] = (await shiftsOf(id, from, to, visible))
        .filter((s): s is typeof s & { user: string } => s.user !== null)
        .map((s) => ({ ...s, scheduleId: id, scheduleName: spec.name }));
      return reply.type('text/calendar; charset=utf-8').send(toICal(spec.name, entries, now));
    },
  );

  const userParams = z.strictObject({ id: z.string().max(63) });
  app.get(
    '/api/v1/users/:id/calendar.ics',
    {
      schema: {
        summary: "iCal feed of one person's shifts on every schedule",
        tags: ['on-call'],
        security,
        params: userParams,
        querystring: calendarQuery,
      },
      preValidation: viewerOrFeed,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof userParams>;
      const user = config.users.find((u) => u.id === id);
      if (!user || (req.principal && !canSeeUser(req.principal, id)))
        throw new ApiError('not_found', `No user "${id}".`);
      // With a principal: the schedules it may see. Through a signed feed URL: those the person may see.
      const visible = canSee(
        req.principal ?? { teams: user.role === 'admin' ? null : teamsOf(config, user.id) },
      );
      const now = clock.now().getTime();
      const [from, to] = parseRange(req.query as z.output<typeof range>, now, 56);
      const entries: CalendarEntry[] = [];
      for (const spec of directory.schedules.values()) {
        if (!visible(spec.id)) continue;
        for (const s of await shiftsOf(spec.id, from, to, visible)) {
          if (s.user === id) entries.push({ ...s, user: id, scheduleId: spec.id, scheduleName: spec.name });
        }
      }
      entries.sort((a, b) => a.start - b.start);
      return reply.type('text/calendar; charset=utf-8').send(toICal(`On call: ${user.name}`, entries, now));
    },
  );
}
