/**
 * Recording rules for the T1 signals a global view needs: the API's 5xx ratio and the game servers'
 * connection failure ratio, recorded per service and per region (`level:metric:operations`). The alerts
 * read the recorded series, so a global Prometheus that federates only recording rules evaluates the
 * same T1 rules. They sit in their alerts' groups: a group evaluates its recording rules first.
 */
import type { RecordingRule } from '../model/alert.ts';
import type { Selectors } from '../model/selectors.ts';

export const SIGNAL_RECORDS = {
  http5xxRatio: 'service_name:http_server_request_errors:ratio_rate5m',
  connectionFailureRatio: 'region:game_server_connection_failures:ratio_rate5m',
} as const;

export function signalRules(s: Selectors): RecordingRule[] {
  return [
    {
      group: 'application',
      record: SIGNAL_RECORDS.http5xxRatio,
      expr: `sum by (service_name) (rate(http_server_request_duration_seconds_count{${s.apps},http_response_status_code=~"5.."}[5m])) / sum by (service_name) (rate(http_server_request_duration_seconds_count{${s.apps}}[5m]))`,
    },
    {
      group: 'application',
      record: SIGNAL_RECORDS.connectionFailureRatio,
      expr: `sum by (region) (rate(game_server_connection_failures_total{${s.game}}[5m])) / sum by (region) (rate(game_server_connection_attempts_total{${s.game}}[5m]))`,
    },
  ];
}
