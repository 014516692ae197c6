/**
 * Graceful shutdown under one deadline: phases run one after the other, the steps of a phase side by
 * side. When the deadline passes first, the report names every step that had not finished (and what it
 * was still waiting for) instead of waiting on it: the caller logs that and exits non-zero, and what was
 * abandoned is safe to abandon (work lives in rows; a send left in `sending` is claimed again once stale).
 */

/** One thing to finish before the process may exit. */
export interface ShutdownStep {
  /** Short and stable: it names the step in logs ("http", "engine", "delivery"). */
  name: string;
  run: () => Promise<void>;
  /** What the step is still waiting for, asked only when the deadline passes first. */
  pending?: () => Promise<string> | string;
}

export interface ShutdownReport {
  /** Every step finished, without error, before the deadline. */
  ok: boolean;
  elapsedMs: number;
  /** Steps that had not finished at the deadline, each with what it was waiting for. */
  abandoned: string[];
  /** Steps that threw: `name: message`. */
  failed: string[];
}

/**
 * Runs `phases` in order within `timeoutMs` (no deadline when it is not finite).
 *
 * @example
 * const report = await runShutdown(
 *   [[{ name: 'http', run: () => app.close() }], [{ name: 'database', run: () => store.close() }]],
 *   { timeoutMs: 25_000 },
 * );
 * if (!report.ok) log.error(report, 'shutdown incomplete');
 */
export async function runShutdown(
  phases: readonly (readonly ShutdownStep[])[],
  o: { timeoutMs: number },
): Promise<ShutdownReport> {
  const started = performance.now();
  const begun = new Set<ShutdownStep>();
  const done = new Set<ShutdownStep>();
  const failed: string[] = [];
  const all = async () => {
    for (const phase of phases)
      await Promise.all(
        phase.map(async (step) => {
          begun.add(step);
          try {
            await step.run();
          } catch (err) {
            failed.push(`${step.name}: ${err instanceof Error ? err.message : String(err)}`);
          } finally {
            done.add(step);
          }
        }),
      );
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    if (Number.isFinite(o.timeoutMs)) timer = setTimeout(() => resolve('deadline'), o.timeoutMs);
  });
  const outcome = await Promise.race([all().then(() => 'finished' as const), deadline]);
  clearTimeout(timer);
  const abandoned: string[] = [];
  if (outcome === 'deadline') {
    for (const step of phases.flat()) {
      if (done.has(step)) continue;
      if (!begun.has(step)) {
        abandoned.push(`${step.name} (not started)`);
        continue;
      }
      const what = await Promise.resolve(step.pending?.()).catch(() => undefined);
      abandoned.push(what ? `${step.name} (${what})` : step.name);
    }
  }
  return {
    ok: outcome === 'finished' && failed.length === 0,
    elapsedMs: Math.round(performance.now() - started),
    abandoned,
    failed,
  };
}

/** Resolves after `ms`; the drain delay between "not ready" and closing the socket. */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
