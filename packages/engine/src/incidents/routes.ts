/**
 * The incident API: list, read, acknowledge, resolve, add a note. Every change goes through
 * authorizeAction (auth/principal.ts), the check SMS, voice and Slack actions make too; viewers read an
 * incident without people's contact details.
 */
import { tierSchema } from '../alerts/tier.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { changesFor } from '../deployments/changes.ts';
import { changeSchema } from '../deployments/model.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { authorizeAction, canSeeService, hasRole, scopeServices, type Principal } from '../auth/principal.ts';
import { ApiError } from '../errors/errors.ts';
import type { IncidentRoutesConfig } from './config.ts';
import { incidentContext } from './context.ts';
import {
  alertSchema,
  contextSchema,
  escalationSchema,
  eventSchema,
  incidentSchema,
  notificationSchema,
  withoutContactDetails,
} from './model.ts';
import {
  acknowledgeIncident,
  addNote,
  changeOptions,
  escalateIncident,
  getIncident,
  listIncidents,
  resolveIncident,
} from './store.ts';
import { withChanges } from './timeline.ts';

export interface IncidentRouteDeps {
  config: IncidentRoutesConfig;
  store: KlaxonDatabase;
  clock: Clock;
  credentials: Credentials;
}

const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .max(1024)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

const listQuery = z.strictObject({
  state: csv(z.enum(['triggered', 'acknowledged', 'resolved']))
    .optional()
    .describe('Comma-separated states.'),
  tier: csv(tierSchema).optional().describe('Comma-separated tiers.'),
  service: csv(z.string().max(63)).optional().describe('Comma-separated service ids.'),
  team: csv(z.string().max(63)).optional().describe("Comma-separated team ids: their services' incidents."),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Return incidents with a smaller id (next page).'),
});

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const noteBody = z.strictObject({ text: z.string().trim().min(1, 'write the note text').max(10_000) });
const incidentOnly = z.object({ incident: incidentSchema });

export function incidentRoutes(app: FastifyInstance, deps: IncidentRouteDeps): void {
  const { config, store, clock, credentials } = deps;
  const viewer = requireRole(credentials, 'viewer');
  const responder = requireRole(credentials, 'responder');
  const security = [{ bearer: [] }];
  const options = changeOptions(config);
  /** Another team's incident is answered exactly like a missing one, so ids do not leak. */
  const notFound = (id: number) => new ApiError('not_found', `Incident ${id} does not exist.`);
  /** The one role and team check of every action; a missing incident is left to the action to report. */
  const checkCanAct = async (id: number, principal: Principal) => {
    const row = await store.db
      .selectFrom('incidents')
      .select('service_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return;
    const decision = authorizeAction(config, principal, row.service_id, 'responder');
    if (!decision.allowed)
      throw decision.reason === 'team' ? notFound(id) : new ApiError('forbidden', decision.message);
  };

  app.get(
    '/api/v1/incidents',
    {
      schema: {
        summary: 'List incidents, newest first',
        tags: ['incidents'],
        security,
        querystring: listQuery,
        response: {
          200: z.object({ incidents: z.array(incidentSchema), nextBefore: z.number().int().nullable() }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const q = req.query as z.output<typeof listQuery>;
      const services = scopeServices(config, req.principal!, q.service, q.team);
      if (services?.length === 0) return { incidents: [], nextBefore: null };
      const incidents = await listIncidents(store, {
        states: q.state,
        tiers: q.tier,
        services,
        limit: q.limit,
        before: q.before,
      });
      const last = incidents[incidents.length - 1];
      return { incidents, nextBefore: incidents.length === q.limit && last ? last.id : null };
    },
  );

  app.get(
    '/api/v1/incidents/:id',
    {
      schema: {
        summary: 'One incident with its alerts and timeline',
        tags: ['incidents'],
        security,
        params: idParams,
        response: {
          200: z.object({
            incident: incidentSchema,
            alerts: z.array(alertSchema),
            timeline: z.array(eventSchema),
            notifications: z.array(notificationSchema),
            escalation: escalationSchema.nullable(),
            context: contextSchema,
            changes: z
              .array(changeSchema)
              .describe(
                'What changed: deployments to the service and its dependencies before the incident opened, newest first. They are also on the timeline as change.deployed entries (id 0).',
              ),
          }),
        },
      },
      preValidation: viewer,
    },
    async (req) => {
      const { id } = req.params as z.output<typeof idParams>;
      const detail = await getIncident(store, id);
      const { incident } = detail;
      if (!canSeeService(config, req.principal!, incident.service)) throw notFound(id);
      const changes =
        (
          await changesFor(store.db, config, [
            { id: incident.id, service: incident.service, openedAt: Date.parse(incident.createdAt) },
          ])
        ).get(incident.id) ?? [];
      // Viewers (people and tokens) do not see how people are reached, as /users does not show them.
      const shown = hasRole(req.principal!, 'responder') ? detail : withoutContactDetails(detail);
      return {
        ...shown,
        timeline: withChanges(shown.timeline, changes),
        context: incidentContext(config, incident, detail.alerts),
        changes,
      };
    },
  );

  const action = (name: string, summary: string, run: typeof acknowledgeIncident) =>
    app.post(
      `/api/v1/incidents/:id/${name}`,
      {
        schema: { summary, tags: ['incidents'], security, params: idParams, response: { 200: incidentOnly } },
        preValidation: responder,
      },
      async (req) => {
        const { id } = req.params as z.output<typeof idParams>;
        await checkCanAct(id, req.principal!);
        return { incident: await run(store, id, req.principal!.name, clock.now().getTime(), options) };
      },
    );
  action('acknowledge', 'Acknowledge an incident (stops its escalation)', acknowledgeIncident);
  action('resolve', 'Resolve an incident and its firing alerts', resolveIncident);
  action(
    'escalate',
    "Escalate now: the escalation's next step fires at once instead of after its delay",
    escalateIncident,
  );

  app.post(
    '/api/v1/incidents/:id/notes',
    {
      schema: {
        summary: 'Add a note to the incident timeline',
        tags: ['incidents'],
        security,
        params: idParams,
        body: noteBody,
        response: { 201: z.object({ event: eventSchema }) },
      },
      preValidation: responder,
    },
    async (req, reply) => {
      const { id } = req.params as z.output<typeof idParams>;
      const { text } = req.body as z.output<typeof noteBody>;
      await checkCanAct(id, req.principal!);
      const event = await addNote(store, id, req.principal!.name, text, clock.now().getTime());
      return reply.code(201).send({ event });
    },
  );
}
