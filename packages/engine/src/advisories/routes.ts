/**
 * The advisories API (issue 23): the list of a team's T3 advisories, newest first, and the review of
 * many at once. A person sees only their teams' advisories (another team's answers as not found); every
 * decision goes through authorizeAction, as every action on an incident does.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import type { ServicesView } from '../auth/config.ts';
import { scopeServices } from '../auth/principal.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { IncidentChangesConfig } from '../incidents/config.ts';
import { promoteOptions } from '../incidents/promote.ts';
import {
  ADVISORY_STATES,
  NOTE_MAX,
  PROMOTE_TIERS,
  REASON_MAX,
  REVIEW_ACTIONS,
  advisorySchema,
} from './model.ts';
import { reviewAdvisories } from './review.ts';
import { listAdvisories } from './store.ts';

/** What the advisories API reads: team scoping and the tier policies a promotion pages through. */
export type AdvisoryRoutesConfig = ServicesView & IncidentChangesConfig;

export interface AdvisoryRouteDeps {
  config: AdvisoryRoutesConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
  /** Wakes the engine loop: a promotion's first page goes out now, not at the next interval. */
  poke?: () => void;
}

const csv = (max: number) =>
  z
    .string()
    .max(1024)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(max)).max(50));

const listQuery = z.strictObject({
  team: csv(63).optional().describe('Comma-separated team ids.'),
  service: csv(63).optional().describe('Comma-separated service ids.'),
  alert: csv(200).optional().describe('Comma-separated alert names.'),
  state: z
    .enum([...ADVISORY_STATES, 'all'])
    .default('all')
    .describe('Only advisories in this review state (default: all).'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('The `nextBefore` of the previous page.'),
});

const reviewBody = z
  .strictObject({
    incidentIds: z
      .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
      .min(1, 'select at least one advisory')
      .max(200, 'review at most 200 advisories at once')
      .refine((ids) => new Set(ids).size === ids.length, 'list each incident id once'),
    action: z.enum(REVIEW_ACTIONS),
    note: z.string().max(NOTE_MAX).optional().describe('Optional, for any action.'),
    reason: z.string().max(REASON_MAX).optional().describe('Why they are noise; required to dismiss.'),
    tier: z.enum(PROMOTE_TIERS).optional().describe('The tier to promote to; required to promote.'),
  })
  .superRefine((b, ctx) => {
    if (b.action === 'dismiss' && !b.reason?.trim())
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say why these advisories are noise' });
    if (b.action === 'promote' && !b.tier)
      ctx.addIssue({ code: 'custom', path: ['tier'], message: 'say which tier to promote to: T1 or T2' });
  });

const resultSchema = z.discriminatedUnion('ok', [
  z.object({ incidentId: z.number().int(), ok: z.literal(true), advisory: advisorySchema }),
  z.object({ incidentId: z.number().int(), ok: z.literal(false), code: z.string(), message: z.string() }),
]);

export function advisoryRoutes(app: FastifyInstance, deps: AdvisoryRouteDeps): void {
  const { config, store, clock, credentials } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const promote = promoteOptions(config, store.locker);

  app.get(
    '/api/v1/advisories',
    {
      schema: {
        summary: "List T3 advisories of the caller's teams, newest first",
        tags: ['advisories'],
        security,
        querystring: listQuery,
        response: {
          200: z.object({
            advisories: z.array(advisorySchema),
            unreviewed: z
              .number()
              .int()
              .describe(
                'Unreviewed advisories the caller can see under the same team, service and alert filters.',
              ),
            nextBefore: z.number().int().nullable(),
          }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const q = req.query as z.output<typeof listQuery>;
      const services = scopeServices(config, req.principal!, q.service);
      if (services?.length === 0) return { advisories: [], unreviewed: 0, nextBefore: null };
      return listAdvisories(store.db, {
        services,
        teams: q.team,
        alerts: q.alert,
        state: q.state,
        limit: q.limit,
        before: q.before,
      });
    },
  );

  app.post(
    '/api/v1/advisories/review',
    {
      schema: {
        summary: 'Review, dismiss as noise, or promote (pages at once) up to 200 advisories',
        description:
          'Each id is decided on its own: the answer lists, per id, the advisory as it is now or why it was refused (`not_found`, also for another team’s; `not_an_advisory`; `advisory_decided`: a reviewed or dismissed advisory can only be promoted, a promoted one is final).',
        tags: ['advisories'],
        security,
        body: reviewBody,
        response: { 200: z.object({ results: z.array(resultSchema) }) },
      },
      preValidation: responder,
    },
    async (req) => {
      const body = req.body as z.output<typeof reviewBody>;
      const results = await reviewAdvisories(store.db, req.principal!, body, clock.now().getTime(), {
        config,
        promote,
        poke: deps.poke,
      });
      return { results };
    },
  );
}
