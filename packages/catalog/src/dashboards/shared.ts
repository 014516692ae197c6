/**
 * PromQL shapes several dashboards repeat, kept in one place so the same signal reads the same way on
 * every dashboard that shows it (the golden signals carry the thresholds of the HTTP alerts).
 */
import { timeseries } from './build.ts';

export const R = '$__rate_interval';
export const ratio = (num: string, den: string, by: string) =>
  `sum by (${by}) (rate(${num}[${R}])) / sum by (${by}) (rate(${den}[${R}]))`;
export const p = (q: number, metric: string, by: string, sel = '') =>
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket${sel ? `{${sel}}` : ''}[${R}])))`;

/** Golden signals of the HTTP services (OpenTelemetry semantic conventions). */
export const golden = (sel: string, by = 'service_name') => [
  timeseries(
    'Traffic (requests/s)',
    [
      {
        expr: `sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel}}[${R}]))`,
        legend: `{{${by}}}`,
      },
    ],
    { unit: 'reqps' },
  ),
  timeseries(
    'Errors (5xx ratio)',
    [
      {
        expr: `sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel},http_response_status_code=~"5.."}[${R}])) / sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel}}[${R}])) or sum by (${by}) (rate(http_server_request_duration_seconds_count{${sel}}[${R}])) * 0`,
        legend: `{{${by}}}`,
      },
    ],
    {
      unit: 'percentunit',
      min: 0,
      thresholds: [
        { value: 0.01, color: 'orange' },
        { value: 0.05, color: 'red' },
      ],
      description: 'HTTP5xxRateHigh: T2 above 1 %, T1 above 5 %.',
    },
  ),
  timeseries(
    'Latency p99',
    [{ expr: p(0.99, 'http_server_request_duration_seconds', by, sel), legend: `{{${by}}}` }],
    {
      unit: 's',
      thresholds: [{ value: 0.5, color: 'orange' }],
      description: 'APILatencySLABreach (T2) above 500 ms.',
    },
  ),
];
