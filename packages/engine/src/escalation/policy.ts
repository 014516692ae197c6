/** What the tier policies say about paging: which escalation policy pages a tier, and its ack timeout. */
import type { Tier } from '../alerts/tier.ts';
import type { Urgency } from '../org/config.ts';
import type { TiersConfig } from './config.ts';

export interface PagingDecision {
  policyId: string;
  urgency: Urgency;
}

/** Which policy pages for `tier`, or null when the tier never pages. */
export function pagingFor(config: TiersConfig, tier: Tier): PagingDecision | null {
  const policy = config.tiers[tier];
  if (!policy.pages || !policy.escalationPolicy || policy.urgency === 'none') return null;
  return { policyId: policy.escalationPolicy, urgency: policy.urgency };
}

/** An acknowledged incident of `tier` not resolved within this time (ms) is triggered again; null: never. */
export function ackTimeoutFor(config: TiersConfig, tier: Tier): number | null {
  const minutes = config.tiers[tier].ackTimeoutMinutes;
  return minutes ? minutes * 60_000 : null;
}
