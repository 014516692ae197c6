/**
 * Read views of the organisation the config describes: services (with their open incidents and any
 * maintenance window now), teams and people. People come without contact details: the UI needs names
 * and teams, not phone numbers.
 */
import { tierSchema } from '../alerts/tier.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { teamsOf, visibleServices } from '../auth/principal.ts';
import { toWindowDto, windowSchema } from '../maintenance/model.ts';
import type { OrgConfig } from './config.ts';

export interface OrgRouteDeps {
  /** The org slice, and Grafana's URL (links, a higher slice) for dashboard links. */
  config: OrgConfig & { links: { grafanaUrl?: string | undefined } };
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
}

const serviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  team: z.string(),
  description: z.string().nullable(),
  defaultTier: tierSchema,
  dependsOn: z.array(z.string()),
  dashboardUrl: z.string().nullable(),
  runbookUrl: z.string().nullable(),
  maintenance: windowSchema.nullable(),
  openIncidents: z.number().int(),
});

export function orgRoutes(app: FastifyInstance, deps: OrgRouteDeps): void {
  const { config, store, clock, credentials } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const security = [{ bearer: [] }];
  const grafana = config.links.grafanaUrl?.replace(/\/$/, '');

  app.get(
    '/api/v1/services',
    {
      schema: {
        summary: 'The services you may see, with open incidents and any maintenance window now',
        tags: ['organisation'],
        security,
        response: { 200: z.object({ services: z.array(serviceSchema) }) },
      },
      preValidation: viewer,
    },
    async (req) => {
      const visible = visibleServices(config, req.principal!);
      const services = config.services.filter((s) => !visible || visible.has(s.id));
      const ids = services.map((s) => s.id);
      const now = clock.now().getTime();
      const [open, windows] =
        ids.length === 0
          ? [[], []]
          : await Promise.all([
              store.db
                .selectFrom('incidents')
                .select(['service_id', (eb) => eb.fn.countAll<number>().as('n')])
                .where('state', '!=', 'resolved')
                .where('service_id', 'in', ids)
                .groupBy('service_id')
                .execute(),
              store.db
                .selectFrom('maintenance_windows')
                .selectAll()
                .where('service_id', 'in', ids)
                .where('starts_at', '<=', now)
                .where('ends_at', '>', now)
                .orderBy('ends_at', 'desc')
                .execute(),
            ]);
      const openBy = new Map(open.map((r) => [r.service_id, Number(r.n)]));
      return {
        services: services.map((s) => {
          const w = windows.find((x) => x.service_id === s.id);
          return {
            id: s.id,
            name: s.name,
            team: s.team,
            description: s.description ?? null,
            defaultTier: s.defaultTier,
            dependsOn: s.dependsOn,
            dashboardUrl:
              grafana && s.dashboard ? `${grafana}/d/${encodeURIComponent(s.dashboard.uid)}` : null,
            runbookUrl: s.runbookUrl ?? null,
            maintenance: w ? toWindowDto(w) : null,
            openIncidents: openBy.get(s.id) ?? 0,
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/teams',
    {
      schema: {
        summary: 'Teams with their members and lead',
        tags: ['organisation'],
        security,
        response: {
          200: z.object({
            teams: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                members: z.array(z.string()),
                lead: z.string().nullable(),
              }),
            ),
          }),
        },
      },
      preValidation: viewer,
    },
    () => ({
      teams: config.teams.map((t) => ({ id: t.id, name: t.name, members: t.members, lead: t.lead ?? null })),
    }),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        summary: 'People: id, name, time zone and teams (no contact details)',
        tags: ['organisation'],
        security,
        response: {
          200: z.object({
            users: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                timezone: z.string(),
                teams: z.array(z.string()),
              }),
            ),
          }),
        },
      },
      preValidation: viewer,
    },
    () => ({
      users: config.users.map((u) => ({
        id: u.id,
        name: u.name,
        timezone: u.timezone,
        teams: teamsOf(config, u.id),
      })),
    }),
  );
}
