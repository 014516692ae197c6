/**
 * What a batch of applied alerts does to paging, worked out in memory: which escalations start (a new,
 * re-opened or more urgent incident, unless its service is in maintenance) and stop (acknowledged or
 * resolved), and which new incidents are announced.
 */
import type { Tier } from '../alerts/tier.ts';
import type { EscalationStart, EscalationStop } from '../escalation/store.ts';
import type { ChannelTarget } from '../notifications/targets.ts';
import type { ApplyOptions, BatchState } from './machine.ts';

/** What a batch does to paging: escalations to start and stop, announcements to queue. */
export interface PagingPlan {
  starts: EscalationStart[];
  stops: EscalationStop[];
  announcements: { incidentId: number; targets: ChannelTarget[] }[];
  /** Incidents opened before this batch whose tier it raised, with their targets at the new tier. */
  tierChanges: { incidentId: number; targets: ChannelTarget[] }[];
}

/** Works out which escalations start and stop; adds a timeline event where maintenance holds a page back. */
export function planPaging(state: BatchState, opts: ApplyOptions): PagingPlan {
  const touched = [...state.incidents.values(), ...[...state.byGroup.values()].flat().filter((i) => i.isNew)];
  const starts: EscalationStart[] = [];
  const stops: EscalationStop[] = [];
  const announcements: PagingPlan['announcements'] = [];
  const tierChanges: PagingPlan['tierChanges'] = [];
  const raised = new Set(
    state.events.filter((e) => e.kind === 'incident.tier_changed').map((e) => e.incident),
  );
  for (const inc of touched) {
    const tier = inc.row.tier as Tier;
    if (inc.isNew && opts.channels) {
      const targets = opts.channels(inc.row.service_id, tier);
      if (targets.length > 0) announcements.push({ incidentId: inc.row.id, targets });
    } else if (raised.has(inc) && opts.channels) {
      tierChanges.push({ incidentId: inc.row.id, targets: opts.channels(inc.row.service_id, tier) });
    }
    if (inc.paging === 'start' && inc.row.state === 'triggered') {
      const decision = opts.paging?.(tier) ?? null;
      if (!decision) continue;
      if (opts.maintenance?.has(inc.row.service_id)) {
        state.events.push({
          incident: inc,
          at: opts.now,
          kind: 'maintenance.suppressed',
          actor: 'klaxon',
          message: `Not paging: ${inc.row.service_id} is in a maintenance window`,
          data: '{}',
        });
        continue;
      }
      starts.push({ incidentId: inc.row.id, decision });
    } else if (
      inc.paging === 'acknowledged' ||
      inc.paging === 'resolved' ||
      (inc.paging === 'start' && inc.row.state === 'resolved')
    ) {
      const reason = inc.row.state === 'acknowledged' ? 'acknowledged' : 'resolved';
      stops.push({
        incidentId: inc.row.id,
        reason,
        ackTimeoutMs: reason === 'acknowledged' ? (opts.ackTimeoutMs?.(tier) ?? null) : null,
      });
    }
  }
  return { starts, stops, announcements, tierChanges };
}
