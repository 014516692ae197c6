/** `GET /api/v1/analytics`: the on-call health figures for a range. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import type { ServicesView } from '../auth/config.ts';
import { visibleServices } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import { computeAnalytics } from './analytics.ts';
import type { AnalyticsConfig } from './config.ts';

const time = z.iso.datetime({ offset: true, error: 'use an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z' });
const query = z.strictObject({
  from: time.optional().describe('Default: 7 days before `to`.'),
  to: time.optional().describe('Default: now.'),
});
const advisories = z.object({
  opened: z.number().describe('T3 advisories opened in the range.'),
  unreviewed: z.number().describe('Of those, the ones still unreviewed.'),
  reviewedWithinOneBusinessDay: z
    .number()
    .nullable()
    .describe(
      'Share (0..1) of those reviewed, dismissed or promoted by the end of the first full business day after they opened; null when none opened.',
    ),
  dismissedAsNoise: z
    .array(z.object({ alert: z.string(), service: z.string(), count: z.number() }))
    .describe('Advisories dismissed as noise in the range, per alert and service, most first (top 20).'),
});
const figures = z.object({
  incidents: z.number(),
  alertsReceived: z.number(),
  pagesSent: z.number(),
  noiseRatio: z.number().nullable(),
  mttaSeconds: z.number().nullable(),
  mttrSeconds: z.number().nullable(),
  t1AckedWithin5m: z.number().nullable(),
});

export function analyticsRoutes(
  app: FastifyInstance,
  deps: {
    config: AnalyticsConfig & ServicesView;
    store: KlaxonDatabase;
    clock: Clock;
    credentials: Credentials;
  },
): void {
  app.get(
    '/api/v1/analytics',
    {
      schema: {
        summary:
          'MTTA, MTTR, alerts, incidents, pages, noise and off-hours pages, by tier and by service, pages per week, and the T3 advisories’ review; only the services you may see',
        tags: ['analytics'],
        security: [{ bearer: [] }],
        querystring: query,
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            total: figures,
            byTier: z.record(z.string(), figures),
            byService: z.record(z.string(), figures),
            offHoursPages: z.array(z.object({ user: z.string(), pages: z.number() })),
            pagesPerWeek: z.array(
              z.object({ weekStart: z.string(), T1: z.number(), T2: z.number(), T3: z.number() }),
            ),
            advisories,
          }),
        },
      },
      preValidation: requireRole(deps.credentials, 'viewer'),
    },
    async (req) => {
      const q = req.query as z.output<typeof query>;
      const now = deps.clock.now().getTime();
      const to = q.to ? Date.parse(q.to) : now;
      const from = q.from ? Date.parse(q.from) : to - 7 * 86_400_000;
      if (to <= from) throw new ApiError('invalid_query', 'to must be after from.');
      return computeAnalytics(
        deps.store.db,
        deps.config,
        from,
        to,
        visibleServices(deps.config, req.principal!),
        now,
      );
    },
  );
}
