/**
 * Issue 23's check on a scenario that expects an advisory: the T3 incident it opened is listed by the
 * engine's Advisories API (what the Advisories page shows), unreviewed until someone reviews it. The
 * engine's advisories pass runs every few seconds, so the check waits for it a little.
 */
import type { Observer } from './observe.ts';
import { sleep } from './processes.ts';
import type { Check } from './runner.ts';
import type { Stack } from './stack.ts';

interface AdvisoryDto {
  incidentId: number;
  service: string;
  alert: string;
  state: string;
}

/** Long enough for two advisories passes (every 5 s) after the incident opened. */
export const ADVISORY_WAIT_MS = 15_000;

export async function advisoryListedCheck(
  stack: Stack,
  observer: Observer,
  t0: number,
  o: { now: () => number; waitMs?: number },
): Promise<Check> {
  const t3 = [...observer.incidents.values()].filter((i) => i.tier === 'T3' && i.createdAt >= t0 - 1000);
  const expected = 'the T3 incident is listed on the Advisories page (GET /api/v1/advisories), unreviewed';
  if (t3.length === 0) return { ok: false, expected, actual: 'no T3 incident was opened' };
  const wanted = new Set(t3.map((i) => i.id));
  const deadline = o.now() + (o.waitMs ?? ADVISORY_WAIT_MS);
  let last: string;
  for (;;) {
    try {
      const res = await fetch(`${stack.urls.engine}/api/v1/advisories?state=all&limit=100`, {
        headers: { authorization: `Bearer ${stack.tokens.viewer}`, accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
      else {
        const { advisories } = (await res.json()) as { advisories: AdvisoryDto[] };
        const hit = advisories.find((a) => wanted.has(a.incidentId));
        if (hit && hit.state === 'unreviewed')
          return {
            ok: true,
            expected,
            actual: `incident #${hit.incidentId} listed: ${hit.alert} on ${hit.service}, ${hit.state}`,
          };
        last = hit
          ? `incident #${hit.incidentId} listed as ${hit.state}`
          : `not listed; advisories were: ${advisories.map((a) => `#${a.incidentId} ${a.alert}`).join(', ') || 'none'}`;
      }
    } catch (err) {
      last = String(err);
    }
    if (o.now() >= deadline) return { ok: false, expected, actual: last };
    await sleep(1000);
  }
}
