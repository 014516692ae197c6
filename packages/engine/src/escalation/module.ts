/**
 * The escalation engine module: each tick fires every escalation step that is due (escalation/fire.ts),
 * in the tick's transaction on rows it locked, so a step fires exactly once however often, and on
 * however many replicas, the tick runs. It tells the loop when its next step is due, so steps fire on
 * time rather than at the next interval. Step 0 of a new incident is fired by the ingest transaction
 * that opened it (`firstSteps`), so the first page does not wait for a tick.
 */
import type { Transaction } from 'kysely';
import type { Database, EscalationRow, NotificationRow } from '../db/tables.ts';
import type { EngineModule } from '../engine/loop.ts';
import type { OnCallDirectory } from '../oncall/directory.ts';
import type { EscalationPoliciesConfig } from './config.ts';
import { fireSteps, type FiredSteps, type StepFiringDeps } from './fire.ts';

const BATCH = 1000;

export interface EscalationModuleDeps {
  config: EscalationPoliciesConfig;
  directory: OnCallDirectory;
  /**
   * Hands notifications that are due at once straight to delivery after the commit (they are written
   * already claimed), sparing them a trip through the delivery module's next tick.
   */
  dispatch?: (rows: NotificationRow[]) => void;
  /**
   * Triggers acknowledged incidents again when their acknowledgement timed out (the incidents folder
   * owns that change; the composition root wires it in).
   */
  retrigger: (trx: Transaction<Database>, incidentIds: number[], now: number) => Promise<void>;
}

/** The escalation module, and the same firing for the escalations an ingest transaction just started. */
export interface EscalationModule extends EngineModule {
  /**
   * Fires the due steps of `incidentIds`' escalations inside the caller's transaction (the ingest one
   * that started them); the caller hands the claimed pages to delivery after its commit.
   */
  firstSteps(
    trx: Transaction<Database>,
    incidentIds: readonly number[],
    now: number,
    rowLocks: boolean,
  ): Promise<FiredSteps>;
}

export function escalationModule(deps: EscalationModuleDeps): EscalationModule {
  const firing: StepFiringDeps = {
    policies: new Map(deps.config.escalationPolicies.map((p) => [p.id, p])),
    directory: deps.directory,
    claimImmediate: deps.dispatch !== undefined,
    retrigger: deps.retrigger,
  };
  return {
    name: 'escalation',
    async tick({ trx, now, rowLocks, afterCommit: after }) {
      const t = now.getTime();
      let q = trx
        .selectFrom('escalations')
        .selectAll()
        .where('next_at', '<=', t)
        .where('state', 'in', ['active', 'waiting_ack'])
        .orderBy('next_at')
        .limit(BATCH);
      if (rowLocks) q = q.forUpdate().skipLocked();
      const { claimed } = await fireSteps(firing, trx, await q.execute(), t);
      if (claimed.length > 0 && deps.dispatch) after(() => deps.dispatch!(claimed));
    },
    async nextDueAt(db) {
      const row = await db
        .selectFrom('escalations')
        .select('next_at')
        .where('next_at', 'is not', null)
        .where('state', 'in', ['active', 'waiting_ack'])
        .orderBy('next_at')
        .limit(1)
        .executeTakeFirst();
      return row?.next_at ?? null;
    },
    async firstSteps(trx, incidentIds, now, rowLocks) {
      if (incidentIds.length === 0) return { claimed: [], nextAt: null };
      const due: EscalationRow[] = [];
      for (let i = 0; i < incidentIds.length; i += BATCH) {
        let q = trx
          .selectFrom('escalations')
          .selectAll()
          .where('incident_id', 'in', incidentIds.slice(i, i + BATCH))
          .where('state', '=', 'active')
          .where('next_at', '<=', now)
          .orderBy('incident_id');
        // The rows this transaction started are its own; one the tick holds is the tick's to fire.
        if (rowLocks) q = q.forUpdate().skipLocked();
        due.push(...(await q.execute()));
      }
      return fireSteps(firing, trx, due, now);
    },
  };
}
