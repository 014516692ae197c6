/**
 * `GET /api/v1/stream`: server-sent events for the web UI. Each `incident` event carries the incident
 * as the list returns it, whenever it, its timeline or its notifications change; only incidents the
 * caller may see are sent. A comment line every 15 s keeps proxies from closing the connection.
 */
import type { FastifyInstance } from 'fastify';
import type { ServicesView } from '../auth/config.ts';
import { requireRole, type Credentials } from '../auth/credentials.ts';
import { visibleServices } from '../auth/principal.ts';
import type { IncidentFeed } from './feed.ts';

export interface StreamRouteDeps {
  config: ServicesView;
  credentials: Credentials;
  feed: IncidentFeed;
  /** Milliseconds between keep-alive comments. */
  pingMs?: number;
}

export function streamRoutes(app: FastifyInstance, deps: StreamRouteDeps): void {
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  app.get(
    '/api/v1/stream',
    {
      schema: {
        summary: 'Live incident changes as server-sent events (event: incident, data: the incident)',
        tags: ['incidents'],
        security: [{ bearer: [] }],
      },
      preValidation: requireRole(deps.credentials, 'viewer'),
    },
    async (req, reply) => {
      const visible = visibleServices(deps.config, req.principal!);
      reply.hijack();
      const res = reply.raw;
      let ended = false;
      // Changes reported before the response head is out wait here, so none is lost or sent early.
      let pending: string[] | null = [];
      const send = (chunk: string) => (pending ? pending.push(chunk) : res.write(chunk));
      const ping = setInterval(() => send(': ping\n\n'), deps.pingMs ?? 15_000);
      const unsubscribe = deps.feed.subscribe((incidents) => {
        for (const incident of incidents) {
          if (visible && !visible.has(incident.service)) continue;
          send(
            `event: incident\nid: ${incident.id}-${incident.updatedAt}\ndata: ${JSON.stringify(incident)}\n\n`,
          );
        }
      });
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(ping);
        unsubscribe();
        open.delete(end);
        res.end();
      };
      open.add(end);
      req.raw.on('close', end);
      // The head goes out only once the feed knows where "now" is, so a client that sees the stream open
      // (EventSource's onopen) gets every change made after that moment.
      await deps.feed.ready();
      if (ended) return;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n: connected\n\n' + pending.join(''));
      pending = null;
    },
  );
}
