/**
 * The one-tap action links: `GET /a/:incident/:token` shows a confirmation page and never acts (mail and
 * SMS link scanners open links by themselves); `POST /a/:incident/:token` acts, once. Public routes: the
 * signed token is the credential, so there is no session and no CSRF token. Browsers (Accept: text/html)
 * get a page in plain words; everything else (the service worker, ntfy, scripts) gets JSON, and errors in
 * the API's usual `{ error: { code, message } }` shape. Logs name the link id, never the token's MAC.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { ApiError } from '../errors/errors.ts';
import { ActionLinks } from './links.ts';
import { confirmPage, donePage, refusedPage } from './page.ts';
import { TOKEN_PATTERN } from './tokens.ts';
import { checkLink, useLink, type LinkUseConfig, type LinkUseDeps } from './use.ts';

export interface ActionRouteDeps {
  config: LinkUseConfig;
  store: KlaxonDatabase;
  clock: Clock;
  poke?: () => void;
}

const params = z.strictObject({
  incident: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  token: z.string().regex(TOKEN_PATTERN, 'not an action link token'),
});

const outcome = z.object({
  ok: z.literal(true),
  action: z.enum(['acknowledge', 'resolve']),
  incident: z.object({ id: z.number().int(), state: z.string() }),
  actor: z.string().describe('Who the change is recorded as: `<channel>:<user id>`, e.g. `push:alice`.'),
  message: z.string(),
});

/** A body is never read: the token in the path is the whole request. */
const BODY_LIMIT = 4096;

const wantsHtml = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/html');

export function actionRoutes(app: FastifyInstance, deps: ActionRouteDeps): void {
  const links = new ActionLinks({ db: deps.store.db, clock: deps.clock, config: deps.config });
  const use: LinkUseDeps = { ...deps, links };

  void app.register((scope, _opts, done) => {
    // An HTML form posts urlencoded, ntfy may post nothing, a script may post JSON: all are ignored.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, _body, next) => next(null, undefined));

    const handle = (method: 'GET' | 'POST') => async (req: FastifyRequest, reply: FastifyReply) => {
      void reply.header('cache-control', 'no-store');
      const raw = req.params as { incident?: string; token?: string };
      const linkId = /^[\w-]{16}\./.test(raw.token ?? '') ? raw.token!.slice(0, 16) : null;
      const html = wantsHtml(req);
      try {
        if (req.validationError)
          throw new ApiError('link_invalid', 'This link is not valid: it was cut short or altered.');
        const { incident, token } = req.params as z.output<typeof params>;
        const checked = await checkLink(use, incident, token);
        const actor = checked.principal.name;
        if (method === 'GET') {
          if (html)
            return reply.type('text/html; charset=utf-8').send(
              confirmPage({
                action: checked.action,
                incident: checked.incident,
                person: checked.person.name,
                path: `/a/${incident}/${token}`,
              }),
            );
          return {
            ok: true,
            action: checked.action,
            incident: { id: checked.incident.id, state: checked.incident.state },
            actor,
            message: `POST to this address to ${checked.action} incident #${incident} as ${checked.person.name}.`,
          };
        }
        const result = await useLink(use, checked);
        scope.log.info({ linkId, incident, action: checked.action, actor }, 'action link used');
        if (html) return reply.type('text/html; charset=utf-8').send(donePage(result.message, incident));
        return {
          ok: true,
          action: checked.action,
          incident: result.incident,
          actor,
          message: result.message,
        };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (method === 'POST') scope.log.info({ linkId, code: err.code }, 'action link refused');
        const incidentId = Number(raw.incident);
        if (!html) return reply.code(err.status).send(err.toBody());
        return reply
          .code(err.status)
          .type('text/html; charset=utf-8')
          .send(
            refusedPage(
              err.code,
              err.message,
              Number.isSafeInteger(incidentId) && incidentId > 0 ? incidentId : null,
            ),
          );
      }
    };

    const common = {
      bodyLimit: BODY_LIMIT,
      // The request log would carry the token; the handler logs the link id instead.
      logLevel: 'warn' as const,
      attachValidation: true,
    };
    scope.get(
      '/a/:incident/:token',
      {
        ...common,
        schema: {
          summary: 'An action link: a confirmation page (HTML) or what POST would do (JSON); never acts',
          tags: ['actions'],
          params,
          response: { 200: outcome },
        },
      },
      handle('GET'),
    );
    scope.post(
      '/a/:incident/:token',
      {
        ...common,
        schema: {
          summary: 'Use an action link: acknowledge or resolve as the person it was sent to, once',
          tags: ['actions'],
          params,
          response: { 200: outcome },
        },
      },
      handle('POST'),
    );
    done();
  });
}
