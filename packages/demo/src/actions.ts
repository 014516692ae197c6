/**
 * What a scenario does besides turning knobs: stop Prometheus or Alertmanager, or report a deployment to
 * the engine (`POST /api/v1/deployments`) as a CI pipeline would. And the check that a page names the
 * deployment in its "Changed:" line, as the person reads the message (the observer's deliveries carry its text).
 */
import type { Observer } from './observe.ts';
import { PAGING_CHANNELS, type Delivery } from './observe.ts';
import type { Stack } from './stack.ts';

export interface Deployment {
  /** An engine service id (`services[].id`). */
  service: string;
  version: string;
  author?: string;
}

export type ScenarioAction =
  { atMs: number; stop: 'prometheus' | 'alertmanager' } | { atMs: number; deploy: Deployment };

export const isStop = (a: ScenarioAction): a is Extract<ScenarioAction, { stop: unknown }> => 'stop' in a;

/** Reports a deployment to the engine; throws with the engine's answer when it is refused. */
export async function reportDeployment(stack: Stack, d: Deployment): Promise<void> {
  const res = await fetch(`${stack.urls.engine}/api/v1/deployments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.tokens.responder}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...d, environment: 'production' }),
    signal: AbortSignal.timeout(5000),
  });
  if (res.status !== 201)
    throw new Error(`deploy ${d.service} ${d.version}: HTTP ${res.status} ${await res.text()}`);
}

/** Schedules the actions `atMs` after now; failures land in `errors`. Returns the timers to clear. */
export function scheduleActions(
  stack: Stack,
  actions: readonly ScenarioAction[],
  observer: Observer,
  errors: string[],
): NodeJS.Timeout[] {
  return actions.map((a) =>
    setTimeout(() => {
      if (isStop(a)) {
        observer.emit('action', `stopping ${a.stop} (the Watchdog stops reaching the engine)`);
        const svc = a.stop === 'prometheus' ? stack.prometheus : stack.alertmanager;
        svc.stop().catch((err: unknown) => errors.push(String(err)));
        return;
      }
      const d = a.deploy;
      observer.emit(
        'action',
        `deployment reported: ${d.service} ${d.version}${d.author ? ` by ${d.author}` : ''}`,
      );
      reportDeployment(stack, d).catch((err: unknown) => errors.push(String(err)));
    }, a.atMs),
  );
}

/** One check per expected mention: some page (call, SMS or push) since `sinceMs` carries the text. */
export function mentionChecks(
  deliveries: readonly Delivery[],
  mentions: readonly string[],
  sinceMs: number,
): { ok: boolean; expected: string; actual: string }[] {
  if (mentions.length === 0) return [];
  const pages = deliveries.filter(
    (d) => d.kind === 'page' && PAGING_CHANNELS.has(d.channel) && d.at >= sinceMs,
  );
  return mentions.map((mention) => {
    const hits = pages.filter((d) => d.text.includes(mention));
    const changed = pages.map((d) => /Changed: [^\n]*/.exec(d.text)?.[0]);
    return {
      ok: hits.length > 0,
      expected: `a page's message mentions "${mention}"`,
      actual:
        hits.length > 0
          ? `in the ${[...new Set(hits.map((d) => d.channel))].join(', ')} page(s)`
          : pages.length === 0
            ? 'no page was sent'
            : `the pages said: ${[...new Set(changed.map((c) => c ?? 'no "Changed:" line'))].join('; ')}`,
    };
  });
}
