/** The engine's standard modules, in the order each cycle runs them. */
import { annotationModule, type AnnotationModule } from '../annotations/module.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonConfig } from '../config/schema.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import { deviceDirectory } from '../devices/store.ts';
import { handoffModule } from '../oncall/handoffs.ts';
import { requestsModule } from '../schedules/requests-module.ts';
import { shiftNotifier } from '../shifts/notifier.ts';
import { heartbeatModule } from '../heartbeat/module.ts';
import { escalationModule, type EscalationModule } from '../escalation/module.ts';
import type { EngineMetrics } from '../metrics/metrics.ts';
import { deliveryModule, type DeliveryModule } from '../delivery/module.ts';
import { ProviderRegistry } from '../delivery/registry.ts';
import { OnCallDirectory } from '../oncall/directory.ts';
import { retriggerIncidents } from '../incidents/store.ts';
import type { EngineModule } from '../engine/loop.ts';
import { inSavepoint } from '../engine/savepoint.ts';
import type { ApplyResult } from '../incidents/apply.ts';
import type { Database, NotificationRow } from '../db/tables.ts';
import type { Transaction } from 'kysely';
import { retentionModule } from '../retention/module.ts';
import { holidaysModule, type HolidaysLogger } from '../holidays/module.ts';
import type { FetchLike } from '../holidays/download.ts';
import { advisoriesModule } from '../advisories/module.ts';
import { digestModule, wantsDigest } from '../advisories/digest.ts';
import { deadlineModule } from '../advisories/deadline.ts';

export interface ModuleOptions {
  clock: Clock;
  directory?: OnCallDirectory;
  registry?: ProviderRegistry;
  metrics?: EngineMetrics;
  /** Asks the loop for another cycle now. */
  poke?: () => void;
  /** Leave out delivery (tests that only look at what is queued). */
  delivery?: boolean;
  /** Random source for the annotations' retry jitter (tests). */
  random?: () => number;
  /** Called when firing step 0 in an ingest transaction failed (the engine's next cycle fires it). */
  onFirstPagesError?: (err: unknown) => void;
  /** Called when a Grafana annotation push fails. */
  onAnnotationError?: (ref: string, error: string) => void;
  /** How the holidays module reads iCal calendars (tests pass their own); default: the global fetch. */
  holidaysFetch?: FetchLike;
  /** Where a failed holidays calendar read is logged. */
  logger?: HolidaysLogger | undefined;
}

export interface StandardModules {
  modules: EngineModule[];
  escalation: EscalationModule;
  /**
   * Inside an ingest transaction, after its alerts are applied: fires step 0 of the escalations it
   * started and claims the incidents' due announcements; what it returns hands them to delivery after
   * the commit and wakes the loop by the next step's due time. A failure here rolls back to a savepoint
   * and leaves the rows due for the next cycle (woken at once): it never fails the ingest.
   */
  firstPages: (
    trx: Transaction<Database>,
    results: readonly ApplyResult[],
    now: number,
    wake: (at: number) => void,
  ) => Promise<(() => void) | undefined>;
  delivery: DeliveryModule | null;
  /** Grafana annotations; null when `grafana` is not configured. */
  annotations: AnnotationModule | null;
}

/** Heartbeat, escalation, delivery, handoffs, shift requests, Grafana annotations and retention, from the config. */
export function standardModules(
  config: KlaxonConfig,
  store: KlaxonDatabase,
  opts: ModuleOptions,
): StandardModules {
  const directory = opts.directory ?? new OnCallDirectory(config);
  const modules: EngineModule[] = [];
  const heartbeat = heartbeatModule(config, store.locker);
  if (heartbeat) modules.push(heartbeat);
  const delivery: DeliveryModule | null =
    opts.delivery === false
      ? null
      : deliveryModule({
          config,
          db: store.db,
          clock: opts.clock,
          registry:
            opts.registry ??
            ProviderRegistry.fromConfig(config, opts.clock, deviceDirectory(store.db, opts.clock)),
          metrics: opts.metrics,
          poke: opts.poke,
        });
  const escalation = escalationModule({
    config,
    directory,
    dispatch: delivery ? (rows) => delivery.dispatch(rows) : undefined,
    retrigger: retriggerIncidents,
  });
  modules.push(escalation);
  if (delivery) modules.push(delivery);
  const handoffs = handoffModule(directory);
  if (handoffs) modules.push(handoffs);
  const requests = requestsModule(config, shiftNotifier(config));
  if (requests) modules.push(requests);
  // T3 advisories: a review row for each new T3 incident (issue 23).
  modules.push(advisoriesModule(config));
  // The daily digest and the review deadline: low-urgency messages, handed to delivery after the commit.
  const dispatchNotices = delivery ? (rows: NotificationRow[]) => delivery.dispatch(rows) : undefined;
  // Only teams with an `advisories` block get a digest: with none, the module has nothing to do.
  if (config.advisories.digest && config.teams.some(wantsDigest))
    modules.push(digestModule({ config, dispatch: dispatchNotices }));
  if (config.advisories.deadline)
    modules.push(deadlineModule({ config, dispatch: dispatchNotices, logger: opts.logger }));
  // Last, and only over its own rows: a slow Grafana never holds up paging.
  const annotations = config.grafana
    ? annotationModule({
        grafana: config.grafana,
        db: store.db,
        clock: opts.clock,
        random: opts.random,
        onError: opts.onAnnotationError ? (row, e) => opts.onAnnotationError!(row.ref, e) : undefined,
      })
    : null;
  if (annotations) modules.push(annotations);
  // The holidays iCal calendars: read after the commit, over rows of its own, like the annotations.
  const holidays = holidaysModule({
    config,
    db: store.db,
    clock: opts.clock,
    fetch: opts.holidaysFetch,
    logger: opts.logger,
    metrics: opts.metrics,
  });
  if (holidays) modules.push(holidays);
  // Housekeeping, after the paging work: small batches of old alerts and timeline details.
  const retention = retentionModule(config, { registry: opts.metrics?.registry });
  if (retention) modules.push(retention);
  const firstPages: StandardModules['firstPages'] = async (trx, results, now, wake) => {
    const ids = [
      ...new Set(results.flatMap((r) => (r.notifies && r.incidentId !== null ? [r.incidentId] : []))),
    ];
    if (ids.length === 0) return undefined;
    const { rowLocks } = store.locker;
    const done = await inSavepoint(trx, 'first_pages', async () => {
      const fired = await escalation.firstSteps(trx, ids, now, rowLocks);
      const announced = delivery ? await delivery.claimFor(trx, ids, now, rowLocks) : [];
      return { claimed: [...fired.claimed, ...announced], nextAt: fired.nextAt };
    });
    if (!done.ok) {
      opts.onFirstPagesError?.(done.error);
      return () => wake(now);
    }
    const { claimed, nextAt } = done.value;
    return () => {
      if (claimed.length > 0) delivery?.dispatch(claimed);
      if (nextAt !== null) wake(nextAt);
    };
  };
  return { modules, escalation, firstPages, delivery, annotations };
}
