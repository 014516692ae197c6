/** Synthetic check knobs: the blackbox HTTP probes of the public endpoints. */
import { knobKey, type KnobDef } from '../model/knob.ts';
import { jitter } from '../model/random.ts';
import { ENDPOINTS } from '../model/topology.ts';
import { DAY_MS } from '../model/wave.ts';

const endpoints = ENDPOINTS.map((instance) => ({ instance }));

/** Certificates renew every 60 days and last 90: between 30 and 90 days are always left. */
export function certDaysLeft(index: number, tMs: number): number {
  const period = 60 * DAY_MS;
  const issued = Math.floor((tMs + index * 17 * DAY_MS) / period) * period - index * 17 * DAY_MS;
  return (issued + 90 * DAY_MS - tMs) / DAY_MS;
}

export const probeKnobs: KnobDef[] = [
  {
    name: 'blackbox.success',
    labels: ['instance'],
    unit: '0/1',
    help: 'The blackbox HTTP probe of the endpoint succeeds (probe_success; failing also sets status 503).',
    baseDoc: '1',
    instances: endpoints,
    base: () => 1,
    alerts: [{ alertname: 'SyntheticCheckFailing', tier: 'T1', op: '<', value: 1 }],
  },
  {
    name: 'blackbox.duration_seconds',
    labels: ['instance'],
    unit: 's',
    help: 'Probe duration (probe_duration_seconds).',
    baseDoc: '0.12 ±25%',
    instances: endpoints,
    base: (l, t, seed) => 0.12 * (1 + jitter(seed, knobKey('blackbox.duration_seconds', l), t, 0.25)),
    alerts: [],
  },
  {
    name: 'blackbox.cert_days_left',
    labels: ['instance'],
    unit: 'days',
    help: 'Days until the endpoint’s certificate expires (probe_ssl_earliest_cert_expiry − now).',
    baseDoc: '30–90 (renewed every 60 days)',
    instances: endpoints,
    base: (l, t) => certDaysLeft(ENDPOINTS.indexOf(l.instance as (typeof ENDPOINTS)[number]), t),
    alerts: [
      { alertname: 'TLSCertificateExpiring', tier: 'T2', op: '<', value: 3 },
      { alertname: 'TLSCertificateExpiring', tier: 'T3', op: '<', value: 14 },
    ],
  },
];
