/**
 * The three-tier model, decided before any rule was written: what each tier means and what happens when
 * an alert of that tier fires. Every rule carries `tier` and the matching `severity`.
 */
export type Tier = 'T1' | 'T2' | 'T3';

export interface TierPolicy {
  tier: Tier;
  name: string;
  severity: 'critical' | 'warning' | 'info';
  meaning: string;
  response: string;
  /** Whether this tier may reach a paging receiver (phone, push, PagerDuty). */
  pages: boolean;
  /** Alertmanager grouping for this tier's route. */
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

export const TIER_POLICIES: Readonly<Record<Tier, TierPolicy>> = Object.freeze({
  T1: {
    tier: 'T1',
    name: 'Critical',
    severity: 'critical',
    meaning: 'Production down or degraded. SLA breach imminent.',
    response:
      'Phone call and SMS at once; escalates to the backup at 5 minutes and the engineering lead at 10.',
    pages: true,
    groupWait: '10s',
    groupInterval: '1m',
    repeatInterval: '1h',
  },
  T2: {
    tier: 'T2',
    name: 'Warning',
    severity: 'warning',
    meaning: 'Degrading trend. Will become critical if not addressed.',
    response: 'Push notification; 30-minute response window.',
    pages: true,
    groupWait: '1m',
    groupInterval: '5m',
    repeatInterval: '4h',
  },
  T3: {
    tier: 'T3',
    name: 'Advisory',
    severity: 'info',
    meaning: 'Informational: cost spike, capacity threshold, minor anomaly.',
    response: 'Slack only, reviewed in business hours. Never pages.',
    pages: false,
    groupWait: '5m',
    groupInterval: '30m',
    repeatInterval: '24h',
  },
});
