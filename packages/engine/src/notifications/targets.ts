/**
 * Where every incident of a service is announced besides paging people: its Slack channel, email list,
 * webhooks, and PagerDuty for the tiers that page. T3 reaches only Slack, email and webhooks.
 */
import type { Tier } from '../alerts/tier.ts';
import type { ChannelTargetsConfig } from './config.ts';

export interface ChannelTarget {
  channel: 'slack' | 'email' | 'pagerduty' | 'webhook';
  address: string;
}

export function channelTargets(config: ChannelTargetsConfig, serviceId: string, tier: Tier): ChannelTarget[] {
  const notify = config.services.find((s) => s.id === serviceId)?.notify;
  if (!notify) return [];
  const out: ChannelTarget[] = [];
  if (notify.slack) out.push({ channel: 'slack', address: notify.slack });
  for (const address of notify.email) out.push({ channel: 'email', address });
  for (const address of notify.webhooks) out.push({ channel: 'webhook', address });
  if (notify.pagerduty && config.tiers[tier].pages)
    out.push({ channel: 'pagerduty', address: notify.pagerduty });
  return out;
}
