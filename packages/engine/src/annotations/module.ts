/**
 * The `annotations` engine module: pushes the queued `grafana_annotations` rows to Grafana's HTTP API. A
 * tick claims due rows (queued → sending) in its transaction; after the commit each is sent with a short
 * timeout: `POST /api/annotations` the first time, `PATCH /api/annotations/:id` after a change. Failures
 * are retried with exponential backoff and jitter until `grafana.maxAttempts`. It is a module of its own
 * over rows of its own, and sends in the background, so a slow or dead Grafana never delays a page.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock/clock.ts';
import type { Database, GrafanaAnnotationRow } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import { outboxWorker, retryDelayMs } from '../engine/outbox.ts';
import type { GrafanaConfig } from './config.ts';
import type { AnnotationBody } from './tags.ts';

const CLAIM = 50;

export interface AnnotationDeps {
  grafana: GrafanaConfig;
  db: Kysely<Database>;
  clock: Clock;
  /** Random source for jitter; injectable for tests. */
  random?: () => number;
  /** Reports a push that failed (logged by the server). */
  onError?: (row: GrafanaAnnotationRow, error: string) => void;
}

export interface AnnotationModule extends EngineModule {
  /** Resolves when every push started so far has finished. */
  drain(): Promise<void>;
}

class PushError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function annotationModule(deps: AnnotationDeps): AnnotationModule {
  const timeoutMs = deps.grafana.timeoutSeconds * 1000;
  const worker = outboxWorker({
    name: 'annotations',
    table: 'grafana_annotations',
    everyMs: 1000,
    claimLimit: CLAIM,
    staleMs: timeoutMs * 2 + 60_000,
    // Each row on its own: one that fails does not hold up the others.
    deliver: async (rows) => {
      await Promise.all(rows.map((row) => push(deps, row).catch(() => undefined)));
    },
  });
  return { ...worker.module, drain: worker.drain };
}

async function push(deps: AnnotationDeps, row: GrafanaAnnotationRow): Promise<void> {
  const { db, clock, grafana } = deps;
  const body = JSON.parse(row.body) as AnnotationBody;
  let grafanaId = row.grafana_id;
  try {
    if (grafanaId === null) grafanaId = await create(grafana, body);
    else {
      try {
        await request(grafana, 'PATCH', `/api/annotations/${grafanaId}`, body);
      } catch (err) {
        // Someone deleted it in Grafana: put it back rather than fail for ever.
        if (!(err instanceof PushError && err.status === 404)) throw err;
        grafanaId = await create(grafana, body);
      }
    }
  } catch (err) {
    const e = err instanceof PushError ? err : toPushError(err);
    await failed(deps, row, grafanaId, e);
    return;
  }
  const t = clock.now().getTime();
  await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('grafana_annotations')
      .select('version')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    // Changed while we were sending (the incident resolved): push again at once, as a PATCH.
    const changed = current.version !== row.version;
    await trx
      .updateTable('grafana_annotations')
      .set({
        grafana_id: grafanaId,
        status: changed ? 'queued' : 'sent',
        attempts: changed ? 0 : row.attempts,
        last_error: null,
        sent_at: t,
        due_at: t,
        updated_at: t,
      })
      .where('id', '=', row.id)
      .execute();
  });
}

async function failed(
  deps: AnnotationDeps,
  row: GrafanaAnnotationRow,
  grafanaId: number | null,
  e: PushError,
): Promise<void> {
  const { grafana, clock, db } = deps;
  const t = clock.now().getTime();
  const retry = e.retryable && row.attempts < grafana.maxAttempts;
  const dueAt =
    t +
    retryDelayMs({
      attempt: row.attempts,
      baseMs: grafana.retryBaseSeconds * 1000,
      maxMs: grafana.retryMaxSeconds * 1000,
      random: deps.random ?? Math.random,
    });
  const message = e.message.slice(0, 500);
  await db
    .updateTable('grafana_annotations')
    .set({
      status: retry ? 'queued' : 'failed',
      grafana_id: grafanaId,
      due_at: retry ? dueAt : t,
      last_error: message,
      updated_at: t,
    })
    .where('id', '=', row.id)
    .execute();
  deps.onError?.(row, message);
}

async function create(grafana: GrafanaConfig, body: AnnotationBody): Promise<number> {
  const answer = (await request(grafana, 'POST', '/api/annotations', body)) as { id?: unknown };
  if (typeof answer.id !== 'number')
    throw new PushError(`Grafana answered without an annotation id: ${JSON.stringify(answer)}`, true);
  return answer.id;
}

async function request(
  grafana: GrafanaConfig,
  method: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const res = await fetch(`${grafana.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${grafana.token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(grafana.timeoutSeconds * 1000),
  });
  const text = await res.text();
  if (!res.ok) {
    const hint =
      res.status === 401 || res.status === 403
        ? '; check grafana.token: a service account token with annotations:create and annotations:write'
        : '';
    throw new PushError(
      `Grafana answered ${res.status} to ${method} ${path}: ${text.slice(0, 200)}${hint}`,
      res.status === 408 || res.status === 429 || res.status >= 500,
      res.status,
    );
  }
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    return {};
  }
}

function toPushError(err: unknown): PushError {
  const e = err as Error;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new PushError('Grafana timed out', true);
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  // fetch reports refused connections, resets and DNS failures as TypeError: worth another try.
  return new PushError(`Grafana unreachable: ${cause ?? e.message}`, true);
}
