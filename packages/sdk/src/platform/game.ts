/** The game backend's metrics from the metrics contract, by region (a type parameter, bounded by the guard). */
import type { Metrics } from '../metrics/metrics.ts';
import type { MetricDefinition } from '../metrics/types.ts';

export const GAME_CONNECTION_ATTEMPTS: MetricDefinition<{ region: string }> = {
  name: 'game_server_connection_attempts_total',
  otelName: 'game_server.connection.attempts',
  help: 'Connection attempts to game servers, by region.',
  unit: '{connection}',
  labels: { region: 'region' },
};

export const GAME_CONNECTION_FAILURES: MetricDefinition<{ region: string }> = {
  name: 'game_server_connection_failures_total',
  otelName: 'game_server.connection.failures',
  help: 'Failed connection attempts to game servers, by region.',
  unit: '{connection}',
  labels: { region: 'region' },
};

export const GAME_PLAYERS_ONLINE: MetricDefinition<{ region: string }> = {
  name: 'game_server_players_online',
  otelName: 'game_server.players.online',
  help: 'Players connected to game servers, by region.',
  unit: '{player}',
  labels: { region: 'region' },
};

export interface GameMetrics<Region extends string> {
  /** One connection attempt; `ok: false` also counts a failure. */
  recordConnection(region: Region, ok: boolean): void;
  setPlayersOnline(region: Region, players: number): void;
}

/**
 * The game backend metrics over `metrics`.
 *
 * @example
 * const game = gameMetrics<'eu-west-1' | 'us-east-1'>(metrics);
 * game.recordConnection('eu-west-1', false);
 */
export function gameMetrics<Region extends string = string>(metrics: Metrics): GameMetrics<Region> {
  const attempts = metrics.counter(GAME_CONNECTION_ATTEMPTS);
  const failures = metrics.counter(GAME_CONNECTION_FAILURES);
  const players = metrics.gauge(GAME_PLAYERS_ONLINE);
  return {
    recordConnection(region, ok) {
      attempts.inc({ region });
      if (!ok) failures.inc({ region });
    },
    setPlayersOnline: (region, count) => players.set({ region }, count),
  };
}
